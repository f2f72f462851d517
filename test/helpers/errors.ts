import { UserError } from '../../src/core/errors.ts';

/**
 * Runs `fn`, which must throw a {@link UserError}, and returns it (other errors propagate).
 *
 * @example expect(caughtUserError(() => parseConfig(schema, bad)).field).toBe('rules.weights[1]');
 */
export function caughtUserError(fn: () => unknown): UserError {
  try {
    fn();
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error('expected a UserError');
}
