/**
 * Aave v3 lending math: the default interest-rate strategy, APR → APY, compounded and linear
 * interest, index updates, aToken / vToken balances from scaled balances; loan risk (LTV,
 * health factor, liquidation price, maximum leverage) is in `aaveRisk.ts`, re-exported here.
 *
 * Two flavours:
 * - exact `bigint` functions in ray (1e27), rounding as the Aave v3 contracts do (half-up
 *   rayMul/rayDiv, truncating integer divisions), for anything that counts money;
 * - float64 helpers with the same formulas for simulations (plain fractions: 0.05 = 5 %).
 *
 * A year is 365 days = 31,536,000 s, as in Aave's `MathUtils.SECONDS_PER_YEAR`.
 */
import { RAY, mulDiv, numberToBaseUnits, rayDiv, rayMul, rayToWad } from '../core/fixedPoint.ts';
import { UserError } from '../core/errors.ts';
import { DAYS_PER_YEAR, SECONDS_PER_DAY } from '../core/time.ts';

export * from './aaveRisk.ts';

/** Seconds in Aave's year (365 days, no leap years). @example linearInterestFactor(0.1, SECONDS_PER_YEAR) // 1.1 */
export const SECONDS_PER_YEAR = DAYS_PER_YEAR * SECONDS_PER_DAY;
/** {@link SECONDS_PER_YEAR} as a bigint. @example linearInterestRay(RAY / 10n, SECONDS_PER_YEAR_BIG) // 1.1 · RAY */
export const SECONDS_PER_YEAR_BIG = BigInt(SECONDS_PER_YEAR);
/** Aave's PERCENTAGE_FACTOR: 100 % = 10,000 basis points. @example rateStrategyToRay(USDC_RATE_STRATEGY).reserveFactorBps * 100n / PERCENTAGE_FACTOR_BPS // 10n (%) */
export const PERCENTAGE_FACTOR_BPS = 10_000n;

// ---------------------------------------------------------------------------------------
// Interest-rate strategy
// ---------------------------------------------------------------------------------------

/**
 * Parameters of Aave v3's DefaultReserveInterestRateStrategy, as 0..1 fractions (APRs per year).
 *
 * Below the optimal usage ratio the variable borrow rate climbs along `variableRateSlope1`;
 * above it the steep `variableRateSlope2` applies to the excess.
 *
 * @example
 * const s: RateStrategy = { baseVariableBorrowRate: 0, variableRateSlope1: 0.06, variableRateSlope2: 0.6, optimalUsageRatio: 0.9, reserveFactor: 0.1 };
 */
export interface RateStrategy {
  /** Borrow APR at zero utilization. */
  baseVariableBorrowRate: number;
  /** APR added linearly from 0 up to the optimal usage ratio. */
  variableRateSlope1: number;
  /** APR added linearly from the optimal usage ratio up to 100 % utilization. */
  variableRateSlope2: number;
  /** Kink of the curve, in (0, 1]. */
  optimalUsageRatio: number;
  /** Share of borrow interest kept by the protocol treasury, in [0, 1]. */
  reserveFactor: number;
}

/**
 * A USDC-like stablecoin reserve: base 0 %, slope1 6 %, slope2 60 %, optimal usage 90 %,
 * reserve factor 10 % (the shape of Aave v3 stablecoin reserves on Ethereum in 2023–24;
 * governance changes the exact numbers from time to time).
 *
 * @example borrowAprAt(USDC_RATE_STRATEGY, 0.9) // 0.06
 */
export const USDC_RATE_STRATEGY: Readonly<RateStrategy> = Object.freeze({
  baseVariableBorrowRate: 0,
  variableRateSlope1: 0.06,
  variableRateSlope2: 0.6,
  optimalUsageRatio: 0.9,
  reserveFactor: 0.1,
});

/**
 * Variable borrow APR at `utilization` (0..1):
 * base + slope1·U/U* for U ≤ U*, else base + slope1 + slope2·(U − U*)/(1 − U*).
 *
 * @example borrowAprAt(USDC_RATE_STRATEGY, 0.45) // 0.03
 */
export function borrowAprAt(strategy: RateStrategy, utilization: number): number {
  const { baseVariableBorrowRate: base, variableRateSlope1: slope1, variableRateSlope2: slope2, optimalUsageRatio: optimal } = strategy;
  if (utilization <= optimal) return base + (slope1 * utilization) / optimal;
  return base + slope1 + (slope2 * (utilization - optimal)) / (1 - optimal);
}

/**
 * Supply APR at `utilization`: borrowApr · U · (1 − reserveFactor) (no stable debt, no unbacked).
 *
 * @example supplyAprAt(USDC_RATE_STRATEGY, 0.45) // 0.03 · 0.45 · 0.9 = 0.01215
 */
