/**
 * The fund scenario as a study: `runs` seeded runs of the same fund; run 0 kept in full detail
 * (series, decisions, trades, its ledger as a JSON-lines feed), every run's daily fund figures
 * ({@link FUND_DAILY_COLUMNS}), and per-run summaries and NAV / share-price percentile bands
 * across runs, computed from them in the parent. Two ways to run it, same numbers: on this
 * machine's threads sharing one daily table (./share.ts: the default, what `capflow run` uses
 * without `--backend`), or on any backend of the common study runner (src/sim/runner.ts: the
 * chunk function {@link runFundChunk} returns the generic engine's rows `run`, `subset`,
 * `timestep` = day, `substep`, then the daily columns). Each run's random processes draw from
 * streams derived from (seed, run), so the numbers never depend on the backend or worker count.
 * Files (the flow feed) are read once in the parent ({@link loadFundInputs}) and reach the
 * workers as data.
 */
import { formatFeedLine } from '../../ledger/feed.ts';
import { KEY_COLUMNS, type ResultChunk } from '../../sim/engine.ts';
import { runStudy, type ModelPayload, type StudyChunkResult, type StudyDetail } from '../../sim/runner.ts';
import { checkWorkers, shareRunsParallel } from '../../sim/parallel.ts';
import type { StudyBackend, StudyTask } from '../../sim/study.ts';
import { simulateFundRun } from './model.ts';
import { FUND_DAILY_COLUMNS, type FundDailyColumn, type FundShare, type FundShareResult } from './share.ts';
import { FUND_SHARE } from './shareModule.ts';
import type { FundBands, FundResult, FundRunSeries } from './result.ts';
import { createBands, createRunSummaries, writeDayBands, writeRunSummary } from './runStats.ts';
import type { FundParams } from './schema.ts';
import { compileFund, NO_FUND_INPUTS, type FundInputs } from './setup.ts';

export { FUND_DAILY_COLUMNS, type FundDailyColumn } from './share.ts';
export { FUND_SUMMARY_COLUMNS, summarizeRun } from './runStats.ts';

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
  /** what the parameters point to, read by {@link loadFundInputs} (default: nothing; required with a flow feed) */
  inputs?: FundInputs;
}

/** What the fund keeps of a run in detail: every series, and the ledger's events as feed lines. */
export interface FundDetail {
  series: FundRunSeries;
  ledgerLines: string[];
}

/** A finished study: the result contract, every run's daily rows, and run 0's ledger feed. */
export interface FundStudy {
  result: FundResult;
  /** runs × (days + 1) × FUND_DAILY_COLUMNS, row-major. */
  daily: Float64Array;
  ledgerLines: string[];
}

/** Columns of the fund's rows: the engine's keys, then the daily fund columns. */
const FUND_ROW_COLUMNS = [...KEY_COLUMNS, ...FUND_DAILY_COLUMNS];

/**
 * Chunk function of the fund (the registry's `runChunk`, worker export `runFundChunk`): runs
 * `[firstRun, firstRun + runCount)` of one subset and returns their daily rows, as the generic
 * engine records them, and run 0 in detail.
 *
 * @example runFundChunk({ payload: { subsets: [params], inputs: [NO_FUND_INPUTS], runs: 4, seed: 42, timesteps: 365, substeps: 'last' }, subset: 0, firstRun: 0, runCount: 4 }).rows
 */
export function runFundChunk(task: StudyTask<ModelPayload<FundParams, FundInputs>>): StudyChunkResult {
  const p = task.payload;
  const days = p.timesteps;
  const setup = compileFund(p.subsets[task.subset], days, p.inputs[task.subset] ?? NO_FUND_INPUTS);
  const width = FUND_ROW_COLUMNS.length;
  const n = days + 1;
  const data = new Float64Array(task.runCount * n * width);
  const details: StudyDetail[] = [];
  let o = 0;
  for (let k = 0; k < task.runCount; k++) {
    const run = task.firstRun + k;
    const sim = simulateFundRun(setup, Number(p.seed), run, { detail: run === 0, venueSeries: run === 0 }); // the rows keep only the fund's columns of the others
    const s = sim.series;
    const columns = FUND_DAILY_COLUMNS.map((c) => s[c]);
    for (let t = 0; t < n; t++) {
      data[o++] = run;
      data[o++] = task.subset;
      data[o++] = t;
      data[o++] = t === 0 ? 0 : 1;
      for (let c = 0; c < columns.length; c++) data[o++] = columns[c][t];
    }
    if (run === 0) details.push({ subset: task.subset, run, data: { series: s, ledgerLines: (sim.events ?? []).map(formatFeedLine) } satisfies FundDetail });
  }
  return { rows: { columns: [...FUND_ROW_COLUMNS], rows: task.runCount * n, data }, details };
}

