/**
 * The fund's cash reserve as a venue: no yield, always withdrawable, no market. The fund's
 * books (the ledger's `reserve` holding) are its state.
 */
import type { VenueModule, VenueStep, VenueTerms } from './types.ts';

/**
 * Cash held, base units.
 *
 * @example const s: CashState = { units: 5_000_000_000n };
 */
export interface CashState {
  readonly units: bigint;
}

function move(s: CashState, transferUnits: bigint): VenueStep<CashState> {
  return { state: { units: s.units + transferUnits }, moved: { transferUnits, positionCostUnits: 0n } };
}

/**
 * The cash module.
 *
 * @example cash.value(terms, null, { units: 7n }, 0) // 7n
 */
export const cash: VenueModule<VenueTerms, null, CashState> = {
  kind: 'cash',
  valueChange: 'interest',
  empty: () => ({ units: 0n }),
  accrue: (_t, _m, s) => ({ state: s, moved: { transferUnits: 0n, positionCostUnits: 0n } }),
  value: (_t, _m, s) => s.units,
  deposit: (_t, _m, s, _day, units) => move(s, units),
  withdraw: (_t, _m, s, _day, units) => move(s, -(units < s.units ? units : s.units)),
  requestRedeem: (_t, _m, s, _day, units) => move(s, -(units < s.units ? units : s.units)),
  read: () => ({ othersTvlUsd: 0, availableLiquidityUsd: Infinity, apy: 0, sharePrice: NaN, redeemQueuedUsd: 0 }),
};
