/**
 * `exact` accounting (capflow's default) of a delta-neutral LP farm: liquidity in a
 * constant-product stable/token pool plus a short of the pool's token amount.
 *
 * ## Positions and units
 * - Pool: liquidity `L` (√(token·USD)); token amount Q = L/√P, value V = 2L√P (USD).
 * - Short: modelled as a lending-protocol short — USD collateral `c` (margin plus the proceeds
 *   of the tokens sold) against a debt of `q` tokens. Its equity is c − q·P; its health factor
 *   c·cf / (q·P) (cf = liquidation threshold); below 1 it is liquidated (bought back at P, minus
 *   a liquidation penalty on the notional).
 * - Cash: pool fees harvested and not reinvested.
 * - Committed capital C = V₀ + margin, with margin = V₀ / (2·leverage) (the short's notional
 *   V₀/2 at the chosen leverage). Every output is a fraction of C.
 *
 * ## One step (Pₜ → Pₜ₊₁)
 * 1. Policy at Pₜ: rebalance on the schedule (t % rebalanceEvery = 0) and/or when the hedge ratio
 *    q/Q leaves its band (|q/Q − 1| > band). Step 0 always opens the hedge.
 * 2. Rebalance: first, when the short's leverage left its band, restore it *in kind* — withdraw liquidity and
 *    repay token debt with the withdrawn tokens (or borrow tokens and add liquidity), no trade,
 *    value conserved — then trade the short to q = Q at Pₜ paying the maker fee (schedule) or the
 *    taker fee (band only) on |Δq|·Pₜ, plus a fixed cost per rebalance.
 * 3. Market: the pool earns 2L(√Pₜ₊₁ − √Pₜ), the short −q(Pₜ₊₁ − Pₜ); funding q·Pₜ₊₁·rate·dt is paid on
 *    the mark notional (> 0: shorts receive); pool fees V(Pₜ₊₁)·apr·dt go to cash or are
 *    reinvested as liquidity; then the liquidation check at Pₜ₊₁. A liquidated short is bought
 *    back at Pₜ₊₁ paying the penalty; a gap far through the liquidation price can leave the
 *    collateral negative (the shortfall is the fund's loss). The next rebalance reopens the hedge.
 * 4. Wipe-out: when equity (pool + cash + collateral − debt·P) falls to 0 or below — in practice
 *    after a gap liquidation — the position is gone: the path stops there, equity is 0 (roi = −1,
 *    maxDrawdown = −1, `wipedOut` = 1) and every other output keeps its value at that step
 *    (prices after it are ignored). On such a path the parts sum to ≤ −1: the excess is the
 *    shortfall left unpaid (the lender's bad debt). So roi ≥ −1 and −1 ≤ maxDrawdown ≤ 0 always.
 * After the last step the short is bought back at Pₙ with the taker fee (a close that takes
 * equity to 0 wipes the position out too).
 *
 * ## Why rebalancing more often does not remove the loss (LVR)
 * Hedged at Pₜ (q = Q = L/√Pₜ), a move to P(1+u) earns L√P·(2√(1+u) − 2 − u) ≈ −V·u²/8: the pool
 * is short convexity (its value is concave in P), the linear short cannot offset a curvature.
 * Summed over a period the cost is ≈ σ²/8 of pool value per unit time (loss-versus-rebalancing),
 * whatever the rebalance interval: the expected pool P&L over any interval is
 * V·(E[√(P′/P)] − 1) ≈ −V·σ²·Δt/8 while the short's expected P&L is 0. Rebalancing more often only
 * narrows the spread of the outcome around that cost (and adds trading fees). `lvr` reports the
 * estimate −Σ Vₜ·uₜ²/8 / C from the path's own squared returns, beside the realised
 * `costOfNeutrality` = poolMoney + shortPnl.
 *
 * State lives in a Float64Array (indexes `X_*`) so nothing is allocated per step; the step
 * functions serve the generic engine, and {@link exactRunSteps} — the Monte Carlo hot loop —
 * runs a whole path with the state in locals, doing their arithmetic in the same order.
 */
import { UserError } from '../../core/errors.ts';
import { fundingPaymentUsd } from '../../protocols/funding.ts';
import { assertShortLeverage } from '../../protocols/leverage.ts';
import { impermanentLoss } from '../../protocols/uniswapV2.ts';
import { COST_BREAKDOWN_KEYS, writeCostBreakdown } from './outputs.ts';

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

