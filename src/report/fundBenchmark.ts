/**
 * The fund report's comparison series: the benchmark (a venue of the fund at its quoted APY,
 * or a constant rate) and the risk-free rate of Sharpe and Sortino (`riskFreeRate`, else the
 * benchmark's return, else 0), as daily returns over the fund's days.
 */
import { UserError } from '../core/errors.ts';
import type { FundReportSettings, FundRunSeries } from '../scenarios/fund/result.ts';
import { apyReturns, constantReturns } from './relative.ts';

/** A daily comparison series with what it is, in words. @example fundBenchmarkSeries(run, { benchmark: 0.05 })?.name // '5.00% a year' */
export interface ComparisonSeries {
  /** Short name: a venue name, `5.00% a year`, or `0`. */
  name: string;
  /** What the series is, for the report's definitions. */
  description: string;
  /** Daily returns, one per day of the fund (days entries). */
  returns: Float64Array;
}

const pct = (x: number): string => `${(x * 100).toFixed(2)}%`;

/**
 * The benchmark's daily returns, or null when the settings name none. A venue name that is
 * not one of the run's venues is a {@link UserError} naming `field`.
 *
 * @example fundBenchmarkSeries(result.detail, { benchmark: 'aave-usdc' })?.returns.length // result.days
 */
export function fundBenchmarkSeries(run: Pick<FundRunSeries, 'venues' | 'sharePrice'>, settings: FundReportSettings | undefined, field = 'params.report.benchmark'): ComparisonSeries | null {
  const b = settings?.benchmark;
  if (b === undefined) return null;
  const days = run.sharePrice.length - 1;
  if (typeof b === 'number') {
    return { name: `${pct(b)} a year`, description: `a constant ${pct(b)} a year, compounded daily`, returns: constantReturns(b, days) };
  }
  const venue = run.venues.find((v) => v.name === b);
  if (venue === undefined) {
    throw new UserError({ field, value: b, message: `is not a venue of this fund (${run.venues.map((v) => v.name).join(', ')})`, hint: 'name a venue or give a yearly rate such as 0.05' });
  }
  return { name: b, description: `${b} at its quoted APY, compounded daily (day t earns (1 + APY of day t−1)^(1/365) − 1)`, returns: apyReturns(venue.apy) };
}

/**
 * The risk-free returns of Sharpe and Sortino: `riskFreeRate` when set, else the benchmark's
 * returns, else 0 (and the description says so).
 *
 * @example riskFreeSeries(365, { riskFreeRate: 0.04 }, null).name // '4.00% a year'
 */
export function riskFreeSeries(days: number, settings: FundReportSettings | undefined, benchmark: ComparisonSeries | null): ComparisonSeries {
  const rf = settings?.riskFreeRate;
  if (rf !== undefined) return { name: `${pct(rf)} a year`, description: `riskFreeRate ${pct(rf)} a year, compounded daily`, returns: constantReturns(rf, days) };
  if (benchmark !== null) return { name: `benchmark (${benchmark.name})`, description: `the benchmark's daily return (${benchmark.description})`, returns: benchmark.returns };
  return { name: '0', description: 'a risk-free rate of 0 (the scenario sets neither report.riskFreeRate nor report.benchmark)', returns: new Float64Array(days) };
}
