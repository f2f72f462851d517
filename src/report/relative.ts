/**
 * Metrics of a return series against another one: Sharpe and Sortino over a risk-free rate
 * (QuantStats' `rf`: the excess return r − rf per period), and excess return, tracking error
 * and information ratio against a benchmark.
 *
 * Definitions (r = the fund's periodic returns, f = the risk-free returns of the same
 * periods, b = the benchmark's, n = their count, P = periods per year):
 * - Sharpe = mean(r − f) / std(r − f, ddof 1) · √P
 * - Sortino = mean(r − f) / √(Σ min(r − f, 0)² / n) · √P
 * - tracking error = std(r − b, ddof 1) · √P
 * - information ratio = mean(r − b) / std(r − b, ddof 1) · √P
 * With f = 0 Sharpe and Sortino are those of {@link returnMetrics} (test/fixtures/metrics.json).
 */

/**
 * The per-period rate that compounds to `annualRate` over `periodsPerYear` periods.
 *
 * @example periodRate(0.05, 365) // ≈ 0.000133681
 */
export function periodRate(annualRate: number, periodsPerYear = 365): number {
  return Math.pow(1 + annualRate, 1 / periodsPerYear) - 1;
}

/**
 * Daily returns of holding a venue at its quoted APY, compounded daily: the return from day
 * t − 1 to day t is (1 + apy[t − 1])^(1/P) − 1 (a day accrues at the previous day's rate, as
 * the fund's venues do). One fewer entry than `apy`.
 *
 * @example apyReturns([0.05, 0.05, 0.06]) // [0.000133681…, 0.000133681…]
 */
export function apyReturns(apy: ArrayLike<number>, periodsPerYear = 365): Float64Array {
  const out = new Float64Array(Math.max(0, apy.length - 1));
  for (let t = 1; t < apy.length; t++) out[t - 1] = periodRate(apy[t - 1], periodsPerYear);
  return out;
}

/**
 * `n` periods of a constant yearly rate.
 *
 * @example constantReturns(0.05, 2) // [0.000133681…, 0.000133681…]
 */
export function constantReturns(annualRate: number, n: number, periodsPerYear = 365): Float64Array {
  return new Float64Array(n).fill(periodRate(annualRate, periodsPerYear));
}

/**
 * An equity curve from returns, starting at `start` before the first return.
 *
 * @example growthCurve([0.1, -0.5]) // [1, 1.1, 0.55]
 */
export function growthCurve(returns: ArrayLike<number>, start = 1): Float64Array {
  const out = new Float64Array(returns.length + 1);
  out[0] = start;
  for (let i = 0; i < returns.length; i++) out[i + 1] = out[i] * (1 + returns[i]);
  return out;
}

function meanStd(xs: ArrayLike<number>): { mean: number; std: number } {
  const n = xs.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += xs[i];
  const mean = n > 0 ? sum / n : NaN;
  let sq = 0;
  for (let i = 0; i < n; i++) sq += (xs[i] - mean) ** 2;
  return { mean, std: n > 1 ? Math.sqrt(sq / (n - 1)) : NaN };
}

function difference(a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  if (a.length !== b.length) throw new Error(`return series of different lengths (${a.length} and ${b.length})`);
  return Float64Array.from(a, (x, i) => x - b[i]);
}

/** Sharpe and Sortino of excess returns. @example const { sharpe } = riskAdjusted(r, rf); */
export interface RiskAdjusted {
  /** Annualised Sharpe ratio of r − rf (NaN when the excess return does not vary). */
  sharpe: number;
  /** Annualised Sortino ratio of r − rf (Infinity when no excess return is negative and the mean is positive). */
  sortino: number;
  /** Mean excess return per period. */
  meanExcessReturn: number;
}

/**
 * Sharpe and Sortino of `returns` over the risk-free returns `riskFree` (same periods).
 *
 * @example riskAdjusted([0.01, 0.02, -0.01], [0.005, 0.005, 0.005], 365).sharpe // ≈ 2.0845
 */
export function riskAdjusted(returns: ArrayLike<number>, riskFree: ArrayLike<number>, periodsPerYear = 365): RiskAdjusted {
  const excess = difference(returns, riskFree);
  const { mean, std } = meanStd(excess);
  let downsideSq = 0;
  for (const x of excess) if (x < 0) downsideSq += x * x;
  const downside = excess.length > 0 ? Math.sqrt(downsideSq / excess.length) : NaN;
  const annualiser = Math.sqrt(periodsPerYear);
  return {
    sharpe: std > 0 ? (mean / std) * annualiser : NaN,
    sortino: downside > 0 ? (mean / downside) * annualiser : mean > 0 ? Infinity : NaN,
    meanExcessReturn: mean,
  };
}

/** The fund against its benchmark. @example const { trackingError } = activeMetrics(r, b, years); */
export interface ActiveMetrics {
  /** Π(1 + b) − 1. */
  benchmarkTotalReturn: number;
  /** The benchmark's compound annual growth over the same span. */
  benchmarkCagr: number;
  /** Fund total return − benchmark total return. */
  excessReturn: number;
  /** Fund CAGR − benchmark CAGR. */
  excessCagr: number;
  /** std(r − b, ddof 1) · √P. */
  trackingError: number;
  /** mean(r − b) / std(r − b, ddof 1) · √P (NaN when r − b does not vary). */
  informationRatio: number;
}

/**
 * Excess return, tracking error and information ratio of `returns` against `benchmark`,
 * over `years`.
 *
 * @example activeMetrics([0.01, 0.02], [0.005, 0.01], 2 / 365).trackingError // ≈ 0.0676
 */
export function activeMetrics(returns: ArrayLike<number>, benchmark: ArrayLike<number>, years: number, periodsPerYear = 365): ActiveMetrics {
  const active = difference(returns, benchmark);
  const { mean, std } = meanStd(active);
  const total = (xs: ArrayLike<number>): number => {
    let g = 1;
    for (let i = 0; i < xs.length; i++) g *= 1 + xs[i];
    return g - 1;
  };
  const fund = total(returns);
  const bench = total(benchmark);
  const cagr = (x: number): number => (years > 0 ? Math.pow(1 + x, 1 / years) - 1 : NaN);
  return {
    benchmarkTotalReturn: bench,
    benchmarkCagr: cagr(bench),
    excessReturn: fund - bench,
    excessCagr: cagr(fund) - cagr(bench),
    trackingError: std * Math.sqrt(periodsPerYear),
    informationRatio: std > 0 ? (mean / std) * Math.sqrt(periodsPerYear) : NaN,
  };
}
