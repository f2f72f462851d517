/**
 * JSON text of results: bigints as decimal strings, and never a NaN or an Infinity turned into
 * `null` — a result that holds one is refused, naming the figure (see {@link toResultJson}).
 */
import { UserError } from './errors.ts';

/**
 * Subtrees whose metrics are undefined for some inputs by their definition (a fund summary's
 * Sharpe is NaN when returns do not vary, Calmar Infinity without a drawdown): there a
 * non-finite number is written as the string "NaN", "Infinity" or "-Infinity", as the report's
 * summary.json writes it. Anywhere else it is an error.
 */
export const UNDEFINED_METRIC_SUBTREES: readonly string[] = ['summary'];

/**
 * The error for a result figure that is not a finite number: bad input drove a computation out
 * of float64's range (exit 2), named by its path in the output.
 *
 * @example throw nonFiniteResultError({ path: 'decisions[2].deltaUsd', value: Infinity });
 */
export function nonFiniteResultError(found: { path: string; value: number }): UserError {
  return new UserError({
    field: found.path,
    value: found.value,
    message: `the result figure ${found.path} is ${found.value}, not a finite number: the inputs drive it beyond what a float64 holds`,
    hint: 'bring the inputs that feed this figure into their usual range',
  });
}

function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

/** A JSON-ready copy of `value`: bigints as strings, non-finite numbers checked. */
function prepare(value: unknown, path: string, lenient: boolean): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return value;
    if (lenient) return String(value);
    throw nonFiniteResultError({ path: path === '' ? '(root)' : path, value });
  }
  if (value === null || typeof value !== 'object') return value;
  const toJson = (value as { toJSON?: () => unknown }).toJSON;
  if (typeof toJson === 'function') return prepare(toJson.call(value), path, lenient);
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return prepare(Array.from(value as unknown as ArrayLike<unknown>), path, lenient);
  if (Array.isArray(value)) return value.map((v, i) => prepare(v, childPath(path, i), lenient));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const p = childPath(path, key);
    out[key] = prepare(v, p, lenient || UNDEFINED_METRIC_SUBTREES.includes(p));
  }
  return out;
}

/**
 * JSON text of a result: bigints as decimal strings; a NaN or ±Infinity throws
 * {@link nonFiniteResultError} naming the figure instead of being written as `null` (under
 * {@link UNDEFINED_METRIC_SUBTREES} it is written as a string).
 *
 * @example toResultJson({ navUsd: 1.5, shares: 10n }) // '{\n  "navUsd": 1.5,\n  "shares": "10"\n}'
 */
export function toResultJson(value: unknown, indent = 2): string {
  try {
    return JSON.stringify(value, plainReplacer, indent);
  } catch (e) {
    if (e !== NON_FINITE) throw e;
  }
  // a non-finite number somewhere: the path-tracking copy names it (or writes it as a string
  // under an undefined-metric subtree)
  return JSON.stringify(prepare(value, '', false), null, indent);
}

/** Thrown by {@link plainReplacer} at a non-finite number. */
const NON_FINITE: unique symbol = Symbol('non-finite number');

/**
 * The one-pass rendering for results whose numbers are all finite (what {@link prepare} gives,
 * without copying the tree or tracking paths): bigints as strings, typed arrays as arrays.
 */
function plainReplacer(_key: string, v: unknown): unknown {
  if (typeof v === 'number') {
    if (Number.isFinite(v)) return v;
    throw NON_FINITE;
  }
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'object' && v !== null && ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<unknown>);
  return v;
}
