/**
 * The fund's summary figures (`summary.json`, the terminal table and the report's cards):
 * share-price returns of the detailed run, Sharpe and Sortino over a stated risk-free rate,
 * the benchmark comparison, monthly and rolling returns, flows, fees and costs, the
 * liquidity profile, and the spread across runs of a Monte Carlo study.
 */
import { DAYS_PER_YEAR } from '../core/time.ts';
import { summarize, type Summary } from '../market/stats.ts';
import type { FundResult, FundRunSeries } from '../scenarios/fund/result.ts';
import { monthlyReturns, rollingReturn, rollingVolatility, type MonthlyReturnsRow } from './calendar.ts';
import { fundBenchmarkSeries, riskFreeSeries } from './fundBenchmark.ts';
import { LIQUIDITY_HORIZONS_DAYS, liquidityProfile } from './liquidity.ts';
import { periodReturns, returnMetrics, type ReturnMetrics } from './metrics.ts';
import { activeMetrics, riskAdjusted, type ActiveMetrics } from './relative.ts';

/** The window of the rolling return and volatility, days. @example rollingReturn(sharePrice, ROLLING_WINDOW_DAYS) */
export const ROLLING_WINDOW_DAYS = 30;

/** The machine-readable summary written as summary.json. @example const s: FundSummary = fundSummary(result); */
export interface FundSummary extends ReturnMetrics {
  name: string;
  seed: number;
  runs: number;
  days: number;
  startDate: string;
  endDate: string;
  initialNavUsd: number;
  finalNavUsd: number;
  initialSharePrice: number;
  finalSharePrice: number;
  finalShares: number;
  /** The risk-free rate Sharpe and Sortino are measured over: its name, what it is, and its compound yearly rate over the horizon. */
  riskFree: { name: string; description: string; annualRate: number };
  /** The benchmark and the fund against it (null when the scenario names none). */
  benchmark: (ActiveMetrics & { name: string; description: string }) | null;
  /** Share price before fund fees, at the start and the end, and its return. */
  initialGrossSharePrice: number;
  finalGrossSharePrice: number;
  grossTotalReturn: number;
  /** Costs the fund paid over the horizon (venue entry/exit, gas, the sleeve's fixed costs), USD. */
  costsUsd: number;
  /** Management fees taken over the horizon, USD. */
  managementFeesUsd: number;
  /** Performance fees crystallised over the horizon, USD. */
  performanceFeesUsd: number;
  /** Monthly share-price returns, one row per year (months null outside the horizon). */
  monthlyReturns: MonthlyReturnsRow[];
  /** The trailing 30-day return and annualised volatility: last, lowest and highest. */
  rolling30d: { lastReturn: number; worstReturn: number; bestReturn: number; lastVolatility: number; maxVolatility: number };
  /** Time-weighted realised yield per venue (annualised, 0..1). */
  realisedYieldByVenue: Record<string, number>;
  /** Yield earned per venue over the horizon, USD. */
  yieldEarnedByVenueUsd: Record<string, number>;
  /** Days on which redemptions due could not be paid in full. */
  shortfallDays: number;
  /** Dates of those days. */
  shortfallDates: string[];
  /** Σ of the redemptions due that could not be paid on the day, USD. */
  totalShortfallUsd: number;
  /** The longest redemption queue (requested, not yet paid), USD. */
  maxRedemptionQueueUsd: number;
  totalDepositsUsd: number;
  totalRedemptionsPaidUsd: number;
  /** Share of NAV withdrawable now and within 1, 7 and 30 days, on the last day. */
  liquidity: { horizonsDays: number[]; withdrawablePct: number[]; withdrawableUsd: number[] };
  /** The delta-neutral sleeve's final PnL split, USD. */
  sleevePnlUsd: { pool: number; short: number; fees: number; funding: number; costs: number; lvr: number; total: number };
  /** Across runs (Monte Carlo); present when runs > 1. */
  monteCarlo?: { totalReturn: Summary; maxDrawdown: Summary; finalNavUsd: Summary; shortfallDays: Summary };
}

const last = (xs: Float64Array): number => xs[xs.length - 1];

/**
 * Realised yield of a position: earned / (time-weighted average value × years), annualised
 * simply (no compounding). 0 when the position was never held.
 *
 * @example realisedYield(Float64Array.of(0, 1, 2), Float64Array.of(100, 100, 100), 365) // ≈ 3.65
 */
export function realisedYield(yieldEarnedUsd: Float64Array, valueUsd: Float64Array, daysPerYear = DAYS_PER_YEAR): number {
  const days = valueUsd.length - 1;
  if (days <= 0) return 0;
  let capitalDays = 0;
  for (let d = 0; d < days; d++) capitalDays += valueUsd[d]; // value held over day d → d+1
  if (capitalDays <= 0) return 0;
  return (last(yieldEarnedUsd) - yieldEarnedUsd[0]) / (capitalDays / daysPerYear);
}

function sum(xs: Float64Array): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s;
}

