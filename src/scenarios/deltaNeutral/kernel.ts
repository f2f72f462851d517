/**
 * The delta-neutral Monte Carlo fast path: a typed-array kernel that, per run index, draws the
 * path's prices into a buffer ({@link fillSyntheticPath}) and runs the accounting's one-path
 * loop over it (exact accounting: `exactRunSteps`, the state in locals), writing one output row per
 * path. The rows equal, bit for bit, those of the generic engine model (`buildJobModel` in
 * scenarios/deltaNeutral.ts). Each thread of a study runs `runDeltaNeutralShare`
 * ({@link shareRunsParallel}): it claims batches of run indexes, writes their outputs into a
 * shared table, then summarises the output columns it claims.
 *
 * Determinism: path `i` draws its prices from `Rng.stream(seed, i)` and its funding rates (when
 * seeded) from a copy of that stream jumped by 2^64 draws, so a path's numbers never depend on
 * the batching or the thread count. Nothing is allocated per step; the state, price and funding
 * buffers are allocated once per batch.
 *
 * This module imports only the model, the market processes, the statistics and the thread
 * counters (no schema, no CLI), so worker threads start fast.
 */
import { Rng } from '../../core/rng.ts';
import { fillRateProcess } from '../../market/processes.ts';
import { fillSyntheticPath, type SyntheticSpec } from '../../market/prices.ts';
import { summarize, type Summary } from '../../market/stats.ts';
import { allRunsFinished, claimItem, claimRuns, finishRuns, type ShareTask } from '../../sim/parallel.ts';
import { runExactPath, X_SIZE, type ExactParams } from '../../strategies/deltaNeutral/exact.ts';
import { runReferencePath, R_SIZE, type ReferenceParams } from '../../strategies/deltaNeutral/reference.ts';
import { outputKeys, type FundingSpec } from '../../strategies/deltaNeutral.ts';

/** Where a study's prices come from: one explicit path (every run the same) or a seeded process. */
export type PriceSource = { kind: 'list'; prices: number[] } | { kind: 'synthetic'; spec: SyntheticSpec };

/**
 * Everything a worker needs to run paths (structured-cloneable).
 *
 * @example
 * const job: DeltaNeutralJob = { accounting: 'exact', exact: params, funding: { kind: 'constant', value: 0.08 },
 *   source: { kind: 'synthetic', spec: { kind: 'gbm', initialPrice: 35000, volPerStep: 0.05, steps: 365 } }, seed: 42 };
 */
export type DeltaNeutralJob =
  | { accounting: 'exact'; exact: ExactParams; funding: FundingSpec; source: PriceSource; seed: number }
  | { accounting: 'reference'; reference: ReferenceParams; source: PriceSource; seed: number };

/**
 * Number of steps of a job's paths.
 *
 * @example jobSteps(job) // 365
 */
export function jobSteps(job: DeltaNeutralJob): number {
  return job.source.kind === 'list' ? job.source.prices.length - 1 : job.source.spec.steps;
}

/**
 * Number of output columns of a job's rows.
 *
 * @example jobWidth(job) // 18 for exact accounting
 */
export function jobWidth(job: DeltaNeutralJob): number {
  return outputKeys(job.accounting).length;
}

/**
 * Fills the funding APRs of one path: seeded processes draw from a copy of the path's stream
 * jumped by 2^64 draws (so prices and funding never share numbers); others ignore `rng`.
 *
 * @example fillJobFunding(job, Rng.stream(job.seed, 7), new Float64Array(365))
 */
export function fillJobFunding(job: Extract<DeltaNeutralJob, { accounting: 'exact' }>, rng: Rng, out: Float64Array): Float64Array {
  if (job.funding.kind !== 'meanReverting') return fillRateProcess(out, job.funding, job.exact.dtYears, rng, 'funding');
  const fundingRng = rng.clone();
  fundingRng.jump();
  return fillRateProcess(out, job.funding, job.exact.dtYears, fundingRng, 'funding');
}