/** Pool token amount Q = L/√P at the current price. */
function poolQuantity(s: Float64Array): number {
  return s[X_LIQUIDITY] * (1 / Math.sqrt(s[X_PRICE]));
}

/** Recomputes the cached pool value V = 2L√P after the liquidity or the price changed. */
function updatePoolValue(s: Float64Array): number {
  s[X_POOL_VALUE] = 2 * s[X_LIQUIDITY] * Math.sqrt(s[X_PRICE]);
  return s[X_POOL_VALUE];
}

/** A price the market moves to: > 0 (a synthetic path can underflow to 0 at absurd volatility). */
function checkedPrice(price: number): number {
  if (!(price > 0)) throw new UserError({ field: 'price', value: price, message: `prices must be > 0, got ${price}`, hint: 'lower the volatility of the synthetic path' });
  return price;
}

/**
 * True when a short of `qty` tokens at `price` against `collateralUsd` has a health factor
 * c·cf/(q·P) below 1 — compared as c·cf < q·P (the same verdict, without the division).
 */
function shortBelowLiquidation(qty: number, price: number, collateralUsd: number, liquidationThreshold: number): boolean {
  const debtUsd = qty * price;
  return debtUsd > 0 && collateralUsd * liquidationThreshold < debtUsd;
}

/**
 * Total equity in USD: pool value + cash + short equity (collateral − debt·P).
 *
 * @example exactEquity(s) // = capital right after init
 */
export function exactEquity(s: Float64Array): number {
  return s[X_POOL_VALUE] + s[X_CASH] + s[X_COLLATERAL] - s[X_SHORT_QTY] * s[X_PRICE];
}

/**
 * True once the path is wiped out (equity reached 0; see step 4 of the module notes): its
 * drawdown is exactly −1 and every later step leaves the state as it is.
 *
 * @example exactWipedOut(s) // false right after exactInit
 */
export function exactWipedOut(s: Float64Array): boolean {
  return s[X_MAX_DRAWDOWN] <= -1;
}

/**
 * Closes everything after equity reached 0: no pool, no short, no cash, no collateral (equity
 * exactly 0) and drawdown −1, the mark {@link exactWipedOut} reads.
 */
function wipeOut(s: Float64Array): void {
  s[X_LIQUIDITY] = 0;
  s[X_POOL_VALUE] = 0;
  s[X_SHORT_QTY] = 0;
  s[X_COLLATERAL] = 0;
  s[X_CASH] = 0;
  s[X_MAX_DRAWDOWN] = -1;
}

/**
 * Records the current equity: a new peak, or a deeper drawdown (≤ 0, of the peak); at a
 * drawdown of −1 (equity ≤ 0, or below 2⁻⁵³ of the peak) the position is wiped out.
 */
function recordEquity(s: Float64Array): void {
  const equity = exactEquity(s);
  const peak = s[X_PEAK_EQUITY];
  if (equity > peak) s[X_PEAK_EQUITY] = equity;
  else if (equity < peak * (1 + s[X_MAX_DRAWDOWN])) {
    const drawdown = equity / peak - 1;
    if (drawdown > -1) s[X_MAX_DRAWDOWN] = drawdown;
    else wipeOut(s);
  }
}

/**
 * Hedge ratio q / Q: the short size over the pool's token amount (1 = fully hedged).
 *
 * @example hedgeRatio(s) // 1 right after a rebalance
 */
export function hedgeRatio(s: Float64Array): number {
  return s[X_SHORT_QTY] / poolQuantity(s);
}

/**
 * First-order price exposure dEquity/dP in tokens: the pool's Q minus the short's q.
 *
 * @example positionDelta(s) // 0 right after a rebalance
 */
export function positionDelta(s: Float64Array): number {
  return poolQuantity(s) - s[X_SHORT_QTY];
}

/**
 * Sets up the state at P₀: capital split into pool and margin, no short yet (the first
 * rebalance opens it). Margin sits in the collateral account.
 *
 * @example exactInit(new Float64Array(X_SIZE), 35000, params)
 */
