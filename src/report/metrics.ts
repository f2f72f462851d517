/**
 * Return metrics of a fund or strategy, with QuantStats conventions (risk-free rate 0).
 *
 * Definitions (r = periodic returns, n = their count, P = periods per year):
 * - total return = Π(1 + r) − 1
 * - CAGR = (1 + total return)^(1/years) − 1
 * - volatility = std(r, ddof 1) · √P
 * - Sharpe = mean(r) / std(r, ddof 1) · √P
 * - Sortino = mean(r) / √(Σ min(r,0)² / n) · √P
 * - max drawdown = min over t of equity_t / max_{s≤t} equity_s − 1, with equity starting at 1
 *   before the first return (a negative fraction, 0 when the curve never falls)
 * - Calmar = CAGR / |max drawdown|
 */

import { maxDrawdown } from '../market/stats.ts';

/** Summary metrics of a return series. All fractions (0.05 = 5%). */
export interface ReturnMetrics {
  /** Π(1 + r) − 1. */
  totalReturn: number;
  /** Compound annual growth rate over `years`. */
  cagr: number;
  /** Years the CAGR is measured over. */
  years: number;
  /** Annualised standard deviation of returns. */
  volatility: number;
  /** Annualised Sharpe ratio, risk-free rate 0 (NaN when returns do not vary). */
  sharpe: number;
  /** Annualised Sortino ratio (Infinity when no return is negative and the mean is positive). */
  sortino: number;
  /** Deepest fall from a running peak, as a negative fraction. */
  maxDrawdown: number;
  /** CAGR / |max drawdown| (Infinity when there is no drawdown). */
  calmar: number;
  /** Mean periodic return. */
  meanReturn: number;
  /** Standard deviation of periodic returns (ddof 1). */
  stdevReturn: number;
}

/**
 * Simple returns between consecutive values: v[i+1]/v[i] − 1.
 *
 * @example periodReturns([100, 102, 101]) // Float64Array [0.02, -0.0098…]
 */
export function periodReturns(values: ArrayLike<number>): Float64Array {
  const out = new Float64Array(Math.max(0, values.length - 1));
  for (let i = 1; i < values.length; i++) out[i - 1] = values[i] / values[i - 1] - 1;
  return out;
}

export { drawdownSeries } from '../market/stats.ts';

/**
 * Max drawdown of a return series, with the equity curve starting at 1 before the first return.
 *
 * @example maxDrawdownOfReturns([0.02, -0.01, 0.015, 0.005, -0.02]) // ≈ -0.02
 */
export function maxDrawdownOfReturns(returns: ArrayLike<number>): number {
  const equity = new Float64Array(returns.length + 1);
  equity[0] = 1;
  for (let i = 0; i < returns.length; i++) equity[i + 1] = equity[i] * (1 + returns[i]);
  return maxDrawdown(equity);
}

/**
 * Compound annual growth rate of a total return over `years`.
 *
 * @example cagr(0.1, 2) // ≈ 0.0488
 */
export function cagr(totalReturn: number, years: number): number {
  if (!(years > 0)) return NaN;
  return Math.pow(1 + totalReturn, 1 / years) - 1;
}

/**
 * All metrics of a periodic return series. `years` defaults to QuantStats' convention
 * (n − 1)/P, the span from the first to the last return's date; pass the exact span when you
 * know it (a NAV series of n + 1 daily points spans n/365 years).
 *
 * @example returnMetrics([0.02, -0.01, 0.015, 0.005, -0.02], 365).sharpe // ≈ 2.2734
 */