export function supplyAprAt(strategy: RateStrategy, utilization: number): number {
  return borrowAprAt(strategy, utilization) * utilization * (1 - strategy.reserveFactor);
}

/**
 * APR → APY with per-second compounding over Aave's year: (1 + apr/secondsPerYear)^secondsPerYear − 1.
 *
 * @example aprToApy(0.05) // ≈ 0.051271
 */
export function aprToApy(apr: number): number {
  return Math.expm1(SECONDS_PER_YEAR * Math.log1p(apr / SECONDS_PER_YEAR));
}

/** Borrow and supply rates of a reserve at one utilization (0..1 fractions). */
export interface LendingRates {
  borrowApr: number;
  supplyApr: number;
  borrowApy: number;
  supplyApy: number;
}

/**
 * Borrow/supply APR and APY at `utilization`, which must lie in [0, 1].
 *
 * @example lendingRatesAt(USDC_RATE_STRATEGY, 0.8).borrowApr // 0.0533…
 */
export function lendingRatesAt(strategy: RateStrategy, utilization: number): LendingRates {
  if (!(utilization >= 0 && utilization <= 1)) {
    throw new UserError({ field: 'utilization', value: utilization, message: `must be in [0, 1], got ${utilization}` });
  }
  const borrowApr = borrowAprAt(strategy, utilization);
  const supplyApr = supplyAprAt(strategy, utilization);
  return { borrowApr, supplyApr, borrowApy: aprToApy(borrowApr), supplyApy: aprToApy(supplyApr) };
}

/**
 * The strategy in the contracts' units: rates and the optimal ratio in ray, the reserve
 * factor in basis points.
 *
 * @example rateStrategyToRay(USDC_RATE_STRATEGY).reserveFactorBps // 1000n
 */
export interface RateStrategyRay {
  baseVariableBorrowRateRay: bigint;
  variableRateSlope1Ray: bigint;
  variableRateSlope2Ray: bigint;
  optimalUsageRatioRay: bigint;
  reserveFactorBps: bigint;
}

/**
 * Converts a float {@link RateStrategy} to {@link RateStrategyRay}: each number from its
 * shortest decimal form (0.06 → 6·10^25 ray), the reserve factor to whole basis points (half-up).
 *
 * @example rateStrategyToRay(USDC_RATE_STRATEGY).variableRateSlope1Ray // 6n * 10n ** 25n
 */
export function rateStrategyToRay(strategy: RateStrategy): RateStrategyRay {
  return {
    baseVariableBorrowRateRay: numberToBaseUnits(strategy.baseVariableBorrowRate, 27),
    variableRateSlope1Ray: numberToBaseUnits(strategy.variableRateSlope1, 27),
    variableRateSlope2Ray: numberToBaseUnits(strategy.variableRateSlope2, 27),
    optimalUsageRatioRay: numberToBaseUnits(strategy.optimalUsageRatio, 27),
    reserveFactorBps: numberToBaseUnits(strategy.reserveFactor, 4),
  };
}

/**
 * Usage ratio in ray: totalDebt / (availableLiquidity + totalDebt), half-up; 0 without debt.
 *
 * @example usageRatioRay(50n, 50n) // RAY / 2n
 */
export function usageRatioRay(totalDebt: bigint, availableLiquidity: bigint): bigint {
  if (totalDebt === 0n) return 0n;
  return rayDiv(totalDebt, availableLiquidity + totalDebt);
}

/**
 * Variable borrow rate (ray) at `usageRatioRay`, as the v3 strategy computes it:
 * base + slope1.rayMul(U).rayDiv(U*) below the kink, base + slope1 + slope2.rayMul((U − U*).rayDiv(1 − U*)) above.
 *
 * @example variableBorrowRateRay(rateStrategyToRay(USDC_RATE_STRATEGY), RAY * 9n / 10n) // 6n * 10n ** 25n
 */
export function variableBorrowRateRay(strategy: RateStrategyRay, usageRatio: bigint): bigint {
  const optimal = strategy.optimalUsageRatioRay;
  if (usageRatio > optimal) {
    const excess = rayDiv(usageRatio - optimal, RAY - optimal);
    return strategy.baseVariableBorrowRateRay + strategy.variableRateSlope1Ray + rayMul(strategy.variableRateSlope2Ray, excess);
  }
  return strategy.baseVariableBorrowRateRay + rayDiv(rayMul(strategy.variableRateSlope1Ray, usageRatio), optimal);
}

/**
 * Liquidity (supply) rate in ray: borrowRate.rayMul(U).percentMul(10000 − reserveFactorBps).
 *
 * @example liquidityRateRay(rateStrategyToRay(USDC_RATE_STRATEGY), RAY * 9n / 10n) // 0.06·0.9·0.9 in ray
 */
