/**
 * The fund study on this machine's threads (`shareRunsParallel`, src/sim/parallel.ts): this
 * thread and `workers − 1` worker threads claim batches of runs from a shared counter, simulate
 * them and write each run's daily figures into one shared table at the run's own rows, so no
 * thread idles while runs are left, none waits for the pool to boot, and no result is copied
 * between threads. Run r's rows depend only on (seed, r), so the table is the same for any
 * thread count and any claiming order. The thread that runs run 0 returns its detail (every
 * series, and the ledger's events as feed lines, formatted while the other threads still run)
 * as plain data.
 */
import { formatFeedLine } from '../../ledger/feed.ts';
import { allRunsFinished, claimItem, claimRuns, finishRuns, type ShareTask } from '../../sim/parallel.ts';
import { simulateFundRun } from './model.ts';
import type { FundBands, FundRunSeries, FundRunSummaries } from './result.ts';
import { writeDayBands, writeRunSummary } from './runStats.ts';
import type { FundParams } from './schema.ts';
import { compileFund, type FundInputs } from './setup.ts';

/** Daily fund columns kept for every run (keys of {@link FundRunSeries}), in row order. */
export const FUND_DAILY_COLUMNS = ['navUsd', 'sharePrice', 'grossSharePrice', 'totalShares', 'cashUsd', 'bufferUsd', 'pendingRedemptionsUsd', 'depositsUsd', 'redemptionsPaidUsd', 'shortfallUsd', 'costsUsd', 'managementFeesUsd', 'performanceFeesUsd'] as const;
/** A daily column's name. @example const c: FundDailyColumn = 'navUsd'; */
export type FundDailyColumn = (typeof FUND_DAILY_COLUMNS)[number];

/**
 * What every thread of a fund study receives: the fund, its horizon and seed, and the shared
 * tables it fills (over SharedArrayBuffers): the daily rows (runs × (days + 1) ×
 * {@link FUND_DAILY_COLUMNS}, row-major), the per-run summaries and the share-price and NAV bands.
 *
 * @example const share: FundShare = { params, inputs: NO_FUND_INPUTS, days: 365, seed: 42, daily, summaries: createRunSummaries(1000, true), sharePriceBands: createBands(366, true), navBands: createBands(366, true) };
 */
export interface FundShare {
  params: FundParams;
  inputs: FundInputs;
  days: number;
  seed: number;
  daily: Float64Array;
  summaries: FundRunSummaries;
  sharePriceBands: FundBands;
  navBands: FundBands;
}

/**
 * What one thread returns: run 0's series and ledger events when it ran run 0, else null.
 *
 * @example const detail = results.find((r) => r.detail !== null)?.detail;
 */
export interface FundShareResult {
  detail: { series: FundRunSeries; ledgerLines: string[] } | null;
}

/**
 * Writes run `run`'s daily figures into its rows of a daily table (`days + 1` rows a run).
 *
 * @example writeDailyRows(daily, 3, 366, sim.series);
 */
export function writeDailyRows(daily: Float64Array, run: number, n: number, series: FundRunSeries): void {
  const width = FUND_DAILY_COLUMNS.length;
  for (let j = 0; j < width; j++) {
    const column = series[FUND_DAILY_COLUMNS[j]];
    for (let t = 0, o = run * n * width + j; t < n; t++, o += width) daily[o] = column[t];
  }
}

/**
 * Share function of a fund study (see the module comment): runs the batches of runs it claims
 * and writes their daily rows and summaries; keeps run 0 in detail; once every run is written,
 * takes its share of the days' percentile bands. In the calling thread it lets the event loop
 * turn between runs (signals, a worker's failure, progress).
 *
 * @example await runFundShare({ payload: share, runs: 1000, batchRuns: 16, counters: new Int32Array(new SharedArrayBuffer(16)) })
 */
export async function runFundShare(task: ShareTask<FundShare>): Promise<FundShareResult> {
  const { params, inputs, days, seed, daily, summaries } = task.payload;
  const setup = compileFund(params, days, inputs);
  const n = days + 1;
  let detail: FundShareResult['detail'] = null;
  for (let first = claimRuns(task); first >= 0; first = claimRuns(task)) {
    const count = Math.min(task.batchRuns, task.runs - first);
    for (let run = first; run < first + count; run++) {
      const sim = simulateFundRun(setup, seed, run, { detail: run === 0, venueSeries: run === 0 }); // the table keeps only the fund's columns of the others
      writeDailyRows(daily, run, n, sim.series);
      writeRunSummary(summaries, run, sim.series);
      if (run === 0) detail = { series: sim.series, ledgerLines: (sim.events ?? []).map(formatFeedLine) }; // formatted here, while the other threads still run
      if (task.inCaller) await new Promise<void>((resolve) => setImmediate(resolve)); // the calling thread hears Ctrl-C and its workers between runs
    }
    finishRuns(task, count);
  }
  await allRunsFinished(task);
  writeBandShare(task);
  return { detail };
}

/** Writes the share-price and NAV bands of the days this thread claims (every run's rows are written). */
function writeBandShare(task: ShareTask<FundShare>): void {
  const { days, daily, sharePriceBands, navBands } = task.payload;
  const n = days + 1;
  const values = new Float64Array(task.runs);
  const shape = (column: FundDailyColumn) => ({ runs: task.runs, n, width: FUND_DAILY_COLUMNS.length, column: FUND_DAILY_COLUMNS.indexOf(column) });
  const price = shape('sharePrice');
  const nav = shape('navUsd');
  for (let t = claimItem(task, n); t >= 0; t = claimItem(task, n)) {
    writeDayBands(sharePriceBands, daily, price, t, values);
    writeDayBands(navBands, daily, nav, t, values);
  }
}