export function exactInit(s: Float64Array, initialPrice: number, p: ExactParams): Float64Array {
  s.fill(0);
  const poolUsd = p.capitalUsd / (1 + 1 / (2 * p.shortLeverage));
  s[X_PRICE] = checkedPrice(initialPrice);
  s[X_LIQUIDITY] = poolUsd / (2 * Math.sqrt(initialPrice));
  updatePoolValue(s);
  s[X_COLLATERAL] = p.capitalUsd - s[X_POOL_VALUE];
  s[X_CAPITAL] = p.capitalUsd;
  s[X_P0] = initialPrice;
  s[X_MIN_PRICE] = initialPrice;
  s[X_MAX_PRICE] = initialPrice;
  s[X_PEAK_EQUITY] = p.capitalUsd;
  return s;
}

/**
 * The hedge policy at step t: {@link HEDGE_MAKER} on the schedule (and at t = 0),
 * {@link HEDGE_TAKER} when only the band is breached, else (and once wiped out) {@link HEDGE_NONE}.
 *
 * @example hedgeDecision(s, 7, { ...params, rebalanceEvery: 7 }) // HEDGE_MAKER
 */
export function hedgeDecision(s: Float64Array, step: number, p: ExactParams): number {
  if (exactWipedOut(s)) return HEDGE_NONE;
  if (step === 0 || (p.rebalanceEvery > 0 && step % p.rebalanceEvery === 0)) return HEDGE_MAKER;
  if (p.band === Infinity) return HEDGE_NONE;
  const ratio = hedgeRatio(s);
  return ratio - 1 > p.band || 1 - ratio > p.band ? HEDGE_TAKER : HEDGE_NONE;
}

/**
 * Moves value between pool and short in kind so the short's equity is V/(2·leverage) of the
 * new pool value: withdrawn tokens repay token debt and the USD half joins the collateral (or
 * borrowed tokens and collateral USD are added as liquidity). No trade, no fee, equity unchanged.
 * With no debt (after a liquidation) the withdrawn tokens are held (q < 0) until the hedge trade
 * that follows sells them.
 *
 * @example restoreMarginInKind(s, params) // exactEquity(s) is unchanged
 */
export function restoreMarginInKind(s: Float64Array, p: ExactParams): void {
  const price = s[X_PRICE];
  const deltaUsd = marginRestoreUsd(s[X_POOL_VALUE], s[X_COLLATERAL] - s[X_SHORT_QTY] * price, p.shortLeverage);
  const halfDelta = 0.5 * deltaUsd;
  s[X_LIQUIDITY] += halfDelta * (1 / Math.sqrt(price));
  s[X_SHORT_QTY] += halfDelta / price;
  s[X_COLLATERAL] -= halfDelta;
  s[X_POOL_VALUE] += deltaUsd; // V = 2L√P is linear in L
}

/**
 * The pool value change ΔV of an in-kind margin restore: afterwards V + ΔV = (V + short
 * equity)·2x/(2x + 1) and the short's equity is (V + ΔV)/(2x) at leverage x.
 */
function marginRestoreUsd(valueUsd: number, shortEquityUsd: number, shortLeverage: number): number {
  const twiceLeverage = 2 * shortLeverage;
  return ((valueUsd + shortEquityUsd) * twiceLeverage) / (twiceLeverage + 1) - valueUsd;
}

/**
 * True when the short's leverage (notional / equity) is outside its band around the target.
 *
 * @example marginOutOfBand(s, { ...params, marginBand: 0 }) // true unless exactly on target
 */
export function marginOutOfBand(s: Float64Array, p: ExactParams): boolean {
  return marginOutOfBandAt(s[X_SHORT_QTY], s[X_PRICE], s[X_COLLATERAL], p);
}

/** {@link marginOutOfBand} of a short of `qty` tokens at `price` against `collateralUsd`. */
function marginOutOfBandAt(qty: number, price: number, collateralUsd: number, p: ExactParams): boolean {
  if (p.marginBand === Infinity) return false;
  const notional = qty * price;
  const targetNotional = p.shortLeverage * (collateralUsd - notional);
  const tolerance = p.marginBand * targetNotional;
  return notional - targetNotional > tolerance || targetNotional - notional > tolerance;
}

/**
 * Rebalances at the current price: in-kind margin restore when the leverage left its band, then trade the short to
 * the pool's token amount paying `feePct` on the traded notional and the fixed cost.
 *
 * @example exactRebalance(s, params, params.makerFeePct) // positionDelta(s) === 0 after
 */
