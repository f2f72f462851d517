/**
 * `reference` accounting: the original delta-neutral LP farming system (AtomicAzzaz/
 * delta-neutral-uni-farming), reproduced step for step so its published paths match to 1e-9 —
 * including what it gets wrong, on purpose:
 *
 * - everything is divided by 2k (k = P₀·Q₀²), the initial pool value only when Q₀ = 1;
 * - between rebalances the short is marked at the pool's token amount, not at its real size;
 * - funding is paid on size × average entry price, not on the mark notional;
 * - the short needs no margin and is never liquidated;
 * - pool fees and funding are the annual rates divided by steps per year (simple, not reinvested).
 *
 * Per step i = 0…n−1: when i % rebalanceEvery = 0 the short is traded to the pool amount √(k/Pᵢ)
 * at Pᵢ (maker fee on |Δq|·Pᵢ; average-cost accounting, realised P&L −(P − avg)·q on
 * reductions); the state is recorded; then the price moves to Pᵢ₊₁, the pool amount becomes
 * √(k/Pᵢ₊₁), funding += size·avg·rate and pool fees += V(Pᵢ₊₁)·apr. After the loop the whole
 * short is closed at Pₙ with the maker fee and the final state recorded.
 *
 * State lives in a Float64Array (indexes `R_*`) so Monte Carlo kernels allocate nothing per step.
 */
import { impermanentLoss, lpQuantity0AtPrice } from '../../protocols/uniswapV2.ts';
import { COST_BREAKDOWN_KEYS, writeCostBreakdown } from './outputs.ts';

/** Parameters of the reference model (per-step rates, as the original takes them). */
export interface ReferenceParams {
  /** Pool fee yield per step (pool APR / steps per year). */
  poolRatePerStep: number;
  /** Funding earned by the short per step (funding APR / steps per year; > 0 shorts receive). */
  fundingRatePerStep: number;
  /** Fee fraction on every short trade's notional. */
  makerFeePct: number;
  /** Rebalance when step % rebalanceEvery = 0 (integer ≥ 1). */
  rebalanceEvery: number;
  /** Initial token quantity Q₀ in the pool (the original's default and its vectors use 1). */
  initialQuantity: number;
}

/** State slots of the reference model. */
export const R_K = 0; // constant product k = P0·Q0²
export const R_P0 = 1;
export const R_PRICE = 2;
export const R_POOL_QTY = 3; // token amount in the pool √(k/P)
export const R_SHORT_QTY = 4;
export const R_AVG_PRICE = 5; // average open price of the short
export const R_SHORT_PNL = 6; // realised short P&L (USD)
export const R_FUNDING = 7;
export const R_TRADE_FEES = 8; // negative
export const R_POOL_FEES = 9;
export const R_ROI_MIN = 10; // min of the recorded total gain (fraction of 2k)
export const R_IL_WORST = 11;
/** Number of state slots. */
export const R_SIZE = 12;

/** Output keys of reference accounting, in this order in every output row. */
export const REFERENCE_OUTPUT_KEYS = [
  'roi',
  'roiMin',
  ...COST_BREAKDOWN_KEYS,
  'ilFinal',
  'ilWorst',
  'priceRatioFinal',
] as const;

/** Per-step series of the reference model, as the original plots them (fractions of 2k). */
export interface ReferenceSeries {
  totalGain: number[];
  shortPnl: number[];
  poolMoney: number[];
  fundingFees: number[];
  shortingFees: number[];
  poolFees: number[];
  impermanentLoss: number[];
}

/**
 * Sets up the state at P₀ (no short yet).
 *
 * @example referenceInit(new Float64Array(R_SIZE), 35000, 1)
 */
export function referenceInit(s: Float64Array, initialPrice: number, initialQuantity: number): Float64Array {
  s.fill(0);
  s[R_K] = initialPrice * initialQuantity * initialQuantity;
  s[R_P0] = initialPrice;
  s[R_PRICE] = initialPrice;
  s[R_POOL_QTY] = initialQuantity;
  s[R_ROI_MIN] = Infinity;
  s[R_IL_WORST] = Infinity;
  return s;
}

/**
 * Trades the short by `deltaQty` at the current price (> 0 opens more, < 0 buys back) with
 * average-cost accounting and the maker fee.
 *
 * @example referenceTrade(s, 1, 0.0002) // opens 1 token of short at s[R_PRICE]
 */
export function referenceTrade(s: Float64Array, deltaQty: number, makerFeePct: number): void {
  const price = s[R_PRICE];
  if (deltaQty > 0) {
    s[R_TRADE_FEES] -= price * deltaQty * makerFeePct;
    s[R_AVG_PRICE] = (s[R_SHORT_QTY] * s[R_AVG_PRICE] + price * deltaQty) / (s[R_SHORT_QTY] + deltaQty);
    s[R_SHORT_QTY] += deltaQty;
  } else if (deltaQty < 0) {
    const amount = -deltaQty;
    s[R_SHORT_PNL] -= (price - s[R_AVG_PRICE]) * amount;
    s[R_TRADE_FEES] -= price * amount * makerFeePct;
    s[R_SHORT_QTY] -= amount;
  }
}

