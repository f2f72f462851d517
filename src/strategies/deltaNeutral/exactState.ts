/**
 * Exact accounting's parameters (with their defaults and checks), its state layout (the `X_*`
 * slots of one Float64Array) and its output keys. The model is described in `exact.ts`.
 */
import { UserError } from '../../core/errors.ts';
import { assertShortLeverage } from '../../protocols/leverage/checks.ts';
import { COST_BREAKDOWN_KEYS } from './outputs.ts';

/** Parameters of exact accounting. Rates are annual; `dtYears` is the step length. */
export interface ExactParams {
  /** Capital committed at the start, USD (pool value + short margin). Scales only `fixedCostUsd`. */
  capitalUsd: number;
  /** Step length in years (1 / steps per year). */
  dtYears: number;
  /** Pool fee APR (fraction), paid on the pool value. */
  poolApr: number;
  /** Reinvest pool fees as liquidity (true) or keep them as cash (false). */
  reinvestFees: boolean;
  /** Fee on scheduled rebalance trades (fraction of notional). */
  makerFeePct: number;
  /** Fee on band-triggered trades and on the final close (fraction of notional). */
  takerFeePct: number;
  /** Fixed cost per rebalance, USD (gas). */
  fixedCostUsd: number;
  /** Scheduled rebalance every this many steps; 0 = no schedule. */
  rebalanceEvery: number;
  /** Rebalance when |hedge ratio − 1| > band; Infinity = no band. */
  band: number;
  /** Short notional / margin at open and after each margin restore (> 0, below the max short leverage). */
  shortLeverage: number;
  /** Liquidation threshold cf of the short's collateral (0..1). */
  liquidationThreshold: number;
  /** Penalty on the notional when the short is liquidated (fraction). */
  liquidationPenaltyPct: number;
  /**
   * At a rebalance, restore the short's leverage in kind when |leverage / shortLeverage − 1| >
   * marginBand (0 = at every rebalance, Infinity = never).
   */
  marginBand: number;
}

/** Defaults of the exact parameters that the CLI does not require. */
export const EXACT_DEFAULTS = {
  capitalUsd: 100_000,
  reinvestFees: false,
  fixedCostUsd: 0,
  band: Infinity,
  shortLeverage: 2,
  liquidationThreshold: 0.85,
  liquidationPenaltyPct: 0.05,
  marginBand: 0.2,
} as const;

/** State slots of exact accounting. */
export const X_PRICE = 0;
export const X_POOL_VALUE = 1; // V = 2L√P, USD
export const X_LIQUIDITY = 2; // L = √k of the position
export const X_SHORT_QTY = 3;
export const X_COLLATERAL = 4;
export const X_CASH = 5;
export const X_POOL_PNL = 6;
export const X_SHORT_PNL = 7;
export const X_POOL_FEES = 8;
export const X_FUNDING = 9;
export const X_TRADE_FEES = 10; // ≤ 0
export const X_FIXED_COSTS = 11; // ≤ 0
export const X_LIQUIDATION_LOSSES = 12; // ≤ 0
export const X_LVR = 13; // ≥ 0, USD
export const X_PEAK_EQUITY = 14;
export const X_MAX_DRAWDOWN = 15; // ≤ 0, fraction of peak equity; −1 exactly once wiped out
export const X_LIQUIDATIONS = 16;
export const X_REBALANCES = 17;
export const X_MIN_PRICE = 18;
export const X_MAX_PRICE = 19;
export const X_CAPITAL = 20;
export const X_P0 = 21;
/** Number of state slots. */
export const X_SIZE = 22;

/**
 * Output keys of exact accounting, in this order in every output row (fractions of C unless a
 * count or a flag): `maxDrawdown` is the deepest fall of equity from its running peak as a
 * fraction ≤ 0 of that peak (as the fund metrics), `wipedOut` is 1 when equity reached 0 (the path
 * stopped there) else 0 — its Monte Carlo mean is the probability of ruin.
 */
export const EXACT_OUTPUT_KEYS = [
  'roi',
  ...COST_BREAKDOWN_KEYS,
  'fixedCosts',
  'liquidationLosses',
  'ilFinal',
  'ilWorst',
  'priceRatioFinal',
  'lvr',
  'maxDrawdown',
  'liquidations',
  'rebalances',
  'wipedOut',
] as const;

/** No rebalance this step. */
export const HEDGE_NONE = 0;
/** Rebalance with the maker fee (scheduled). */
export const HEDGE_MAKER = 1;
/** Rebalance with the taker fee (band-triggered only). */
export const HEDGE_TAKER = 2;

/**
 * Checks exact parameters; field names are the CLI flags.
 *
 * @example checkExactParams({ ...EXACT_DEFAULTS, dtYears: 1 / 365, poolApr: 0.2, makerFeePct: 0.0002, takerFeePct: 0.0005, rebalanceEvery: 1 })
 */
export function checkExactParams(p: ExactParams): ExactParams {
  const need = (ok: boolean, field: string, value: unknown, message: string, hint?: string): void => {
    if (!ok) throw new UserError({ field, value, message: `${message}, got ${String(value)}`, hint });
  };
  need(p.capitalUsd > 0 && Number.isFinite(p.capitalUsd), '--capital', p.capitalUsd, 'must be a number > 0');
  need(p.dtYears > 0 && Number.isFinite(p.dtYears), '--steps-per-year', p.dtYears, 'step length must be > 0');
  need(Number.isFinite(p.poolApr) && p.poolApr >= 0, '--pool-apr', p.poolApr, 'must be a number >= 0');
  need(p.makerFeePct >= 0 && p.makerFeePct < 1, '--maker-fee', p.makerFeePct, 'must be in [0, 1)');
  need(p.takerFeePct >= 0 && p.takerFeePct < 1, '--taker-fee', p.takerFeePct, 'must be in [0, 1)');
  need(p.fixedCostUsd >= 0 && Number.isFinite(p.fixedCostUsd), '--fixed-cost', p.fixedCostUsd, 'must be a number >= 0');
  need(Number.isInteger(p.rebalanceEvery) && p.rebalanceEvery >= 0, '--rebalance-every', p.rebalanceEvery, 'must be an integer >= 0 (0 = band only)');
  need(p.band > 0, '--band', p.band, 'must be > 0');
  need(p.rebalanceEvery > 0 || Number.isFinite(p.band), '--rebalance-every', p.rebalanceEvery, 'no schedule and no band: the hedge would never be rebalanced', 'pass --rebalance-every >= 1 or --band');
  need(p.liquidationThreshold > 0 && p.liquidationThreshold < 1, '--liquidation-threshold', p.liquidationThreshold, 'must be in (0, 1)');
  need(p.shortLeverage > 0, '--short-leverage', p.shortLeverage, 'must be > 0');
  assertShortLeverage(p.shortLeverage, p.liquidationThreshold, '--short-leverage');
  need(p.liquidationPenaltyPct >= 0 && p.liquidationPenaltyPct < 1, '--liquidation-penalty', p.liquidationPenaltyPct, 'must be in [0, 1)');
  need(p.marginBand >= 0, '--margin-band', p.marginBand, 'must be >= 0 (or off)');
  return p;
}

// Pool amounts of liquidity L at price P (as uniswapV2's lpQuantity0AtPrice / lpValueAtPrice
// with k = L², written with √P so the hot loop takes one square root and one division a step):
// token amount Q = L·(1/√P), value V = 2·L·√P (USD).
