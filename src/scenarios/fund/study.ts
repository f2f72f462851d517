/**
 * The fund scenario as a study: `runs` seeded runs of the same fund on worker threads, run 0
 * kept in full detail (series, decisions, its ledger as a JSON-lines feed), every run's daily
 * fund rows and summary, and NAV / share-price percentile bands across runs. Run r draws
 * from `Rng.stream(seed, r)` whichever worker computes it, so the numbers never depend on
 * the worker count.
 */
import { formatFeedLine } from '../../ledger/feed.ts';
import { maxDrawdown, quantileSorted } from '../../market/stats.ts';
import { mapRunsParallel, type ChunkTask } from '../../sim/parallel.ts';
import { simulateFundRun } from './model.ts';
import { createFundBands, type FundBands, type FundResult, type FundRunSeries, type FundRunSummaries } from './result.ts';
import type { FundParams } from './schema.ts';
import { compileFund, type FundSetup } from './setup.ts';

/** Daily fund columns kept for every run (keys of {@link FundRunSeries}), in row order. */
export const FUND_DAILY_COLUMNS = ['navUsd', 'sharePrice', 'grossSharePrice', 'totalShares', 'cashUsd', 'bufferUsd', 'pendingRedemptionsUsd', 'depositsUsd', 'redemptionsPaidUsd', 'shortfallUsd', 'costsUsd', 'managementFeesUsd', 'performanceFeesUsd'] as const;
/** A daily column's name. @example const c: FundDailyColumn = 'navUsd'; */
export type FundDailyColumn = (typeof FUND_DAILY_COLUMNS)[number];
/** Per-run summary columns, in row order. */
export const FUND_SUMMARY_COLUMNS = ['finalNavUsd', 'totalReturn', 'maxDrawdown', 'shortfallDays'] as const;

/** Percentiles of the bands, as fractions. */
const BAND_LEVELS = { p5: 0.05, p25: 0.25, p50: 0.5, p75: 0.75, p95: 0.95 } as const;

/**
 * A fund study to run: validated parameters, horizon, runs and master seed.
 *
 * @example const spec: FundStudySpec = { params, days: 365, runs: 1000, seed: 42 };
 */
export interface FundStudySpec {
  params: FundParams;
  days: number;
  runs: number;
  seed: number;
}

/** What one worker chunk returns. */
export interface FundChunk {
  firstRun: number;
  runCount: number;
  /** runCount × (days + 1) × FUND_DAILY_COLUMNS, row-major (run, day, column). */
  daily: Float64Array;
  /** runCount × FUND_SUMMARY_COLUMNS. */
  summaries: Float64Array;
  /** Run 0 in full (only in the chunk that has it). */
  detail: FundRunSeries | null;
  /** Run 0's ledger events as feed lines (only in the chunk that has it). */
  ledgerLines: string[] | null;
}

/** A finished study: the result contract, every run's daily rows, and run 0's ledger feed. */
export interface FundStudy {
  result: FundResult;
  /** runs × (days + 1) × FUND_DAILY_COLUMNS, row-major. */
  daily: Float64Array;
  ledgerLines: string[];
}

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

let cachedKey = '';
let cachedSetup: FundSetup | null = null;

function setupFor(spec: FundStudySpec): FundSetup {
  const key = `${spec.days}:${JSON.stringify(spec.params)}`;
  if (cachedSetup === null || key !== cachedKey) {
    cachedSetup = compileFund(spec.params, spec.days);
    cachedKey = key;
  }
  return cachedSetup;
}

/**
 * Worker entry (`exportName: 'runFundChunk'`): runs `[firstRun, firstRun + runCount)`.
 *
 * @example runFundChunk({ payload: spec, firstRun: 0, runCount: 4 }).summaries
 */