export function returnMetrics(returns: ArrayLike<number>, periodsPerYear = 365, years?: number): ReturnMetrics {
  const n = returns.length;
  let sum = 0;
  let growth = 1;
  let downsideSq = 0;
  for (let i = 0; i < n; i++) {
    const r = returns[i];
    sum += r;
    growth *= 1 + r;
    if (r < 0) downsideSq += r * r;
  }
  const meanReturn = n > 0 ? sum / n : NaN;
  let sq = 0;
  for (let i = 0; i < n; i++) sq += (returns[i] - meanReturn) ** 2;
  const stdevReturn = n > 1 ? Math.sqrt(sq / (n - 1)) : NaN;
  const annualiser = Math.sqrt(periodsPerYear);
  const totalReturn = growth - 1;
  const spanYears = years ?? (n - 1) / periodsPerYear;
  const growthRate = cagr(totalReturn, spanYears);
  const maxDrawdown = maxDrawdownOfReturns(returns);
  const downside = n > 0 ? Math.sqrt(downsideSq / n) : NaN;
  return {
    totalReturn,
    cagr: growthRate,
    years: spanYears,
    volatility: stdevReturn * annualiser,
    sharpe: stdevReturn > 0 ? (meanReturn / stdevReturn) * annualiser : NaN,
    sortino: downside > 0 ? (meanReturn / downside) * annualiser : meanReturn > 0 ? Infinity : NaN,
    maxDrawdown,
    calmar: maxDrawdown < 0 ? growthRate / -maxDrawdown : Infinity,
    meanReturn,
    stdevReturn,
  };
}

/**
 * Vault share price and its return since inception: price = NAV / shares.
 *
 * @example sharePriceReturn(10500, 10000, 1) // { sharePrice: 1.05, return: 0.05 }
 */
export function sharePriceReturn(navUsd: number, shares: number, initialSharePrice: number): { sharePrice: number; return: number } {
  const sharePrice = navUsd / shares;
  return { sharePrice, return: sharePrice / initialSharePrice - 1 };
}

/** A spot trade for average-cost PnL. */
export interface SpotTrade {
  side: 'buy' | 'sell';
  /** Token quantity (> 0). */
  quantity: number;
  /** Execution price, USD per token. */
  price: number;
}

/** Average-cost profit and loss of a spot position. */
export interface AverageCostPnl {
  /** Volume-weighted average buy price. */
  averageBuyPrice: number;
  /** Quantity still held. */
  quantityOpen: number;
  /** Σ sold quantity × (sell price − average buy price). */
  realisedProfitUsd: number;
  /** sell volume / (buy volume × fraction closed) − 1. */
  realisedProfitPct: number;
  /** quantity open × (mark − average buy price). */
  unrealisedProfitUsd: number;
  /** (sell volume + mark × quantity open − buy volume) / buy volume. */
  totalProfitPct: number;
  /** Σ buy quantity × price. */
  totalBoughtUsd: number;
  /** Σ sell quantity × price. */
  totalSoldUsd: number;
}

/**
 * Average-cost PnL of a sequence of spot trades, marked at `markPrice`.
 *
 * @example averageCostPnl([{ side: 'buy', quantity: 1, price: 100 }, { side: 'sell', quantity: 1, price: 110 }], 110).realisedProfitUsd // 10
 */
export function averageCostPnl(trades: readonly SpotTrade[], markPrice: number): AverageCostPnl {
  let boughtQuantity = 0;
  let boughtUsd = 0;
  let soldQuantity = 0;
  let soldUsd = 0;
  for (const t of trades) {
    if (t.side === 'buy') {
      boughtQuantity += t.quantity;
      boughtUsd += t.quantity * t.price;
    } else {
      soldQuantity += t.quantity;
      soldUsd += t.quantity * t.price;
    }
  }
  const averageBuyPrice = boughtUsd / boughtQuantity;
  const quantityOpen = boughtQuantity - soldQuantity;
  const fractionClosed = soldQuantity / boughtQuantity;
  return {
    averageBuyPrice,
    quantityOpen,
    realisedProfitUsd: soldUsd - soldQuantity * averageBuyPrice,
    realisedProfitPct: fractionClosed > 0 ? soldUsd / (boughtUsd * fractionClosed) - 1 : 0,
    unrealisedProfitUsd: quantityOpen * (markPrice - averageBuyPrice),
    totalProfitPct: (soldUsd + markPrice * quantityOpen - boughtUsd) / boughtUsd,
    totalBoughtUsd: boughtUsd,
    totalSoldUsd: soldUsd,
  };
}
