/**
 * A lending reserve's supply side (Aave V3 style): the holder's aToken balance is a scaled
 * balance times the reserve's liquidity index, which accrues the day's supply rate exactly in
 * ray (`protocols/aave.ts`). The market is the reserve's daily path (rate, TVL, liquidity).
 */
import { RAY } from '../core/fixedPoint.ts';
import type { ReservePath } from '../market/venues.ts';
import { balanceFromScaled, nextLiquidityIndexRay, scaledAmount } from '../protocols/aave.ts';
import type { VenueModule, VenueStep, VenueTerms } from './types.ts';

const SECONDS_PER_DAY = 86_400n;

/**
 * The holder's supply position: scaled aToken balance and the reserve's liquidity index (ray).
 *
 * @example const s: CreditSupplyState = { scaledBalance: 0n, liquidityIndexRay: RAY };
 */
export interface CreditSupplyState {
  readonly scaledBalance: bigint;
  readonly liquidityIndexRay: bigint;
}

/** Credit-supply terms: the common ones (no withdrawal delay). @example const t: CreditSupplyTerms = { name: 'aave', entryCostUsd: 0, exitCostPct: 0, withdrawDelayDays: 0 }; */
export type CreditSupplyTerms = VenueTerms;

function step(scaledBalance: bigint, liquidityIndexRay: bigint, transferUnits: bigint): VenueStep<CreditSupplyState> {
  return { state: { scaledBalance, liquidityIndexRay }, moved: { transferUnits, positionCostUnits: 0n } };
}

function withdraw(_t: CreditSupplyTerms, _m: ReservePath, s: CreditSupplyState, _day: number, units: bigint): VenueStep<CreditSupplyState> {
  const value = balanceFromScaled(s.scaledBalance, s.liquidityIndexRay);
  if (units >= value - 1n) return step(0n, s.liquidityIndexRay, -value);
  return step(s.scaledBalance - scaledAmount(units, s.liquidityIndexRay), s.liquidityIndexRay, -units);
}

/**
 * The credit-supply venue module.
 *
 * @example
 * let s = creditSupply.empty(terms);
 * ({ state: s } = creditSupply.deposit(terms, path, s, 0, 1_000_000_000n));
 * ({ state: s } = creditSupply.accrue(terms, path, s, 1)); // a day of interest at path.liquidityRateRay[0]
 */
export const creditSupply: VenueModule<CreditSupplyTerms, ReservePath, CreditSupplyState> = {
  kind: 'credit_supply',
  valueChange: 'interest',
  empty: () => ({ scaledBalance: 0n, liquidityIndexRay: RAY }),
  accrue: (_t, m, s, day) => step(s.scaledBalance, nextLiquidityIndexRay(s.liquidityIndexRay, m.liquidityRateRay[day - 1], SECONDS_PER_DAY), 0n),
  value: (_t, _m, s) => balanceFromScaled(s.scaledBalance, s.liquidityIndexRay),
  deposit: (_t, _m, s, _day, units) => step(s.scaledBalance + scaledAmount(units, s.liquidityIndexRay), s.liquidityIndexRay, units),
  withdraw,
  requestRedeem: withdraw,
  read: (_t, m, _s, day) => ({ othersTvlUsd: m.tvlUsd[day], availableLiquidityUsd: m.availableLiquidityUsd[day], apy: m.supplyApy[day], sharePrice: NaN, redeemQueuedUsd: 0 }),
};