/**
 * Moves to the next price and accrues funding (on size × average entry) and pool fees.
 *
 * @example referenceAdvance(s, 36000, params)
 */
export function referenceAdvance(s: Float64Array, nextPrice: number, p: ReferenceParams): void {
  s[R_PRICE] = nextPrice;
  s[R_POOL_QTY] = lpQuantity0AtPrice(1, s[R_K], nextPrice);
  s[R_FUNDING] += s[R_SHORT_QTY] * s[R_AVG_PRICE] * p.fundingRatePerStep;
  s[R_POOL_FEES] += s[R_POOL_QTY] * nextPrice * 2 * p.poolRatePerStep;
}

/** Short P&L as the original records it: realised plus the open short marked at the pool amount. */
function recordedShortPnl(s: Float64Array): number {
  const open = s[R_SHORT_QTY] > 0 ? -(s[R_PRICE] - s[R_AVG_PRICE]) * s[R_POOL_QTY] : 0;
  return s[R_SHORT_PNL] + open;
}

/**
 * Records the current point: updates the running minimum of the total gain and the worst IL,
 * and appends to `series` when given. Returns the total gain (fraction of 2k).
 *
 * @example referenceRecord(s) // -0.0001 right after opening 1 token at 35000 with a 2 bp fee
 */
export function referenceRecord(s: Float64Array, series?: ReferenceSeries): number {
  const twoK = 2 * s[R_K];
  const price = s[R_PRICE];
  const shortPnl = recordedShortPnl(s) / twoK;
  const poolMoney = (s[R_POOL_QTY] * price * 2) / twoK - 1;
  const il = impermanentLoss(price / s[R_P0]);
  const total = shortPnl + s[R_FUNDING] / twoK + s[R_TRADE_FEES] / twoK + poolMoney + s[R_POOL_FEES] / twoK;
  if (total < s[R_ROI_MIN]) s[R_ROI_MIN] = total;
  if (il < s[R_IL_WORST]) s[R_IL_WORST] = il;
  if (series !== undefined) {
    series.totalGain.push(total);
    series.shortPnl.push(shortPnl);
    series.poolMoney.push(poolMoney);
    series.fundingFees.push(s[R_FUNDING] / twoK);
    series.shortingFees.push(s[R_TRADE_FEES] / twoK);
    series.poolFees.push(s[R_POOL_FEES] / twoK);
    series.impermanentLoss.push(il);
  }
  return total;
}

/**
 * Writes the final outputs (after the closing trade and the last record) into `out` at
 * `offset`, in {@link REFERENCE_OUTPUT_KEYS} order.
 *
 * @example referenceOutputs(s, row, 0)
 */
export function referenceOutputs(s: Float64Array, out: Float64Array, offset: number): void {
  const twoK = 2 * s[R_K];
  const price = s[R_PRICE];
  const poolMoney = (s[R_POOL_QTY] * price * 2) / twoK - 1;
  const shortPnl = s[R_SHORT_PNL] / twoK;
  const funding = s[R_FUNDING] / twoK;
  const fees = s[R_TRADE_FEES] / twoK;
  const poolFees = s[R_POOL_FEES] / twoK;
  out[offset] = shortPnl + funding + fees + poolMoney + poolFees;
  out[offset + 1] = s[R_ROI_MIN];
  writeCostBreakdown(out, offset + 2, poolMoney, shortPnl, poolFees, funding, fees);
  out[offset + 9] = impermanentLoss(price / s[R_P0]);
  out[offset + 10] = s[R_IL_WORST];
  out[offset + 11] = price / s[R_P0];
}

/**
 * Runs the reference model over one price path (P₀…Pₙ) and writes its outputs into `out` at
 * `offset`. `s` is scratch state of length {@link R_SIZE}; `series`, when given, receives the
 * n + 1 recorded points.
 *
 * @example
 * const row = new Float64Array(REFERENCE_OUTPUT_KEYS.length);
 * runReferencePath(prices, params, new Float64Array(R_SIZE), row, 0);
 */
export function runReferencePath(prices: ArrayLike<number>, p: ReferenceParams, s: Float64Array, out: Float64Array, offset: number, series?: ReferenceSeries): void {
  const steps = prices.length - 1;
  referenceInit(s, prices[0], p.initialQuantity);
  for (let i = 0; i < steps; i++) {
    if (i % p.rebalanceEvery === 0) referenceTrade(s, s[R_POOL_QTY] - s[R_SHORT_QTY], p.makerFeePct);
    referenceRecord(s, series);
    referenceAdvance(s, prices[i + 1], p);
  }
  referenceTrade(s, -s[R_SHORT_QTY], p.makerFeePct);
  referenceRecord(s, series);
  referenceOutputs(s, out, offset);
}
