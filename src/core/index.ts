/**
 * `capflow/core`: the foundations every layer shares — exact fixed-point math with explicit
 * rounding (WAD, RAY, mulDiv), the seeded random number generator, config loading with zod,
 * and the error type that names the bad field ({@link UserError}).
 *
 * To add a public module of this layer: one `export` line below.
 *
 * @example
 * import { mulDiv, WAD, Rng, UserError } from 'capflow/core';
 * mulDiv(3n * WAD, 2n, 3n, 'floor'); // 2n * WAD
 * Rng.stream(42, 0).normal();       // run 0's first standard normal of seed 42
 *
 * @packageDocumentation
 */
export * from './config.ts';
export { EXIT_INTERNAL_ERROR, EXIT_USER_ERROR, isUserError, relocateError, UserError } from './errors.ts';
export * from './fixedPoint.ts';
export * from './rng.ts';
export * from './time.ts';
export { checkNumber, describeBounds, type NumberBounds } from './validate.ts';
