/**
 * Parsing of command-line flag values into typed numbers, with errors that name the flag.
 */
import { UserError } from '../core/errors.ts';
import { checkNumber, describeBounds, type NumberBounds } from '../core/validate.ts';

export type { NumberBounds };

/**
 * Parses a flag's text as a number within bounds. Only decimal text is a number (`1500`,
 * `-0.25`, `.5`, `1e-4`); hex/binary/octal literals (`0x10`), '', 'NaN' and 'Infinity' are
 * errors. `undefined` text returns `fallback` (or throws when there is none: the flag is
 * required).
 *
 * @example parseNumberFlag('--price', '1500', { gt: 0 }) // 1500
 */
export function parseNumberFlag(flag: string, raw: string | undefined, bounds: NumberBounds = {}, fallback?: number): number {
  if (raw === undefined) {
    if (fallback !== undefined) return fallback;
    throw new UserError({ field: flag, message: 'is required', hint: `pass ${flag} <${describeBounds(bounds)}>` });
  }
  const text = raw.trim();
  const value = DECIMAL.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(value)) {
    throw new UserError({
      field: flag,
      value: raw,
      message: `must be ${describeBounds(bounds)}, got ${JSON.stringify(raw)}`,
      hint: 'write it in decimal, e.g. 1500, -0.25 or 1e-4',
    });
  }
  checkNumber(flag, value, bounds);
  return checkMagnitude(flag, value, bounds);
}

/**
 * The largest magnitude a flag takes unless its bounds say otherwise: 10^15 (a quadrillion USD,
 * tokens or steps is beyond every flag's meaning, and far from float64 overflow). Integer flags
 * are within 2^53 − 1 too.
 */
export const MAX_FLAG_MAGNITUDE = 1e15;

/** Worker threads a command may start at most. */
export const MAX_WORKERS = 256;

/** Refuses a value beyond ±{@link MAX_FLAG_MAGNITUDE} on a side its bounds leave open. */
function checkMagnitude(flag: string, value: number, bounds: NumberBounds): number {
  const openAbove = bounds.max === undefined && bounds.lt === undefined;
  const openBelow = bounds.min === undefined && bounds.gt === undefined;
  if ((openAbove && value > MAX_FLAG_MAGNITUDE) || (openBelow && value < -MAX_FLAG_MAGNITUDE)) {
    throw new UserError({ field: flag, value, message: `must be within ±1e15 (beyond any value this flag means), got ${value}`, hint: `pass ${flag} in its usual range` });
  }
  return value;
}

/** Decimal text: optional sign, digits with an optional fraction (or a bare fraction), optional exponent. */
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Parses a comma-separated list of numbers, each within bounds.
 *
 * @example parseNumberListFlag('--current', '100,200') // [100, 200]
 */
export function parseNumberListFlag(flag: string, raw: string | undefined, bounds: NumberBounds = {}): number[] {
  if (raw === undefined) throw new UserError({ field: flag, message: 'is required', hint: `pass ${flag} <n1,n2,...>` });
  const parts = raw.split(',');
  return parts.map((p, i) => parseNumberFlag(`${flag}[${i}]`, p, bounds));
}

/**
 * Checks that a flag's text is one of the allowed choices.
 *
 * @example parseChoiceFlag('--method', 'direct', ['direct', 'min-norm'] as const) // 'direct'
 */
export function parseChoiceFlag<T extends string>(flag: string, raw: string | undefined, choices: readonly T[], fallback?: T): T {
  if (raw === undefined) {
    if (fallback !== undefined) return fallback;
    throw new UserError({ field: flag, message: 'is required', hint: `one of ${choices.join(', ')}` });
  }
  if (!(choices as readonly string[]).includes(raw)) {
    throw new UserError({ field: flag, value: raw, message: `must be one of ${choices.join(', ')}, got ${JSON.stringify(raw)}` });
  }
  return raw as T;
}