export function liquidityRateRay(strategy: RateStrategyRay, usageRatio: bigint): bigint {
  const borrowRate = variableBorrowRateRay(strategy, usageRatio);
  return mulDiv(rayMul(borrowRate, usageRatio), PERCENTAGE_FACTOR_BPS - strategy.reserveFactorBps, PERCENTAGE_FACTOR_BPS, 'halfUp');
}

/**
 * a^n in ray by square-and-multiply with half-up rayMul at every step.
 *
 * @example rayPow(2n * RAY, 10n) // 1024n * RAY
 */
export function rayPow(a: bigint, n: bigint): bigint {
  let base = a;
  let result = n % 2n === 0n ? RAY : a;
  for (let e = n / 2n; e !== 0n; e /= 2n) {
    base = rayMul(base, base);
    if (e % 2n !== 0n) result = rayMul(result, base);
  }
  return result;
}

/**
 * Exact APY (ray) of an APR (ray) compounded every second: (RAY + ⌊apr/secondsPerYear⌋)^secondsPerYear − RAY.
 * This is how Aave's front ends turn the on-chain rate into an APY.
 *
 * @example aprToApyRay(5n * 10n ** 25n) // ≈ 0.05127 · RAY
 */
export function aprToApyRay(aprRay: bigint): bigint {
  return rayPow(RAY + aprRay / SECONDS_PER_YEAR_BIG, SECONDS_PER_YEAR_BIG) - RAY;
}

// ---------------------------------------------------------------------------------------
// Interest accrual and indexes
// ---------------------------------------------------------------------------------------

function checkDt(dtSeconds: bigint): void {
  if (dtSeconds < 0n) throw new RangeError(`time delta must be >= 0 s, got ${dtSeconds}`);
}

/**
 * Aave's linear interest factor in ray: RAY + ⌊rate·dt / secondsPerYear⌋ (supply side).
 *
 * @example linearInterestRay(RAY / 10n, 31_536_000n) // RAY + RAY / 10n
 */
export function linearInterestRay(rateRay: bigint, dtSeconds: bigint): bigint {
  checkDt(dtSeconds);
  return RAY + (rateRay * dtSeconds) / SECONDS_PER_YEAR_BIG;
}

/**
 * Aave v3's compounded interest factor in ray (MathUtils.calculateCompoundedInterest), the
 * first three terms of the binomial expansion of (1 + r/secondsPerYear)^n:
 *
 * RAY + ⌊rate·n/Y⌋ + ⌊n(n−1)·b2/2⌋ + ⌊n(n−1)(n−2)·b3/6⌋, with b2 = ⌊rate.rayMul(rate)/Y²⌋,
 * b3 = ⌊b2.rayMul(rate)/Y⌋, Y = secondsPerYear and n = dt (n − 2 floored at 0).
 * It slightly undercharges borrowers compared with exact compounding.
 *
 * @example compoundedInterestRay(31_536_000n * 10n ** 18n, 3n) // RAY + 3n * 10n ** 18n + 3n * 10n ** 9n + 1n
 */
export function compoundedInterestRay(rateRay: bigint, dtSeconds: bigint): bigint {
  checkDt(dtSeconds);
  const n = dtSeconds;
  if (n === 0n) return RAY;
  const nMinusOne = n - 1n;
  const nMinusTwo = n > 2n ? n - 2n : 0n;
  const basePowerTwo = rayMul(rateRay, rateRay) / (SECONDS_PER_YEAR_BIG * SECONDS_PER_YEAR_BIG);
  const basePowerThree = rayMul(basePowerTwo, rateRay) / SECONDS_PER_YEAR_BIG;
  const secondTerm = (n * nMinusOne * basePowerTwo) / 2n;
  const thirdTerm = (n * nMinusOne * nMinusTwo * basePowerThree) / 6n;
  return RAY + (rateRay * n) / SECONDS_PER_YEAR_BIG + secondTerm + thirdTerm;
}

/**
 * Liquidity index after `dtSeconds` at `liquidityRateRay` (linear): linear(rate, dt).rayMul(index).
 * This is also the reserve's normalized income at that time.
 *
 * @example nextLiquidityIndexRay(RAY, RAY / 10n, 31_536_000n) // 11n * RAY / 10n
 */
export function nextLiquidityIndexRay(liquidityIndexRay: bigint, liquidityRateRay: bigint, dtSeconds: bigint): bigint {
  return rayMul(linearInterestRay(liquidityRateRay, dtSeconds), liquidityIndexRay);
}

/**
 * Variable borrow index after `dtSeconds` at `variableBorrowRateRay` (compounded):
 * compounded(rate, dt).rayMul(index). Also the reserve's normalized variable debt.
 *
 * @example nextVariableBorrowIndexRay(RAY, RAY / 10n, 1n) > RAY // true
 */