/**
 * Percentile bands per day of column `column` across runs of packed daily rows.
 *
 * @example dailyBands(study.daily, 1000, 365, 'navUsd').p50
 */
export function dailyBands(daily: Float64Array, runs: number, days: number, column: FundDailyColumn): FundBands {
  const n = days + 1;
  const bands = createBands(n);
  const values = new Float64Array(runs);
  const shape = { runs, n, width: FUND_DAILY_COLUMNS.length, column: FUND_DAILY_COLUMNS.indexOf(column) };
  for (let t = 0; t < n; t++) writeDayBands(bands, daily, shape, t, values);
  return bands;
}

/** A study's statistics across runs: per-run summaries and the share-price and NAV bands. */
type FundStudyStats = Pick<FundResult, 'summaries' | 'sharePriceBands' | 'navBands'>;

/**
 * A fund study from the study runner's rows (every run of one subset, in run order, with the
 * {@link FUND_DAILY_COLUMNS}) and its detail of run 0.
 *
 * @example const study = fundStudyOf(spec, result.output.result, result.details);
 */
export function fundStudyOf(spec: Pick<FundStudySpec, 'params' | 'days' | 'runs' | 'seed'>, rows: ResultChunk, details: readonly StudyDetail[]): FundStudy {
  const n = spec.days + 1;
  const width = FUND_DAILY_COLUMNS.length;
  const columns = FUND_DAILY_COLUMNS.map((c) => rows.columns.indexOf(c));
  if (rows.rows !== spec.runs * n || columns.some((c) => c < 0)) throw new Error(`fund rows: expected ${spec.runs * n} rows with the daily fund columns, got ${rows.rows}`);
  const daily = new Float64Array(spec.runs * n * width);
  const rowWidth = rows.columns.length;
  for (let r = 0, o = 0; r < rows.rows; r++) for (let j = 0; j < width; j++) daily[o++] = rows.data[r * rowWidth + columns[j]];
  const detail = details.find((d) => d.run === 0 && d.subset === 0)?.data as FundDetail | undefined;
  if (detail === undefined) throw new Error('fund study: run 0 was not kept in detail');
  return fundStudyOfDaily(spec, daily, detail);
}

/** Per-run summaries and bands of packed daily rows, in this thread. */
function statsOfDaily(spec: Pick<FundStudySpec, 'days' | 'runs'>, daily: Float64Array): FundStudyStats {
  const n = spec.days + 1;
  const width = FUND_DAILY_COLUMNS.length;
  const summaries = createRunSummaries(spec.runs);
  const column = (run: number, c: (typeof FUND_DAILY_COLUMNS)[number]): Float64Array => {
    const out = new Float64Array(n);
    const j = FUND_DAILY_COLUMNS.indexOf(c);
    for (let t = 0; t < n; t++) out[t] = daily[(run * n + t) * width + j];
    return out;
  };
  for (let run = 0; run < spec.runs; run++) writeRunSummary(summaries, run, { navUsd: column(run, 'navUsd'), sharePrice: column(run, 'sharePrice'), shortfallUsd: column(run, 'shortfallUsd') });
  return { summaries, sharePriceBands: dailyBands(daily, spec.runs, spec.days, 'sharePrice'), navBands: dailyBands(daily, spec.runs, spec.days, 'navUsd') };
}

/**
 * A fund study from its daily table (runs × (days + 1) × {@link FUND_DAILY_COLUMNS}, row-major)
 * and run 0's detail: per-run summaries and percentile bands — as given (the share threads
 * computed them), or computed here from the table.
 *
 * @example const study = fundStudyOfDaily(spec, daily, { series, ledgerLines });
 */
