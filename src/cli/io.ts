/**
 * Output plumbing shared by every command: `--json` or a human rendering, and the mapping of
 * errors to exit codes (2 for bad input, 1 for internal faults).
 */
import type { Command } from 'commander';
import { EXIT_INTERNAL_ERROR, EXIT_USER_ERROR, isUserError } from '../core/errors.ts';

/** What a command produced: a machine value for `--json` and a text for people. */
export interface CommandOutput {
  json: unknown;
  human: () => string;
}

/** Options every command has. */
export interface CommonOptions {
  json?: boolean;
}

/** JSON text in which bigints are decimal strings. */
export function toJsonText(value: unknown, indent = 2): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), indent);
}

/** Writes a command's output as JSON or as text. */
export function emit(output: CommandOutput, opts: CommonOptions): void {
  process.stdout.write(`${opts.json ? toJsonText(output.json) : output.human()}\n`);
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
  if (isUserError(e)) {
    if (json) process.stdout.write(`${toJsonText({ error: { message: e.message, field: e.field ?? null } })}\n`);
    else process.stderr.write(`capflow: ${e.message}\n`);
    return EXIT_USER_ERROR;
  }
  const message = e instanceof Error ? e.message : String(e);
  if (json) process.stdout.write(`${toJsonText({ error: { message: `internal error: ${message}`, field: null } })}\n`);
  else process.stderr.write(`capflow: internal error: ${message}\n${e instanceof Error && process.env.CAPFLOW_DEBUG ? `${e.stack}\n` : ''}`);
  return EXIT_INTERNAL_ERROR;
}
