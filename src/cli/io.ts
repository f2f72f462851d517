/**
 * Output plumbing shared by every command: `--json` or a human rendering, and the mapping of
 * errors to exit codes (2 for bad input, 3 a failed check, 4 a busy store, 1 for internal faults).
 */
import type { Command } from 'commander';
import { BUG_REPORT_HINT, BusyError, CheckFailedError, EXIT_BUSY, EXIT_CHECK_FAILED, EXIT_INTERNAL_ERROR, EXIT_USER_ERROR, isUserError } from '../core/errors.ts';
import { toResultJson } from '../core/json.ts';
import { escapeControls } from '../core/text.ts';

/** What a command produced: a machine value for `--json` and a text for people. */
export interface CommandOutput {
  json: unknown;
  human: () => string;
}

/** Options every command has. */
export interface CommonOptions {
  json?: boolean;
}

/**
 * JSON text in which bigints are decimal strings; a NaN or ±Infinity is an error naming the
 * figure (exit 2), never `null` (see {@link toResultJson}).
 *
 * @example toJsonText({ n: 1n }) // '{\n  "n": "1"\n}'
 */
export function toJsonText(value: unknown, indent = 2): string {
  return toResultJson(value, indent);
}

/**
 * Writes a command's output as JSON or as text. The JSON text is built (and checked for
 * non-finite figures) before anything is printed, so a refused result prints nothing.
 *
 * @example emit({ json: { a: 1 }, human: () => 'a = 1' }, { json: true });
 */
export function emit(output: CommandOutput, opts: CommonOptions): void {
  const text = opts.json ? toJsonText(output.json) : output.human();
  // control characters from the data (a note, a token name) never reach the terminal raw
  (writesDataToStdout(opts) ? process.stderr : process.stdout).write(`${escapeControls(text, true)}\n`);
}

/** Output flags whose value `-` sends the data they name to stdout. */
const DATA_OUTPUT_OPTIONS = ['out', 'snapshotOut', 'emitTxs'] as const;

/**
 * True when an output flag is `-`: stdout then carries that data, and the command's own
 * summary goes to stderr so the two never mix.
 *
 * @example writesDataToStdout({ out: '-' }) // true
 */
export function writesDataToStdout(opts: object): boolean {
  return DATA_OUTPUT_OPTIONS.some((k) => (opts as Record<string, unknown>)[k] === '-');
}

/**
 * Adds `--json` to a command and wires its action to {@link emit}. The action receives the
 * parsed options (flag values as strings) and returns a {@link CommandOutput}.
 *
 * @example
 * withOutput(program.command('x').option('--n <k>'), (opts) => ({ json: { n: opts.n }, human: () => String(opts.n) }));
 */
export function withOutput<O extends CommonOptions>(
  command: Command,
  run: (opts: O, args: string[]) => CommandOutput | Promise<CommandOutput>,
): Command {
  return command.option('--json', 'machine-readable JSON on stdout').action(async (...params: unknown[]) => {
    const cmd = params[params.length - 1] as Command;
    const opts = cmd.opts<O>();
    const args = cmd.args;
    emit(await run(opts, args), opts);
  });
}

/**
 * Prints an error the way the user asked (JSON on stdout with `--json`, one line on stderr
 * otherwise) and returns the exit code.
 */
export function reportError(e: unknown, json: boolean): number {
  if (e instanceof CheckFailedError) {
    if (json) process.stdout.write(`${safeJson({ error: { message: e.message, field: null }, result: e.result ?? null })}\n`);
    else process.stderr.write(`capflow: ${escapeControls(e.message, true)}\n`);
    return EXIT_CHECK_FAILED;
  }
  if (isUserError(e)) {
    if (json) process.stdout.write(`${safeJson({ error: { message: e.message, field: e.field ?? null } })}\n`);
    else process.stderr.write(`capflow: ${escapeControls(e.message, true)}\n`);
    return e instanceof BusyError ? EXIT_BUSY : EXIT_USER_ERROR;
  }
  const message = e instanceof Error ? e.message : String(e);
  if (json) process.stdout.write(`${safeJson({ error: { message: `internal error: ${message}`, field: null, report: BUG_REPORT_HINT } })}\n`);
  else process.stderr.write(`capflow: internal error: ${escapeControls(message, true)}\ncapflow: ${BUG_REPORT_HINT}\n${e instanceof Error && process.env.CAPFLOW_DEBUG ? `${e.stack}\n` : ''}`);
  return EXIT_INTERNAL_ERROR;
}

/** JSON of an error report: never throws (non-finite numbers become strings). */
function safeJson(value: unknown): string {
  return escapeControls(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 2), true);
}