export function exactRebalance(s: Float64Array, p: ExactParams, feePct: number): void {
  if (marginOutOfBand(s, p)) restoreMarginInKind(s, p);
  const price = s[X_PRICE];
  const deltaQty = poolQuantity(s) - s[X_SHORT_QTY];
  const fee = Math.abs(deltaQty) * price * feePct;
  s[X_SHORT_QTY] += deltaQty;
  s[X_COLLATERAL] += deltaQty * price - fee - p.fixedCostUsd;
  s[X_TRADE_FEES] -= fee;
  s[X_FIXED_COSTS] -= p.fixedCostUsd;
  s[X_REBALANCES] += 1;
}

/** Buys the whole short back at the current price, paying `feePct` plus `penaltyPct` of the notional. */
function closeShort(s: Float64Array, feePct: number, penaltyPct: number): void {
  const notional = s[X_SHORT_QTY] * s[X_PRICE];
  s[X_COLLATERAL] -= notional * (1 + feePct + penaltyPct);
  s[X_TRADE_FEES] -= notional * feePct;
  s[X_LIQUIDATION_LOSSES] -= notional * penaltyPct;
  s[X_SHORT_QTY] = 0;
}

/**
 * Moves the market to `nextPrice` over one step: pool and short P&L, funding on the mark
 * notional at `fundingApr` (> 0: shorts receive), pool fees, the LVR estimate, the liquidation
 * check, the price range, then the drawdown and the wipe-out check. A wiped-out state is left
 * as it is (the path has stopped).
 *
 * @example exactAdvance(s, 36000, 0.08, params)
 */
export function exactAdvance(s: Float64Array, nextPrice: number, fundingApr: number, p: ExactParams): void {
  if (exactWipedOut(s)) return;
  const price = s[X_PRICE];
  const valueBefore = s[X_POOL_VALUE];
  const qty = s[X_SHORT_QTY];
  checkedPrice(nextPrice);
  const u = nextPrice / price - 1;
  s[X_LVR] += 0.125 * valueBefore * u * u;
  s[X_PRICE] = nextPrice;
  const valueAfter = updatePoolValue(s);
  s[X_POOL_PNL] += valueAfter - valueBefore;
  s[X_SHORT_PNL] -= qty * (nextPrice - price);
  const funding = -fundingPaymentUsd(-qty, nextPrice, fundingApr, p.dtYears);
  const collateral = s[X_COLLATERAL] + funding;
  s[X_FUNDING] += funding;
  const fees = valueAfter * p.poolApr * p.dtYears;
  s[X_POOL_FEES] += fees;
  if (p.reinvestFees) {
    s[X_LIQUIDITY] += (0.5 * fees) / Math.sqrt(nextPrice);
    s[X_POOL_VALUE] = valueAfter + fees; // V = 2L√P is linear in L
  } else s[X_CASH] += fees;
  s[X_COLLATERAL] = collateral;
  if (shortBelowLiquidation(qty, nextPrice, collateral, p.liquidationThreshold)) {
    closeShort(s, 0, p.liquidationPenaltyPct);
    s[X_LIQUIDATIONS] += 1;
  }
  if (nextPrice < s[X_MIN_PRICE]) s[X_MIN_PRICE] = nextPrice;
  else if (nextPrice > s[X_MAX_PRICE]) s[X_MAX_PRICE] = nextPrice;
  recordEquity(s);
}

/**
 * Closes the short at the last price with the taker fee (recording the equity after it) and
 * writes the outputs into `out` at `offset`, in {@link EXACT_OUTPUT_KEYS} order. The worst IL is
 * at the lowest or the highest price seen (IL falls monotonically away from P₀ on each side).
 * On a wiped-out path the price is the one of the wipe-out step.
 *
 * @example exactFinish(s, params, row, 0)
 */