export function fundStudyOfDaily(spec: Pick<FundStudySpec, 'params' | 'days' | 'runs' | 'seed'>, daily: Float64Array, detail: FundDetail, stats: FundStudyStats = statsOfDaily(spec, daily)): FundStudy {
  const { summaries, sharePriceBands, navBands } = stats;
  const result: FundResult = {
    name: spec.params.name,
    seed: spec.seed,
    runs: spec.runs,
    days: spec.days,
    startDate: spec.params.startDate,
    detail: detail.series,
    summaries,
    sharePriceBands,
    navBands,
    ...(spec.params.report === undefined ? {} : { report: spec.params.report }),
  };
  return { result, daily, ledgerLines: detail.ledgerLines };
}

/**
 * Runs a fund study: on `workers` threads of this machine (default 1 = this thread only; see
 * ./share.ts), or on a given backend (the study runner's chunks, e.g. a job queue). Either
 * way the numbers depend only on the spec.
 *
 * @example const { result } = await runFundStudy({ params, days: 365, runs: 100, seed: 42 }, { workers: 2 });
 */
export async function runFundStudy(spec: FundStudySpec, opts: { workers?: number; backend?: StudyBackend; onProgress?: (done: number, total: number) => void } = {}): Promise<FundStudy> {
  const inputs = spec.inputs ?? NO_FUND_INPUTS;
  compileFund(spec.params, spec.days, inputs); // bad input fails here, before any worker starts
  if (opts.backend === undefined) return runFundShares(spec, inputs, checkWorkers(opts.workers ?? 1), opts.onProgress);
  const payload: ModelPayload<FundParams, FundInputs> = { subsets: [spec.params], inputs: [inputs], runs: spec.runs, seed: spec.seed, timesteps: spec.days, substeps: 'last' };
  const study = await runStudy(
    { model: 'fund', module: new URL(import.meta.url), exportName: 'runFundChunk', payload, runs: spec.runs, subsets: 1, seed: spec.seed, timesteps: spec.days, substeps: 'last', overrides: [{}] },
    { backend: opts.backend, onProgress: opts.onProgress },
  );
  return fundStudyOf(spec, study.output.result as ResultChunk, study.details);
}

/** Runs a thread claims at a time: a run takes milliseconds, so small batches leave no thread idle at the end. */
const FUND_BATCH_RUNS = 4;

/** The study on this thread and `workers − 1` worker threads sharing one daily table. */
async function runFundShares(spec: FundStudySpec, inputs: FundInputs, workers: number, onProgress?: (done: number, total: number) => void): Promise<FundStudy> {
  const n = spec.days + 1;
  const daily = new Float64Array(new SharedArrayBuffer(Float64Array.BYTES_PER_ELEMENT * spec.runs * n * FUND_DAILY_COLUMNS.length));
  const stats = { summaries: createRunSummaries(spec.runs, true), sharePriceBands: createBands(n, true), navBands: createBands(n, true) };
  const shares = await shareRunsParallel<FundShare, FundShareResult>({
    workerModule: FUND_SHARE.module,
    exportName: FUND_SHARE.exportName,
    runs: spec.runs,
    workers: Math.min(workers, spec.runs),
    batchRuns: FUND_BATCH_RUNS,
    payload: { params: spec.params, inputs, days: spec.days, seed: spec.seed, daily, ...stats },
    onProgress,
  });
  const detail = shares.find((s) => s.detail !== null)?.detail ?? null;
  if (detail === null) throw new Error('fund study: run 0 was not kept in detail');
  const unshared = (c: Float64Array): Float64Array => new Float64Array(c); // the result holds plain arrays
  const unsharedBands = (b: FundBands): FundBands => ({ p5: unshared(b.p5), p25: unshared(b.p25), p50: unshared(b.p50), p75: unshared(b.p75), p95: unshared(b.p95) });
  const summaries = Object.fromEntries(Object.entries(stats.summaries).map(([c, v]) => [c, unshared(v)])) as unknown as FundStudyStats['summaries'];
  return fundStudyOfDaily(spec, daily, detail, { summaries, sharePriceBands: unsharedBands(stats.sharePriceBands), navBands: unsharedBands(stats.navBands) });
}
