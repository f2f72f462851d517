/**
 * The delta-neutral sleeve: a constant-product LP position hedged by a lending-protocol short
 * of its token amount, in the exact accounting of `strategies/deltaNeutral/exact.ts`. Money
 * moves in kind: a deposit or withdrawal scales the pool, the short and the collateral
 * together (the hedge ratio is unchanged, no trade is needed) and pays the sleeve's fixed cost
 * out of its collateral. The market is the token's daily price and the short's funding rate.
 */
import { exactEquity, exactInit, exactStep, X_CASH, X_COLLATERAL, X_FIXED_COSTS, X_LVR, X_LIQUIDITY, X_PEAK_EQUITY, X_POOL_PNL, X_POOL_VALUE, X_SHORT_QTY, X_SIZE, type ExactParams } from '../strategies/deltaNeutral/exact.ts';
import type { VenueModule, VenueStep, VenueTerms } from './types.ts';
import { unitsToUsd, usdToUnits, UNITS_PER_USD } from './units.ts';

/**
 * Sleeve terms: the exact model's parameters (its capital is set when it opens).
 *
 * @example const t: SleeveTerms = { name: 'sleeve', entryCostUsd: 0, exitCostPct: 0, withdrawDelayDays: 0, exact: { ...EXACT_DEFAULTS, fixedCostUsd: 5 } };
 */
export interface SleeveTerms extends VenueTerms {
  exact: ExactParams;
}

/**
 * The sleeve's market: the token's price and the short's funding APR, one value per day.
 *
 * @example const m: SleeveMarket = { prices: new Float64Array([3000, 3010]), fundingApr: new Float64Array([0.05, 0.05]) };
 */
export interface SleeveMarket {
  prices: Float64Array;
  fundingApr: Float64Array;
}

/**
 * The sleeve's exact-accounting slots, whether it is open, and its step count since opening.
 *
 * @example const s: SleeveState = deltaNeutralSleeve.empty(terms);
 */
export interface SleeveState {
  readonly slots: Float64Array;
  readonly open: boolean;
  readonly step: number;
}

const SCALED_SLOTS = [X_POOL_VALUE, X_LIQUIDITY, X_SHORT_QTY, X_COLLATERAL, X_CASH, X_PEAK_EQUITY];

/** Resizes the sleeve (or opens it) to hold `deltaUnits` more (less when negative), in kind. */
function resize(t: SleeveTerms, m: SleeveMarket, s: SleeveState, day: number, deltaUnits: bigint): VenueStep<SleeveState> {
  if (deltaUnits === 0n) return { state: s, moved: { transferUnits: 0n, positionCostUnits: 0n } };
  const slots = s.slots.slice();
  const equity = s.open ? exactEquity(slots) : 0;
  const target = equity + unitsToUsd(deltaUnits);
  let step = s.step;
  if (!s.open || equity <= 0) {
    const kept = s.open ? slots.slice(X_POOL_PNL, X_LVR + 1) : null;
    exactInit(slots, m.prices[day], { ...t.exact, capitalUsd: target });
    if (kept !== null) slots.set(kept, X_POOL_PNL);
    step = 0;
  } else {
    const k = target / equity;
    for (const slot of SCALED_SLOTS) slots[slot] *= k;
  }
  const costUsd = t.exact.fixedCostUsd;
  slots[X_COLLATERAL] -= costUsd;
  slots[X_FIXED_COSTS] -= costUsd;
  return { state: { slots, open: true, step }, moved: { transferUnits: deltaUnits, positionCostUnits: usdToUnits(costUsd) } };
}

/**
 * The delta-neutral sleeve module.
 *
 * @example
 * let s = deltaNeutralSleeve.empty(terms);
 * ({ state: s } = deltaNeutralSleeve.deposit(terms, market, s, 0, 500_000_000_000n)); // opens with 500k USD
 * ({ state: s } = deltaNeutralSleeve.accrue(terms, market, s, 1)); // one day of the exact model
 */
export const deltaNeutralSleeve: VenueModule<SleeveTerms, SleeveMarket, SleeveState> = {
  kind: 'delta_neutral_sleeve',
  valueChange: 'pnl',
  empty: () => ({ slots: new Float64Array(X_SIZE), open: false, step: 0 }),
  accrue: (t, m, s, day) => {
    if (!s.open) return { state: s, moved: { transferUnits: 0n, positionCostUnits: 0n } };
    const slots = s.slots.slice();
    exactStep(slots, s.step, m.prices[day], m.fundingApr[day - 1], t.exact);
    return { state: { slots, open: true, step: s.step + 1 }, moved: { transferUnits: 0n, positionCostUnits: 0n } };
  },
  value: (_t, _m, s) => (s.open ? BigInt(Math.round(exactEquity(s.slots) * UNITS_PER_USD)) : 0n),
  deposit: resize,
  withdraw: (t, m, s, day, units) => resize(t, m, s, day, -units),
  requestRedeem: (t, m, s, day, units) => resize(t, m, s, day, -units),
  read: (t) => ({ othersTvlUsd: NaN, availableLiquidityUsd: Infinity, apy: t.exact.poolApr, sharePrice: NaN, redeemQueuedUsd: 0 }),
};
