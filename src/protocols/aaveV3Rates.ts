/**
 * The rates an Aave V3 (v3.0.x) reserve sets after each action, exactly as its
 * DefaultReserveInterestRateStrategy computes them: the variable borrow rate from the usage
 * ratio, and the liquidity (supply) rate from the debt-weighted overall borrow rate
 * (`(variableDebt·variableRate + stableDebt·avgStableRate) / totalDebt`, in ray with the
 * contract's half-up rounding; this weighting differs from the plain variable rate by a few
 * ray units, so exact agreement with a pool needs it), times the supply usage ratio, times
 * (1 − reserve factor). Also the rate impact of a deposit or withdrawal.
 */
import { RAY, mulDiv, rayDiv, rayMul, wadToRay } from '../core/fixedPoint.ts';
import { PERCENTAGE_FACTOR_BPS, aprToApyRay, rayToNumber, variableBorrowRateRay, type RateStrategyRay } from './aave.ts';

/**
 * A reserve's balances in the asset's base units (and the average stable rate in ray), after
 * the action whose rates are wanted.
 *
 * @example const r: AaveReserveBalances = { availableLiquidity: 400_000n * 10n ** 6n, totalVariableDebt: 600_000n * 10n ** 6n };
 */
export interface AaveReserveBalances {
  /** The asset held by the aToken. */
  availableLiquidity: bigint;
  totalVariableDebt: bigint;
  totalStableDebt?: bigint;
  averageStableBorrowRateRay?: bigint;
  /** Supply minted without backing (portals); 0 on most reserves. */
  unbacked?: bigint;
}

/**
 * The reserve's rates in ray.
 *
 * @example reserveRatesRay(rateStrategyToRay(USDC_RATE_STRATEGY), { availableLiquidity: 4n, totalVariableDebt: 6n }).borrowUsageRatioRay // 0.6·RAY
 */
export interface AaveReserveRates {
  borrowUsageRatioRay: bigint;
  variableBorrowRateRay: bigint;
  liquidityRateRay: bigint;
}

/**
 * The rates the strategy sets for a reserve with these balances (v3.0.x
 * `calculateInterestRates`, stable-rate branch aside: the stable rate is not returned).
 *
 * @example reserveRatesRay(rateStrategyToRay(USDC_RATE_STRATEGY), { availableLiquidity: 400_000n, totalVariableDebt: 600_000n }).liquidityRateRay // 0.0216·RAY
 */
export function reserveRatesRay(strategy: RateStrategyRay, reserve: AaveReserveBalances): AaveReserveRates {
  const stableDebt = reserve.totalStableDebt ?? 0n;
  const totalDebt = stableDebt + reserve.totalVariableDebt;
  let borrowUsage = 0n;
  let supplyUsage = 0n;
  if (totalDebt !== 0n) {
    const liquidityPlusDebt = reserve.availableLiquidity + totalDebt;
    borrowUsage = rayDiv(totalDebt, liquidityPlusDebt);
    supplyUsage = rayDiv(totalDebt, liquidityPlusDebt + (reserve.unbacked ?? 0n));
  }
  const variableRate = variableBorrowRateRay(strategy, borrowUsage);
  const overall = overallBorrowRateRay(reserve.totalVariableDebt, variableRate, stableDebt, reserve.averageStableBorrowRateRay ?? 0n);
  const liquidityRate = mulDiv(rayMul(overall, supplyUsage), PERCENTAGE_FACTOR_BPS - strategy.reserveFactorBps, PERCENTAGE_FACTOR_BPS, 'halfUp');
  return { borrowUsageRatioRay: borrowUsage, variableBorrowRateRay: variableRate, liquidityRateRay: liquidityRate };
}

/**
 * The debt-weighted borrow rate in ray: (variableDebt·variableRate + stableDebt·stableRate) / totalDebt,
 * each product and the quotient in ray with half-up rounding; 0 without debt.
 *
 * @example overallBorrowRateRay(6n, 4n * 10n ** 25n, 0n, 0n) // 4n * 10n ** 25n
 */
export function overallBorrowRateRay(totalVariableDebt: bigint, variableRateRay: bigint, totalStableDebt: bigint, averageStableRateRay: bigint): bigint {
  const totalDebt = totalVariableDebt + totalStableDebt;
  if (totalDebt === 0n) return 0n;
  const weighted = rayMul(wadToRay(totalVariableDebt), variableRateRay) + rayMul(wadToRay(totalStableDebt), averageStableRateRay);
  return rayDiv(weighted, wadToRay(totalDebt));
}

/**
 * The supply APY (0..1) the reserve pays after `deltaAssets` base units arrive (> 0, a deposit)
 * or leave (< 0, a withdrawal), debts unchanged: the new liquidity rate compounded per second.
 * The withdrawal is capped at the available liquidity.
 *
 * @example supplyApyAfter(strategy, { availableLiquidity: 400_000n * 10n ** 6n, totalVariableDebt: 600_000n * 10n ** 6n }, 100_000n * 10n ** 6n) // < the APY before
 */
export function supplyApyAfter(strategy: RateStrategyRay, reserve: AaveReserveBalances, deltaAssets: bigint): number {
  let liquidity = reserve.availableLiquidity + deltaAssets;
  if (liquidity < 0n) liquidity = 0n;
  const { liquidityRateRay } = reserveRatesRay(strategy, { ...reserve, availableLiquidity: liquidity });
  return liquidityRateApy(liquidityRateRay);
}

/**
 * A liquidity rate (ray APR) as a 0..1 APY, compounded every second over Aave's year.
 *
 * @example liquidityRateApy(RAY / 20n) // ≈ 0.051271
 */
export function liquidityRateApy(liquidityRateRay: bigint): number {
  return rayToNumber(aprToApyRay(liquidityRateRay));
}
