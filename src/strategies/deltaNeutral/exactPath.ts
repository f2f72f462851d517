/**
 * One whole path of exact accounting: {@link runExactPath}, and the Monte Carlo hot loop
 * {@link exactRunSteps} that runs the step functions' arithmetic with the state in locals.
 */
import {
  X_CASH, X_COLLATERAL, X_FIXED_COSTS, X_FUNDING, X_LIQUIDATIONS, X_LIQUIDITY, X_LVR, X_MAX_DRAWDOWN, X_MAX_PRICE, X_MIN_PRICE, X_PEAK_EQUITY, X_POOL_FEES, X_POOL_PNL,
  X_POOL_VALUE, X_PRICE, X_REBALANCES, X_SHORT_PNL, X_SHORT_QTY, X_TRADE_FEES, type ExactParams,
} from './exactState.ts';
import { checkedPrice, closeShort, exactFinish, exactInit } from './exactSteps.ts';

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
 * kernel test checks it against the engine). The small step helpers (margin band, margin
 * restore, funding, liquidation test) are written out in the loop, each marked with the helper
 * it mirrors: called through their module bindings they cost about a third of the loop. The
 * rare liquidations run the step function on the synced slots they touch; a wipe-out ends the
 * loop (later steps would leave the state as it is).
 *
 * @example exactInit(s, prices[0], p); exactRunSteps(s, prices, fundingAprs, p); exactFinish(s, p, row, 0);
 */
export function exactRunSteps(s: Float64Array, prices: ArrayLike<number>, fundingAprs: ArrayLike<number>, p: ExactParams): void {
  const { rebalanceEvery, band, makerFeePct, takerFeePct, fixedCostUsd, dtYears, poolApr, liquidationThreshold, marginBand, shortLeverage } = p;
  const reinvestFees = p.reinvestFees === true;
  const checkMargin = marginBand !== Infinity;
  const twiceLeverage = 2 * shortLeverage; // marginRestoreUsd's
  const restoreDivisor = twiceLeverage + 1;
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
      // marginOutOfBandAt
      const notional = qty * price;
      const targetNotional = shortLeverage * (collateral - notional);
      const tolerance = marginBand * targetNotional;
      if (checkMargin && (notional - targetNotional > tolerance || targetNotional - notional > tolerance)) {
        // restoreMarginInKind, with marginRestoreUsd(value, collateral − qty·price, shortLeverage)
        const deltaUsd = ((value + (collateral - qty * price)) * twiceLeverage) / restoreDivisor - value;
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
    const nextPrice = prices[t + 1];
    if (!(nextPrice > 0)) checkedPrice(nextPrice); // throws
    const u = nextPrice / price - 1;
    lvr += 0.125 * value * u * u;
    const sqrtNextPrice = Math.sqrt(nextPrice);
    const valueAfter = 2 * liquidity * sqrtNextPrice;
    poolPnl += valueAfter - value;
    shortPnl -= qty * (nextPrice - price);
    const fundingUsd = -(-qty * nextPrice * fundingAprs[t] * dtYears); // −fundingPaymentUsd(−qty, nextPrice, apr, dt)
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
    const debtUsd = qty * price; // shortBelowLiquidation
    if (debtUsd > 0 && collateral * liquidationThreshold < debtUsd) {
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
