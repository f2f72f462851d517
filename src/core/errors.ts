/**
 * Errors that capflow raises on purpose.
 *
 * A {@link UserError} is bad input: it names the field (a CLI flag such as `--price` or a
 * config path such as `rules.weights[1].maxConcentration`), the value that was given and
 * what is allowed. The CLI prints it on one line and exits with code 2. Anything else that
 * escapes is an internal fault (exit code 1).
 */

/** Exit code of a command that did what was asked. */
export const EXIT_OK = 0;
/** Exit code for bad input (flags, config files, event feeds). */
export const EXIT_USER_ERROR = 2;
/** Exit code for internal faults (a bug in capflow). */
export const EXIT_INTERNAL_ERROR = 1;
/** Exit code of a check that ran and found a difference (`treasury verify`). */
export const EXIT_CHECK_FAILED = 3;
/** Exit code when a store is busy: another process holds it for writing (DuckDB allows one writer process); try again later. */
export const EXIT_BUSY = 4;
/** Exit code after Ctrl-C (SIGINT): 128 + the signal's number 2, as shells report it. */
export const EXIT_INTERRUPTED = 130;

/** Where an internal error (exit 1) asks to be reported. */
export const BUG_REPORT_HINT =
  'this is a bug in capflow: please report it on the capflow issue tracker with the command line, its input files and the output of the same command run with CAPFLOW_DEBUG=1';

/**
 * Bad input, reported with the field that holds it and a hint on how to fix it.
 *
 * @example
 * throw new UserError({ field: '--price', value: -1, message: 'must be > 0', hint: 'pass the token price in USD' });
 */
export class UserError extends Error {
  /** Flag (`--price`) or config path (`rules.weights[1].maxConcentration`) holding the bad value. */
  readonly field: string | undefined;
  /** The offending value as given (may be undefined when the field is missing). */
  readonly value: unknown;
  /** What to do about it. */
  readonly hint: string | undefined;
  /** The message as given, without the field and hint that {@link UserError.message} adds. */
  readonly detail: string;

  constructor(opts: { message: string; field?: string; value?: unknown; hint?: string; cause?: unknown }) {
    super(formatUserErrorMessage(opts), opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'UserError';
    this.field = opts.field;
    this.value = opts.value;
    this.hint = opts.hint;
    this.detail = opts.message;
  }
}

function formatUserErrorMessage(opts: { message: string; field?: string; value?: unknown; hint?: string }): string {
  const where = opts.field === undefined ? '' : `${opts.field}: `;
  const hint = opts.hint === undefined ? '' : ` (${opts.hint})`;
  return `${where}${opts.message}${hint}`;
}

/**
 * A check that ran to the end and found a difference (e.g. `treasury verify` on an
 * inconsistent ledger): exit code 3, not a bug and not bad input.
 *
 * @example throw new CheckFailedError('the ledger is inconsistent: holdings differ', { consistent: false });
 */
export class CheckFailedError extends Error {
  /** What the check found, for `--json` (printed as the command's output). */
  readonly result: unknown;

  constructor(message: string, result?: unknown) {
    super(message);
    this.name = 'CheckFailedError';
    this.result = result;
  }
}

/**
 * A store another process holds (DuckDB allows one writer process at a time): exit code 4,
 * so a script can tell "try again later" from bad input. It is a {@link UserError} (it names
 * `--db`), so code that only knows user errors still reports it cleanly.
 *
 * @example throw new BusyError({ field: '--db', value: 'fund.duckdb', message: 'another process is writing fund.duckdb', hint: 'try again when it is done' });
 */
export class BusyError extends UserError {
  constructor(opts: { message: string; field?: string; value?: unknown; hint?: string; cause?: unknown }) {
    super(opts);
    this.name = 'BusyError';
  }
}

/** True when `e` is a {@link UserError}. */
export function isUserError(e: unknown): e is UserError {
  return e instanceof UserError;
}

/**
 * Renders a value for an error message: numbers and strings as given, others as JSON, where
 * numbers JSON cannot hold (Infinity, -Infinity, NaN) and bigints are written as numbers too
 * (not as `null`).
 *
 * @example showValue({ cashUsd: Infinity, rates: [NaN, 1] }) // '{"cashUsd":Infinity,"rates":[NaN,1]}'
 */
export function showValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return String(value);
  try {
    const json = JSON.stringify(value, (_key, v: unknown) => (isUnjsonableNumber(v) ? `${RAW_MARK}${String(v)}${RAW_MARK}` : v));
    return json === undefined ? String(value) : json.replace(RAW_PATTERN, '$1');
  } catch {
    return String(value);
  }
}

/** Marks a number written raw into JSON text (JSON.stringify escapes it as \u0000). */
const RAW_MARK = '\u0000';
const RAW_PATTERN = /"\\u0000(-?Infinity|NaN|-?\d+)\\u0000"/g;

function isUnjsonableNumber(v: unknown): boolean {
  return typeof v === 'bigint' || (typeof v === 'number' && !Number.isFinite(v));
}

/**
 * The first line of a caught error's message (libraries such as DuckDB add detail lines), or
 * the thrown value as text.
 *
 * @example firstErrorLine(new Error('IO Error: no such file\nLINE 1: …')) // 'IO Error: no such file'
 */
export function firstErrorLine(e: unknown): string {
  return e instanceof Error ? (e.message.split('\n')[0] ?? '') : String(e);
}

/**
 * A {@link UserError} moved to another field (e.g. prefixed with its line), with an optional
 * note after the message; other errors are returned unchanged.
 *
 * @example throw relocateError(e, (field) => `line 3: ${field}`, ' in events.jsonl');
 */
export function relocateError(e: unknown, field: (field: string) => string, note = ''): unknown {
  if (!(e instanceof UserError)) return e;
  return new UserError({ field: field(e.field ?? ''), value: e.value, message: `${e.detail}${note}`, hint: e.hint, cause: e });
}