function finiteStats(xs: Float64Array): { last: number; min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  let lastFinite = NaN;
  for (const x of xs) {
    if (!Number.isFinite(x)) continue;
    min = Math.min(min, x);
    max = Math.max(max, x);
    lastFinite = x;
  }
  return { last: lastFinite, min: Number.isFinite(min) ? min : NaN, max: Number.isFinite(max) ? max : NaN };
}

function rollingFigures(d: FundRunSeries): FundSummary['rolling30d'] {
  const ret = finiteStats(rollingReturn(d.sharePrice, ROLLING_WINDOW_DAYS));
  const vol = finiteStats(rollingVolatility(d.sharePrice, ROLLING_WINDOW_DAYS, DAYS_PER_YEAR));
  return { lastReturn: ret.last, worstReturn: ret.min, bestReturn: ret.max, lastVolatility: vol.last, maxVolatility: vol.max };
}

function flowFigures(d: FundRunSeries): Pick<FundSummary, 'shortfallDays' | 'shortfallDates' | 'totalShortfallUsd' | 'maxRedemptionQueueUsd' | 'totalDepositsUsd' | 'totalRedemptionsPaidUsd'> {
  const shortfallDates = d.dates.filter((_, t) => d.shortfallUsd[t] > 1e-9);
  return {
    shortfallDays: shortfallDates.length,
    shortfallDates,
    totalShortfallUsd: sum(d.shortfallUsd),
    maxRedemptionQueueUsd: d.pendingRedemptionsUsd.reduce((m, x) => Math.max(m, x), 0),
    totalDepositsUsd: sum(d.depositsUsd),
    totalRedemptionsPaidUsd: sum(d.redemptionsPaidUsd),
  };
}

/**
 * The summary of a fund result (the detailed run's metrics, plus Monte Carlo statistics).
 * Sharpe and Sortino are measured over `result.report.riskFreeRate`, else the benchmark's
 * return, else 0 (`riskFree` says which).
 *
 * @example const summary = fundSummary(result); summary.sharpe
 */
export function fundSummary(result: FundResult): FundSummary {
  const d = result.detail;
  const days = d.sharePrice.length - 1;
  const years = days / DAYS_PER_YEAR;
  const returns = periodReturns(d.sharePrice);
  const metrics = returnMetrics(returns, DAYS_PER_YEAR, years);
  const bench = fundBenchmarkSeries(d, result.report);
  const rf = riskFreeSeries(days, result.report, bench);
  const { sharpe, sortino } = riskAdjusted(returns, rf.returns, DAYS_PER_YEAR);
  const rfGrowth = rf.returns.reduce((g, r) => g * (1 + r), 1);
  const s = d.sleeve;
  const sleeve = { pool: last(s.poolPnlUsd), short: last(s.shortPnlUsd), fees: last(s.feesUsd), funding: last(s.fundingUsd), costs: last(s.costsUsd), lvr: last(s.lvrUsd) };
  const profile = liquidityProfile(d, days);
  const summary: FundSummary = {
    name: result.name,
    seed: result.seed,
    runs: result.runs,
    days,
    startDate: d.dates[0],
    endDate: d.dates[days],
    initialNavUsd: d.navUsd[0],
    finalNavUsd: last(d.navUsd),
    initialSharePrice: d.sharePrice[0],
    finalSharePrice: last(d.sharePrice),
    finalShares: last(d.totalShares),
    ...metrics,
    sharpe,
    sortino,
    riskFree: { name: rf.name, description: rf.description, annualRate: years > 0 ? Math.pow(rfGrowth, 1 / years) - 1 : NaN },
    benchmark: bench === null ? null : { name: bench.name, description: bench.description, ...activeMetrics(returns, bench.returns, years, DAYS_PER_YEAR) },
    initialGrossSharePrice: d.grossSharePrice[0],
    finalGrossSharePrice: last(d.grossSharePrice),
    grossTotalReturn: last(d.grossSharePrice) / d.grossSharePrice[0] - 1,
    costsUsd: sum(d.costsUsd),
    managementFeesUsd: sum(d.managementFeesUsd),
    performanceFeesUsd: sum(d.performanceFeesUsd),
    monthlyReturns: monthlyReturns(d.dates, d.sharePrice),
    rolling30d: rollingFigures(d),
    realisedYieldByVenue: Object.fromEntries(d.venues.map((v) => [v.name, realisedYield(v.yieldEarnedUsd, v.valueUsd)])),
    yieldEarnedByVenueUsd: Object.fromEntries(d.venues.map((v) => [v.name, last(v.yieldEarnedUsd) - v.yieldEarnedUsd[0]])),
    ...flowFigures(d),
    liquidity: { horizonsDays: [...LIQUIDITY_HORIZONS_DAYS], withdrawablePct: profile.withdrawablePct, withdrawableUsd: profile.withdrawableUsd },
    sleevePnlUsd: { ...sleeve, total: sleeve.pool + sleeve.short + sleeve.fees + sleeve.funding + sleeve.costs },
  };
  if (result.runs > 1) {
    const r = result.summaries;
    summary.monteCarlo = {
      totalReturn: summarize(r.totalReturn),
      maxDrawdown: summarize(r.maxDrawdown),
      finalNavUsd: summarize(r.finalNavUsd),
      shortfallDays: summarize(r.shortfallDays),
    };
  }
  return summary;
}