export function nextVariableBorrowIndexRay(variableBorrowIndexRay: bigint, variableBorrowRateRay: bigint, dtSeconds: bigint): bigint {
  return rayMul(compoundedInterestRay(variableBorrowRateRay, dtSeconds), variableBorrowIndexRay);
}

/**
 * Scaled balance minted for `amount` (token base units) at `indexRay`: amount.rayDiv(index).
 *
 * @example scaledAmount(1_000_000n, 2n * RAY) // 500_000n
 */
export function scaledAmount(amount: bigint, indexRay: bigint): bigint {
  return rayDiv(amount, indexRay);
}

/**
 * Balance (token base units) of a scaled balance at `indexRay`: scaled.rayMul(index).
 *
 * @example balanceFromScaled(500_000n, 2n * RAY) // 1_000_000n
 */
export function balanceFromScaled(scaledBalance: bigint, indexRay: bigint): bigint {
  return rayMul(scaledBalance, indexRay);
}

/**
 * aToken balance now: the scaled balance times the normalized income, i.e. the liquidity
 * index accrued linearly for `dtSeconds` since the reserve's last update.
 *
 * @example aTokenBalance(1_000_000n, RAY, RAY / 10n, 31_536_000n) // 1_100_000n
 */
export function aTokenBalance(scaledBalance: bigint, liquidityIndexRay: bigint, liquidityRateRay: bigint, dtSeconds: bigint): bigint {
  return balanceFromScaled(scaledBalance, nextLiquidityIndexRay(liquidityIndexRay, liquidityRateRay, dtSeconds));
}

/**
 * Variable debt token balance now: the scaled balance times the normalized variable debt,
 * i.e. the borrow index compounded for `dtSeconds` since the reserve's last update.
 *
 * @example vTokenBalance(1_000_000n, RAY, RAY / 10n, 86_400n) // 1_000_274n
 */
export function vTokenBalance(scaledBalance: bigint, variableBorrowIndexRay: bigint, variableBorrowRateRay: bigint, dtSeconds: bigint): bigint {
  return balanceFromScaled(scaledBalance, nextVariableBorrowIndexRay(variableBorrowIndexRay, variableBorrowRateRay, dtSeconds));
}

/**
 * Float twin of {@link linearInterestRay}: 1 + apr·dt/secondsPerYear.
 *
 * @example linearInterestFactor(0.1, 31_536_000) // 1.1
 */
export function linearInterestFactor(apr: number, dtSeconds: number): number {
  return 1 + (apr * dtSeconds) / SECONDS_PER_YEAR;
}

/**
 * Float twin of {@link compoundedInterestRay} (same three-term binomial, without the integer
 * truncation): 1 + n·x + n(n−1)/2·x² + n(n−1)(n−2)/6·x³ with x = apr/secondsPerYear, n = dt.
 * The contract's truncated b2, b3 make the exact factor smaller by up to (n²/2 + n³/6)·1e-27
 * (≈ 5e-6 after a year without an update at 10 % APR; negligible for daily updates).
 *
 * @example compoundedInterestFactor(0.1, 31_536_000) // ≈ 1.105167 (exact compounding: 1.105171)
 */
export function compoundedInterestFactor(apr: number, dtSeconds: number): number {
  if (dtSeconds === 0) return 1;
  const n = dtSeconds;
  const x = apr / SECONDS_PER_YEAR;
  const nMinusTwo = n > 2 ? n - 2 : 0;
  return 1 + n * x + (n * (n - 1) * x * x) / 2 + (n * (n - 1) * nMinusTwo * x * x * x) / 6;
}

/**
 * Compound growth with a 1-based yearly multiplier (INT-01):
 * start · yearlyMultiplier^(elapsedSeconds / secondsPerYear).
 *
 * @example compoundGrowth(1800, 1.02, 152 * 86_400) // 1814.9052063763572
 */
export function compoundGrowth(startQuantity: number, yearlyMultiplier: number, elapsedSeconds: number): number {
  return startQuantity * yearlyMultiplier ** (elapsedSeconds / SECONDS_PER_YEAR);
}

/**
 * Linear annualisation of a balance update's gain (INT-02):
 * (gainQuantity / oldBalance) / (periodSeconds / secondsPerYear).
 *
 * @example linearAnnualisedYield(14.905206376357327, 1800, 152 * 86_400) // ≈ 0.0198845
 */
export function linearAnnualisedYield(gainQuantity: number, oldBalance: number, periodSeconds: number): number {
  return gainQuantity / oldBalance / (periodSeconds / SECONDS_PER_YEAR);
}

/**
 * A ray amount as a float fraction (for reports): ray / 1e27, rounded half-up to 18 digits first.
 *
 * @example rayToNumber(RAY / 4n) // 0.25
 */
export function rayToNumber(valueRay: bigint): number {
  const wad = rayToWad(valueRay);
  return Number(wad) / 1e18;
}
