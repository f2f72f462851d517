/**
 * A reserve's supply rate at utilisations on the 1e-9 grid the sampled paths use (usage =
 * k · 10^18 ray for an integer k), with the v3 strategy's divisions reduced to one-digit
 * divisors. A rounded division depends only on the ratio of its operands, so a common factor
 * can go: rayMul(x, k · 10^18) rounds x · k / 10^9, and rayDiv(y, c) rounds y · (RAY / g) /
 * (c / g) for g = gcd(RAY, c) (for the optimal ratio 0.9: y · 10 / 9). Same value as
 * `liquidityRateRay(strategy, k · 10^18)`, to the unit (property-tested), at a fraction of the
 * cost: the fund samples one rate per reserve per day of every run.
 */
import { divRound, RAY, rayMul } from '../core/fixedPoint.ts';
import { PERCENTAGE_FACTOR_BPS, type RateStrategyRay } from '../protocols/aave.ts';

/** Ray per grid step (usage = k · 10^18). */
const RAY_PER_STEP = 10n ** 18n;
/** Grid steps per ray unit of a product x · usage: RAY / RAY_PER_STEP. */
const STEPS = RAY / RAY_PER_STEP;

/**
 * A strategy ready for grid utilisations: the strategy, the largest k at or below the optimal
 * ratio, and the reduced factors of its two rayDivs (by the optimal ratio and by its complement).
 *
 * @example const grid = gridStrategy(rateStrategyToRay(USDC_RATE_STRATEGY)); grid.optimalOverGcd // 9n
 */
export interface GridStrategy {
  readonly ray: RateStrategyRay;
  /** ⌊optimal / 10^18⌋: usage k · 10^18 is above the kink exactly when k is above this. */
  readonly kinkStep: bigint;
  /** RAY / g, optimal / g and (RAY − optimal) / g, g = gcd(RAY, |optimal|). */
  readonly rayOverGcd: bigint;
  readonly optimalOverGcd: bigint;
  readonly excessRangeOverGcd: bigint;
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

/**
 * Prepares `strategy` for {@link supplyRateRayOnGrid} (once per strategy).
 *
 * @example gridStrategy(rateStrategyToRay(USDC_RATE_STRATEGY)).kinkStep // 900000000n
 */
export function gridStrategy(strategy: RateStrategyRay): GridStrategy {
  const optimal = strategy.optimalUsageRatioRay;
  const g = gcd(RAY, optimal);
  return { ray: strategy, kinkStep: divRound(optimal, RAY_PER_STEP, 'floor'), rayOverGcd: RAY / g, optimalOverGcd: optimal / g, excessRangeOverGcd: (RAY - optimal) / g };
}

/**
 * The liquidity (supply) rate in ray at usage `k` · 10^18 (k = utilisation · 10^9, an integer):
 * exactly `liquidityRateRay(grid.ray, k * 10n ** 18n)`.
 *
 * @example supplyRateRayOnGrid(gridStrategy(rateStrategyToRay(USDC_RATE_STRATEGY)), 900_000_000n) // 0.06·0.9·0.9 in ray
 */
export function supplyRateRayOnGrid(grid: GridStrategy, k: bigint): bigint {
  const s = grid.ray;
  let borrowRate: bigint;
  if (k > grid.kinkStep) {
    const excess = divRound((k * RAY_PER_STEP - s.optimalUsageRatioRay) * grid.rayOverGcd, grid.excessRangeOverGcd, 'halfUp'); // rayDiv(usage − optimal, RAY − optimal)
    borrowRate = s.baseVariableBorrowRateRay + s.variableRateSlope1Ray + rayMul(s.variableRateSlope2Ray, excess);
  } else {
    const slope = divRound(s.variableRateSlope1Ray * k, STEPS, 'halfUp'); // rayMul(slope1, usage)
    borrowRate = s.baseVariableBorrowRateRay + divRound(slope * grid.rayOverGcd, grid.optimalOverGcd, 'halfUp'); // rayDiv(…, optimal)
  }
  const supplied = divRound(borrowRate * k, STEPS, 'halfUp'); // rayMul(borrowRate, usage)
  return divRound(supplied * (PERCENTAGE_FACTOR_BPS - s.reserveFactorBps), PERCENTAGE_FACTOR_BPS, 'halfUp'); // percentMul
}
