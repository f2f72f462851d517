/**
 * The fund asset's base units: a USD stablecoin with 6 decimals (USDC). Venue math counts in
 * these exactly (bigint); policies and paths use float64 USD.
 */

/** Base units per USD of the fund asset. */
export const UNITS_PER_USD = 1_000_000;

/**
 * USD (float) → base units, rounded toward zero.
 *
 * @example usdToUnits(1.2345678) // 1234567n
 */
export function usdToUnits(usd: number): bigint {
  return BigInt(Math.trunc(usd * UNITS_PER_USD));
}

/**
 * Base units → USD (float).
 *
 * @example unitsToUsd(1_500_000n) // 1.5
 */
export function unitsToUsd(units: bigint): number {
  return Number(units) / UNITS_PER_USD;
}