/**
 * Runs paths [first, first + count) of a job, writing rows into `out`: each path's prices go
 * into one buffer (a list is copied once; a synthetic path is drawn from the path's stream),
 * then the accounting's one-path loop runs over it.
 */
function runPaths(job: DeltaNeutralJob, first: number, count: number, out: Float64Array): void {
  const width = jobWidth(job);
  const source = job.source;
  const spec = source.kind === 'synthetic' ? source.spec : undefined;
  const prices = source.kind === 'list' ? Float64Array.from(source.prices) : new Float64Array(source.spec.steps + 1);
  const s = new Float64Array(job.accounting === 'exact' ? X_SIZE : R_SIZE);
  const funding = new Float64Array(prices.length - 1);
  const seededFunding = job.accounting === 'exact' && job.funding.kind === 'meanReverting';
  if (job.accounting === 'exact' && !seededFunding) fillJobFunding(job, Rng.stream(job.seed, 0), funding);
  for (let r = 0; r < count; r++) {
    const rng = Rng.stream(job.seed, first + r);
    if (job.accounting === 'exact' && seededFunding) fillJobFunding(job, rng, funding); // first: it copies the fresh stream
    if (spec !== undefined) fillSyntheticPath(prices, spec, rng);
    if (job.accounting === 'exact') runExactPath(prices, funding, job.exact, s, out, r * width);
    else runReferencePath(prices, job.reference, s, out, r * width);
  }
}

/**
 * Runs paths [first, first + count) of a job and returns their output rows, row-major
 * (`count × jobWidth(job)`), in path order.
 *
 * @example runDeltaNeutralPaths(job, 0, 100)
 */
export function runDeltaNeutralPaths(job: DeltaNeutralJob, first: number, count: number): Float64Array {
  const out = new Float64Array(count * jobWidth(job));
  runPaths(job, first, count, out);
  return out;
}

/**
 * What each thread of a study receives: the job and the output table shared by the threads,
 * column-major (output k of path r at `k · runs + r`, over a SharedArrayBuffer).
 *
 * @example const share: DeltaNeutralShare = { job, columns: new Float64Array(new SharedArrayBuffer(8 * runs * jobWidth(job))) };
 */
export interface DeltaNeutralShare {
  job: DeltaNeutralJob;
  columns: Float64Array;
}

/**
 * Copies `count` rows of `width` outputs (row-major) into the column-major table of `runs` paths
 * at paths first…first + count − 1. Its own function so that its hot loop does not make V8
 * recompile (on-stack) the share function around it, with the whole kernel inlined.
 */
function copyRowsToColumns(rows: Float64Array, count: number, width: number, columns: Float64Array, runs: number, first: number): void {
  for (let k = 0; k < width; k++) {
    const at = k * runs + first;
    for (let r = 0; r < count; r++) columns[at + r] = rows[r * width + k];
  }
}

/**
 * Share function of {@link shareRunsParallel}, run by each thread of a study: runs the batches of
 * paths it claims, writing their outputs into the shared columns; once every path is written,
 * summarises the columns it claims (with `summarize`, on the column in path order). Returns
 * `[column index, summary]` pairs.
 *
 * @example await runDeltaNeutralShare({ payload: share, runs, batchRuns: 256, counters: new Int32Array(new SharedArrayBuffer(16)) })
 */
export async function runDeltaNeutralShare(task: ShareTask<DeltaNeutralShare>): Promise<Array<[number, Summary]>> {
  const { job, columns } = task.payload;
  const width = jobWidth(job);
  const rows = new Float64Array(task.batchRuns * width);
  for (let first = claimRuns(task); first >= 0; first = claimRuns(task)) {
    const count = Math.min(task.batchRuns, task.runs - first);
    runPaths(job, first, count, rows);
    copyRowsToColumns(rows, count, width, columns, task.runs, first);
    finishRuns(task, count);
  }
  await allRunsFinished(task);
  const summaries: Array<[number, Summary]> = [];
  for (let k = claimItem(task, width); k >= 0; k = claimItem(task, width)) summaries.push([k, summarize(columns.subarray(k * task.runs, (k + 1) * task.runs))]);
  return summaries;
}
