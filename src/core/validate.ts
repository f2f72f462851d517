/**
 * Validation of user-given numbers against bounds, with errors that name the field.
 */
import { UserError } from './errors.ts';

/** Bounds for a number given by the user (a flag or a config field). */
export interface NumberBounds {
  /** value ≥ min */
  min?: number;
  /** value ≤ max */
  max?: number;
  /** value > gt */
  gt?: number;
  /** value < lt */
  lt?: number;
  /** must be an integer */
  integer?: boolean;
}

/**
 * Describes bounds for an error message.
 *
 * @example describeBounds({ gt: 0, integer: true }) // 'an integer > 0'
 */
export function describeBounds(b: NumberBounds): string {
  const limits: string[] = [];
  if (b.gt !== undefined) limits.push(`> ${b.gt}`);
  if (b.min !== undefined) limits.push(`>= ${b.min}`);
  if (b.lt !== undefined) limits.push(`< ${b.lt}`);
  if (b.max !== undefined) limits.push(`<= ${b.max}`);
  const kind = b.integer ? 'an integer' : 'a number';
  return limits.length === 0 ? kind : `${kind} ${limits.join(' and ')}`;
}

/**
 * Checks a number against bounds; throws a {@link UserError} naming `field` otherwise.
 *
 * @example checkNumber('--leverage', 3, { gt: 0 }) // 3
 */
export function checkNumber(field: string, value: number, bounds: NumberBounds): number {
  const ok =
    Number.isFinite(value) &&
    (!bounds.integer || Number.isSafeInteger(value)) &&
    (bounds.min === undefined || value >= bounds.min) &&
    (bounds.max === undefined || value <= bounds.max) &&
    (bounds.gt === undefined || value > bounds.gt) &&
    (bounds.lt === undefined || value < bounds.lt);
  if (!ok) throw new UserError({ field, value, message: `must be ${describeBounds(bounds)}, got ${value}` });
  return value;
}