export function runFundChunk(task: ChunkTask<FundStudySpec>): FundChunk {
  const spec = task.payload;
  const setup = setupFor(spec);
  const width = (spec.days + 1) * FUND_DAILY_COLUMNS.length;
  const daily = new Float64Array(task.runCount * width);
  const summaries = new Float64Array(task.runCount * FUND_SUMMARY_COLUMNS.length);
  let detail: FundRunSeries | null = null;
  let ledgerLines: string[] | null = null;
  for (let k = 0; k < task.runCount; k++) {
    const run = task.firstRun + k;
    const sim = simulateFundRun(setup, spec.seed, run, { detail: run === 0 });
    const s = sim.series;
    let o = k * width;
    for (let t = 0; t <= spec.days; t++) for (const c of FUND_DAILY_COLUMNS) daily[o++] = s[c][t];
    const summary = summarizeRun(s);
    FUND_SUMMARY_COLUMNS.forEach((c, j) => (summaries[k * FUND_SUMMARY_COLUMNS.length + j] = summary[c]));
    if (run === 0) {
      detail = s;
      ledgerLines = (sim.events ?? []).map(formatFeedLine);
    }
  }
  return { firstRun: task.firstRun, runCount: task.runCount, daily, summaries, detail, ledgerLines };
}

/**
 * Percentile bands per day of column `column` across runs of packed daily rows.
 *
 * @example dailyBands(study.daily, 1000, 365, 'navUsd').p50
 */
export function dailyBands(daily: Float64Array, runs: number, days: number, column: FundDailyColumn): FundBands {
  const n = days + 1;
  const width = FUND_DAILY_COLUMNS.length;
  const c = FUND_DAILY_COLUMNS.indexOf(column);
  const bands = createFundBands(n);
  const values = new Float64Array(runs);
  for (let t = 0; t < n; t++) {
    for (let r = 0; r < runs; r++) values[r] = daily[(r * n + t) * width + c];
    values.sort();
    for (const [key, q] of Object.entries(BAND_LEVELS) as [keyof FundBands, number][]) bands[key][t] = quantileSorted(values, q);
  }
  return bands;
}

/**
 * Runs a fund study on `workers` threads (1 = in this thread).
 *
 * @example const { result } = await runFundStudy({ params, days: 365, runs: 100, seed: 42 }, { workers: 2 });
 */
export async function runFundStudy(spec: FundStudySpec, opts: { workers?: number; onProgress?: (done: number, total: number) => void } = {}): Promise<FundStudy> {
  setupFor(spec); // bad input (e.g. an unreadable feed) fails here, before any worker starts
  const width = (spec.days + 1) * FUND_DAILY_COLUMNS.length;
  const daily = new Float64Array(spec.runs * width);
  const summaryWidth = FUND_SUMMARY_COLUMNS.length;
  const packedSummaries = new Float64Array(spec.runs * summaryWidth);
  let detail: FundRunSeries | null = null;
  let ledgerLines: string[] = [];
  await mapRunsParallel<FundStudySpec, FundChunk>({
    workerModule: new URL(import.meta.url),
    exportName: 'runFundChunk',
    runs: spec.runs,
    workers: opts.workers ?? 1,
    payload: spec,
    onProgress: opts.onProgress,
    onResult: (chunk) => {
      daily.set(chunk.daily, chunk.firstRun * width);
      packedSummaries.set(chunk.summaries, chunk.firstRun * summaryWidth);
      if (chunk.detail !== null) detail = chunk.detail;
      if (chunk.ledgerLines !== null) ledgerLines = chunk.ledgerLines;
    },
  });
  const summaries = {} as FundRunSummaries;
  FUND_SUMMARY_COLUMNS.forEach((c, j) => {
    const column = new Float64Array(spec.runs);
    for (let r = 0; r < spec.runs; r++) column[r] = packedSummaries[r * summaryWidth + j];
    summaries[c] = column;
  });
  const result: FundResult = {
    name: spec.params.name,
    seed: spec.seed,
    runs: spec.runs,
    days: spec.days,
    startDate: spec.params.startDate,
    detail: detail as unknown as FundRunSeries,
    summaries,
    sharePriceBands: dailyBands(daily, spec.runs, spec.days, 'sharePrice'),
    navBands: dailyBands(daily, spec.runs, spec.days, 'navUsd'),
  };
  return { result, daily, ledgerLines };
}