export function exactFinish(s: Float64Array, p: ExactParams, out: Float64Array, offset: number): void {
  closeShort(s, p.takerFeePct, 0);
  recordEquity(s);
  const c = s[X_CAPITAL];
  const p0 = s[X_P0];
  out[offset] = exactEquity(s) / c - 1;
  writeCostBreakdown(out, offset + 1, s[X_POOL_PNL] / c, s[X_SHORT_PNL] / c, s[X_POOL_FEES] / c, s[X_FUNDING] / c, s[X_TRADE_FEES] / c);
  out[offset + 8] = s[X_FIXED_COSTS] / c;
  out[offset + 9] = s[X_LIQUIDATION_LOSSES] / c;
  out[offset + 10] = impermanentLoss(s[X_PRICE] / p0);
  out[offset + 11] = Math.min(impermanentLoss(s[X_MIN_PRICE] / p0), impermanentLoss(s[X_MAX_PRICE] / p0));
  out[offset + 12] = s[X_PRICE] / p0;
  out[offset + 13] = -s[X_LVR] / c;
  out[offset + 14] = s[X_MAX_DRAWDOWN];
  out[offset + 15] = s[X_LIQUIDATIONS];
  out[offset + 16] = s[X_REBALANCES];
  out[offset + 17] = exactWipedOut(s) ? 1 : 0;
}

/**
 * One step of the exact model as the engine runs it: the hedge policy and rebalance at Pₜ, then
 * the market move to Pₜ₊₁.
 *
 * @example exactStep(s, 0, 36000, 0.08, params)
 */
export function exactStep(s: Float64Array, step: number, nextPrice: number, fundingApr: number, p: ExactParams): void {
  const decision = hedgeDecision(s, step, p);
  if (decision !== HEDGE_NONE) exactRebalance(s, p, decision === HEDGE_MAKER ? p.makerFeePct : p.takerFeePct);
  exactAdvance(s, nextPrice, fundingApr, p);
}

/**
 * Runs exact accounting over one price path with per-step funding APRs (`fundingAprs[t]` applies
 * from Pₜ to Pₜ₊₁) and writes its outputs into `out` at `offset`. `s` is scratch of length
 * {@link X_SIZE}.
 *
 * @example
 * const row = new Float64Array(EXACT_OUTPUT_KEYS.length);
 * runExactPath(prices, fundingAprs, params, new Float64Array(X_SIZE), row, 0);
 */
export function runExactPath(prices: ArrayLike<number>, fundingAprs: ArrayLike<number>, p: ExactParams, s: Float64Array, out: Float64Array, offset: number): void {
  exactInit(s, prices[0], p);
  exactRunSteps(s, prices, fundingAprs, p);
  exactFinish(s, p, out, offset);
}

/**
 * Runs steps 0…n−1 of one path from the state just set up by {@link exactInit} at prices[0]
 * (`prices` = P₀…Pₙ, `fundingAprs[t]` from Pₜ to Pₜ₊₁) — the Monte Carlo hot loop. The state
 * lives in locals and is written back once; every step does the arithmetic of
 * {@link exactStep} in the same order (so the state is bit-identical to n exactStep calls: the
 * kernel test checks it against the engine). The rare liquidations run the step function on
 * the synced slots they touch; a wipe-out ends the loop (later steps would leave the state as
 * it is).
 *
 * @example exactInit(s, prices[0], p); exactRunSteps(s, prices, fundingAprs, p); exactFinish(s, p, row, 0);
 */
