/**
 * The fund study's statistics across runs, as small pure steps that any thread can take: a
 * run's summary (written as soon as the run is done) and one day's percentile bands across
 * every run's daily rows (once all runs are written). The share threads (./share.ts) split
 * them between themselves; a study from the study runner's rows (./study.ts) takes them in
 * one thread. Either way each number comes from the same function of the same rows.
 */
import { maxDrawdown, quantileSorted } from '../../market/stats.ts';
import { createFundBands, type FundBands, type FundRunSeries, type FundRunSummaries } from './result.ts';

/** Per-run summary columns, in row order. */
export const FUND_SUMMARY_COLUMNS = ['finalNavUsd', 'totalReturn', 'maxDrawdown', 'shortfallDays'] as const;

/** Percentiles of the bands, as fractions. */
const BAND_LEVELS = { p5: 0.05, p25: 0.25, p50: 0.5, p75: 0.75, p95: 0.95 } as const;

/**
 * Share-price return over the horizon, max drawdown (≤ 0) and days with a shortfall of one run.
 *
 * @example summarizeRun(series) // { finalNavUsd, totalReturn, maxDrawdown, shortfallDays }
 */
export function summarizeRun(r: Pick<FundRunSeries, 'navUsd' | 'sharePrice' | 'shortfallUsd'>): Record<(typeof FUND_SUMMARY_COLUMNS)[number], number> {
  const n = r.sharePrice.length;
  let shortfallDays = 0;
  for (let t = 0; t < n; t++) if (r.shortfallUsd[t] > 0) shortfallDays++;
  return { finalNavUsd: r.navUsd[n - 1], totalReturn: r.sharePrice[n - 1] / r.sharePrice[0] - 1, maxDrawdown: maxDrawdown(r.sharePrice), shortfallDays };
}

/**
 * Zeroed per-run summaries of `runs` runs (over SharedArrayBuffers when `shared`, so that every
 * thread of a study writes its runs' rows into the same columns).
 *
 * @example createRunSummaries(1000, true).finalNavUsd.length // 1000
 */
export function createRunSummaries(runs: number, shared = false): FundRunSummaries {
  const column = (): Float64Array => (shared ? new Float64Array(new SharedArrayBuffer(Float64Array.BYTES_PER_ELEMENT * runs)) : new Float64Array(runs));
  return Object.fromEntries(FUND_SUMMARY_COLUMNS.map((c) => [c, column()])) as unknown as FundRunSummaries;
}

/**
 * Writes run `run`'s summary ({@link summarizeRun} of its series) into its row of `summaries`.
 *
 * @example writeRunSummary(summaries, 3, sim.series);
 */
export function writeRunSummary(summaries: FundRunSummaries, run: number, series: Pick<FundRunSeries, 'navUsd' | 'sharePrice' | 'shortfallUsd'>): void {
  const summary = summarizeRun(series);
  for (const c of FUND_SUMMARY_COLUMNS) summaries[c][run] = summary[c];
}

/**
 * Zeroed bands of `n` days (over SharedArrayBuffers when `shared`).
 *
 * @example createBands(366, true).p50.length // 366
 */
export function createBands(n: number, shared = false): FundBands {
  if (!shared) return createFundBands(n);
  const column = (): Float64Array => new Float64Array(new SharedArrayBuffer(Float64Array.BYTES_PER_ELEMENT * n));
  return { p5: column(), p25: column(), p50: column(), p75: column(), p95: column() };
}

/**
 * Writes day `t`'s percentile bands of daily column `column` across the runs of packed daily
 * rows (runs × n days × `width` columns, row-major); `values` is scratch of `runs` entries.
 *
 * @example writeDayBands(navBands, daily, { runs: 1000, n: 366, width: 13, column: 0 }, 30, new Float64Array(1000));
 */
export function writeDayBands(bands: FundBands, daily: Float64Array, shape: { runs: number; n: number; width: number; column: number }, t: number, values: Float64Array): void {
  const { runs, n, width, column } = shape;
  for (let r = 0; r < runs; r++) values[r] = daily[(r * n + t) * width + column];
  values.sort();
  for (const [key, q] of Object.entries(BAND_LEVELS) as [keyof FundBands, number][]) bands[key][t] = quantileSorted(values, q);
}
