/**
 * Exact accounting's step functions on the Float64Array state (the model is described in
 * `exact.ts`): set up, hedge policy, rebalance, market move, finish. The hot loop
 * (`exactPath.ts`) repeats their arithmetic with the state in locals.
 */
import { UserError } from '../../core/errors.ts';
import { fundingPaymentUsd } from '../../protocols/funding.ts';
import { impermanentLoss } from '../../protocols/uniswapV2.ts';
import { writeCostBreakdown } from './outputs.ts';
import {
  HEDGE_MAKER, HEDGE_NONE, HEDGE_TAKER, X_CAPITAL, X_CASH, X_COLLATERAL, X_FIXED_COSTS, X_FUNDING, X_LIQUIDATION_LOSSES, X_LIQUIDATIONS, X_LIQUIDITY, X_LVR,
  X_MAX_DRAWDOWN, X_MAX_PRICE, X_MIN_PRICE, X_P0, X_PEAK_EQUITY, X_POOL_FEES, X_POOL_PNL, X_POOL_VALUE, X_PRICE, X_REBALANCES, X_SHORT_PNL, X_SHORT_QTY, X_TRADE_FEES,
  type ExactParams,
} from './exactState.ts';

/** Pool token amount Q = L/√P at the current price. */
function poolQuantity(s: Float64Array): number {
  return s[X_LIQUIDITY] * (1 / Math.sqrt(s[X_PRICE]));
}

/** Recomputes the cached pool value V = 2L√P after the liquidity or the price changed. */
function updatePoolValue(s: Float64Array): number {
  s[X_POOL_VALUE] = 2 * s[X_LIQUIDITY] * Math.sqrt(s[X_PRICE]);
  return s[X_POOL_VALUE];
}

/**
 * A price the market moves to: > 0 (a synthetic path can underflow to 0 at absurd volatility).
 *
 * @example checkedPrice(35000) // 35000
 */
export function checkedPrice(price: number): number {
  if (!(price > 0)) throw new UserError({ field: 'price', value: price, message: `prices must be > 0, got ${price}`, hint: 'lower the volatility of the synthetic path' });
  return price;
}

/**
 * True when a short of `qty` tokens at `price` against `collateralUsd` has a health factor
 * c·cf/(q·P) below 1 — compared as c·cf < q·P (the same verdict, without the division).
 *
 * @example shortBelowLiquidation(1, 3000, 3000, 0.85) // true: 2550 < 3000
 */
export function shortBelowLiquidation(qty: number, price: number, collateralUsd: number, liquidationThreshold: number): boolean {
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
 *
 * @example marginRestoreUsd(1000, 250, 2) // 0: already on target
 */
export function marginRestoreUsd(valueUsd: number, shortEquityUsd: number, shortLeverage: number): number {
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

/**
 * {@link marginOutOfBand} of a short of `qty` tokens at `price` against `collateralUsd`.
 *
 * @example marginOutOfBandAt(s[X_SHORT_QTY], s[X_PRICE], s[X_COLLATERAL], params)
 */
export function marginOutOfBandAt(qty: number, price: number, collateralUsd: number, p: ExactParams): boolean {
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

/**
 * Buys the whole short back at the current price, paying `feePct` plus `penaltyPct` of the notional.
 *
 * @example closeShort(s, params.takerFeePct, 0) // s[X_SHORT_QTY] === 0 after
 */
export function closeShort(s: Float64Array, feePct: number, penaltyPct: number): void {
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