export function exactRunSteps(s: Float64Array, prices: ArrayLike<number>, fundingAprs: ArrayLike<number>, p: ExactParams): void {
  const { rebalanceEvery, band, makerFeePct, takerFeePct, fixedCostUsd, dtYears, poolApr, reinvestFees, liquidationThreshold } = p;
  const steps = prices.length - 1;
  let price = s[X_PRICE];
  let value = s[X_POOL_VALUE];
  let liquidity = s[X_LIQUIDITY];
  let qty = s[X_SHORT_QTY];
  let collateral = s[X_COLLATERAL];
  let cash = s[X_CASH];
  let poolPnl = s[X_POOL_PNL];
  let shortPnl = s[X_SHORT_PNL];
  let poolFees = s[X_POOL_FEES];
  let funding = s[X_FUNDING];
  let tradeFees = s[X_TRADE_FEES];
  let fixedCosts = s[X_FIXED_COSTS];
  let lvr = s[X_LVR];
  let peak = s[X_PEAK_EQUITY];
  let maxDrawdown = s[X_MAX_DRAWDOWN];
  let rebalances = s[X_REBALANCES];
  let minPrice = s[X_MIN_PRICE];
  let maxPrice = s[X_MAX_PRICE];
  let phase = 0; // t % rebalanceEvery
  let inverseSqrtPrice = 1 / Math.sqrt(price);
  for (let t = 0; t < steps; t++) {
    // Hedge policy and rebalance at Pₜ (hedgeDecision, exactRebalance).
    let feePct = -1;
    if (t === 0 || (rebalanceEvery > 0 && phase === 0)) feePct = makerFeePct;
    else if (band !== Infinity) {
      const ratio = qty / (liquidity * inverseSqrtPrice);
      if (ratio - 1 > band || 1 - ratio > band) feePct = takerFeePct;
    }
    if (rebalanceEvery > 0 && ++phase === rebalanceEvery) phase = 0;
    if (feePct >= 0) {
      if (marginOutOfBandAt(qty, price, collateral, p)) {
        // restoreMarginInKind
        const deltaUsd = marginRestoreUsd(value, collateral - qty * price, p.shortLeverage);
        const halfDelta = 0.5 * deltaUsd;
        liquidity += halfDelta * inverseSqrtPrice;
        qty += halfDelta / price;
        collateral -= halfDelta;
        value += deltaUsd;
      }
      const deltaQty = liquidity * inverseSqrtPrice - qty;
      const fee = Math.abs(deltaQty) * price * feePct;
      qty += deltaQty;
      collateral += deltaQty * price - fee - fixedCostUsd;
      tradeFees -= fee;
      fixedCosts -= fixedCostUsd;
      rebalances += 1;
    }
    // Market move to Pₜ₊₁ (exactAdvance).
    const nextPrice = checkedPrice(prices[t + 1]);
    const u = nextPrice / price - 1;
    lvr += 0.125 * value * u * u;
    const sqrtNextPrice = Math.sqrt(nextPrice);
    const valueAfter = 2 * liquidity * sqrtNextPrice;
    poolPnl += valueAfter - value;
    shortPnl -= qty * (nextPrice - price);
    const fundingUsd = -fundingPaymentUsd(-qty, nextPrice, fundingAprs[t], dtYears);
    collateral += fundingUsd;
    funding += fundingUsd;
    const fees = valueAfter * poolApr * dtYears;
    poolFees += fees;
    value = valueAfter;
    if (reinvestFees) {
      liquidity += (0.5 * fees) / sqrtNextPrice;
      value += fees;
    } else cash += fees;
    price = nextPrice;
    inverseSqrtPrice = 1 / sqrtNextPrice;
    if (shortBelowLiquidation(qty, price, collateral, liquidationThreshold)) {
      s[X_PRICE] = price;
      s[X_SHORT_QTY] = qty;
      s[X_COLLATERAL] = collateral;
      s[X_TRADE_FEES] = tradeFees;
      closeShort(s, 0, p.liquidationPenaltyPct);
      s[X_LIQUIDATIONS] += 1;
      qty = s[X_SHORT_QTY];
      collateral = s[X_COLLATERAL];
      tradeFees = s[X_TRADE_FEES];
    }
    if (price < minPrice) minPrice = price;
    else if (price > maxPrice) maxPrice = price;
    // recordEquity
    const equity = value + cash + collateral - qty * price;
    if (equity > peak) peak = equity;
    else if (equity < peak * (1 + maxDrawdown)) {
      const drawdown = equity / peak - 1;
      if (drawdown > -1) maxDrawdown = drawdown;
      else {
        // wipeOut: the path stops here
        value = liquidity = qty = collateral = cash = 0;
        maxDrawdown = -1;
        break;
      }
    }
  }
  s[X_PRICE] = price;
  s[X_POOL_VALUE] = value;
  s[X_LIQUIDITY] = liquidity;
  s[X_SHORT_QTY] = qty;
  s[X_COLLATERAL] = collateral;
  s[X_CASH] = cash;
  s[X_POOL_PNL] = poolPnl;
  s[X_SHORT_PNL] = shortPnl;
  s[X_POOL_FEES] = poolFees;
  s[X_FUNDING] = funding;
  s[X_TRADE_FEES] = tradeFees;
  s[X_FIXED_COSTS] = fixedCosts;
  s[X_LVR] = lvr;
  s[X_PEAK_EQUITY] = peak;
  s[X_MAX_DRAWDOWN] = maxDrawdown;
  s[X_REBALANCES] = rebalances;
  s[X_MIN_PRICE] = minPrice;
  s[X_MAX_PRICE] = maxPrice;
}
