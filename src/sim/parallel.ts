/**
 * Worker threads, two ways. Results never depend on the thread count as long as job `i`
 * depends only on `i` and the payload (e.g. draws from `Rng.stream(seed, i)`).
 *
 * - Chunks on a piscina pool: the study runner's worker-threads backend (./study.ts).
 * - {@link shareRunsParallel}: for results that do not depend on which thread ran which job
 *   (e.g. rows written into one SharedArrayBuffer table, summarised once all are written): this
 *   thread and `workers − 1` worker threads each call a share function that claims batches of
 *   runs from a shared counter ({@link claimRuns}) until none is left, and each returns one
 *   result. This thread starts computing at once while the workers boot, and no thread idles
 *   while runs are left (the delta-neutral kernel's fast path).
 *
 * Worker modules: a module exporting the chunk or share function (named). Workers load compiled
 * JavaScript: the CLI runs from `dist/`, and a caller running from TypeScript sources (vitest,
 * tsx) passes its own `.ts` URL — it is mapped to the compiled file by
 * {@link resolveWorkerModule} (`…/src/x/y.ts` → `…/dist/x/y.js`, built by `npm run build`;
 * vitest's globalSetup builds it). Functions run in this thread import the module as given.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { checkNumber } from '../core/validate.ts';

/** The default worker count: the cores available to this process. @example defaultWorkers() // 8 */
export function defaultWorkers(): number {
  return availableParallelism();
}

/**
 * The compiled JavaScript module a worker thread should load for `url`: `.js` URLs are kept;
 * `…/src/a/b.ts` becomes `…/dist/a/b.js`. Throws when the compiled file is missing.
 *
 * @example resolveWorkerModule(new URL('file:///repo/src/scenarios/index.ts')).href // 'file:///repo/dist/scenarios/index.js'
 */
export function resolveWorkerModule(url: URL): URL {
  const path = fileURLToPath(url);
  if (!path.endsWith('.ts')) return url;
  const at = path.lastIndexOf('/src/');
  if (at < 0) throw new Error(`worker module ${path} is TypeScript outside src/: compile it or pass a .js module`);
  const compiled = `${path.slice(0, at)}/dist/${path.slice(at + 5, -3)}.js`;
  if (!existsSync(compiled)) throw new Error(`worker module ${compiled} is missing: run \`npm run build\` first`);
  return pathToFileURL(compiled);
}

/** Checks a worker count (the `--workers` flag). @example checkWorkers(2) // 2 */
export function checkWorkers(workers: number, field = '--workers'): number {
  return checkNumber(field, workers, { integer: true, min: 1 });
}

/** Slots of a share's shared counters ({@link ShareTask.counters}). */
const NEXT_RUN = 0;
const DONE_RUNS = 1;
const NEXT_ITEM = 2;
const FAILED = 3;

/**
 * What a share function receives: the payload, the run count and the counters shared by every
 * thread of a {@link shareRunsParallel} call. The payload may hold SharedArrayBuffers: every
 * thread then sees the same memory (e.g. one output table that each thread fills at its runs).
 */
export interface ShareTask<T> {
  payload: T;
  /** number of runs, indexed 0…runs−1 */
  runs: number;
  /** runs handed out per {@link claimRuns} call */
  batchRuns: number;
  /** next run to claim, runs finished, next item to claim, failure flag (an Int32Array over a SharedArrayBuffer) */
  counters: Int32Array;
  /** the calling thread's task only: called at each claim with the runs claimed so far */
  onClaim?: (claimedRuns: number, totalRuns: number) => void;
  /** true in the thread that called {@link shareRunsParallel}, which must not block (see {@link allRunsFinished}) */
  inCaller?: boolean;
}

/**
 * Claims the next batch of runs for the calling thread: returns its first run, or −1 when every
 * run is claimed. The batch is `[first, min(first + task.batchRuns, task.runs))`; report it
 * with {@link finishRuns} once its results are written.
 *
 * @example for (let first = claimRuns(task); first >= 0; first = claimRuns(task)) { const n = Math.min(task.batchRuns, task.runs - first); run(first, n); finishRuns(task, n); }
 */
export function claimRuns(task: ShareTask<unknown>): number {
  if (Atomics.load(task.counters, FAILED) !== 0) return -1; // a thread failed: stop early, allRunsFinished reports it
  const first = Atomics.add(task.counters, NEXT_RUN, task.batchRuns);
  if (first >= task.runs || first < 0) return -1; // < 0: the counter wrapped past 2^31 after the last run
  task.onClaim?.(first, task.runs);
  return first;
}

/**
 * Reports `count` claimed runs as finished (their results written), waking the threads waiting
 * in {@link allRunsFinished} when they were the last.
 *
 * @example finishRuns(task, 256)
 */
export function finishRuns(task: ShareTask<unknown>, count: number): void {
  if (Atomics.add(task.counters, DONE_RUNS, count) + count >= task.runs) Atomics.notify(task.counters, DONE_RUNS);
}

/** `Atomics.waitAsync` (ES2024; in Node since 16), typed here for the ES2022 library. */
const waitAsync = (Atomics as unknown as { waitAsync(array: Int32Array, index: number, value: number): { async: boolean; value: Promise<string> | string } }).waitAsync;

/**
 * Resolves once every run of the share is finished (every thread's results are written);
 * rejects when another thread failed. A worker thread blocks (it has nothing else to do, and a
 * pending `Atomics.waitAsync` would not keep its event loop alive); the calling thread waits
 * without blocking its event loop, which must still hear of a worker's failure.
 *
 * @example await allRunsFinished(task); // every row of the shared table is written
 */
export async function allRunsFinished(task: ShareTask<unknown>): Promise<void> {
  const counters = task.counters;
  for (;;) {
    if (Atomics.load(counters, FAILED) !== 0) throw new Error('stopped: another thread of the study failed');
    const done = Atomics.load(counters, DONE_RUNS);
    if (done >= task.runs) return;
    if (!task.inCaller) Atomics.wait(counters, DONE_RUNS, done);
    else {
      const wait = waitAsync(counters, DONE_RUNS, done);
      if (wait.async) await wait.value;
    }
  }
}

/**
 * Claims the next of `items` work items shared by the threads (e.g. the columns to summarise once
 * {@link allRunsFinished}): its index, or −1 when every item is claimed.
 *
 * @example for (let k = claimItem(task, 17); k >= 0; k = claimItem(task, 17)) summaries.push([k, summarize(column(k))]);
 */
export function claimItem(task: ShareTask<unknown>, items: number): number {
  const item = Atomics.add(task.counters, NEXT_ITEM, 1);
  return item < items ? item : -1;
}

/** Options of {@link shareRunsParallel}. */
export interface ShareRunsOptions<T> {
  /** module exporting the share function (`import.meta.url`-relative URL; `.ts` is mapped to `dist/…js` for workers) */
  workerModule: URL;
  /** name of the exported share function (default `'default'`) */
  exportName?: string;
  /** number of runs, indexed 0…runs−1 (below 2^30) */
  runs: number;
  /** threads, this one included (default: the machine's cores); 1 runs everything here */
  workers?: number;
  /** data every thread receives (structured-cloneable; SharedArrayBuffers are shared) */
  payload: T;
  /** runs per claim (default: about runs / (32 · workers), at most 256; at most `runs`) */
  batchRuns?: number;
  /** called as runs are claimed, with the runs claimed so far, and once at the end */
  onProgress?: (doneRuns: number, totalRuns: number) => void;
}

/** Largest run count of {@link shareRunsParallel}: the counters are 32-bit integers. */
const MAX_SHARED_RUNS = 2 ** 30;

/** The worker entry of {@link shareRunsParallel} (`.ts` from sources, `.js` from dist/). */
const SHARE_WORKER = new URL(`./parallelWorker.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`, import.meta.url);

/**
 * Runs `runs` jobs on this thread and `workers − 1` worker threads, which all call the share
 * function `(task: ShareTask<T>) => R | Promise<R>` of `workerModule`: it claims batches with
 * {@link claimRuns} until none is left (reporting each with {@link finishRuns}), may then wait
 * for {@link allRunsFinished} and share further items ({@link claimItem}), and returns its
 * result. Returns one result per thread, this thread's first. Which thread ran which runs varies
 * from call to call: combine the results so that it does not matter.
 *
 * @example const perThread = await shareRunsParallel({ workerModule, exportName: 'runShare', runs: 40000, workers: 2, payload });
 */
export async function shareRunsParallel<T, R>(opts: ShareRunsOptions<T>): Promise<R[]> {
  const workers = checkWorkers(opts.workers ?? defaultWorkers());
  if (!Number.isSafeInteger(opts.runs) || opts.runs < 0 || opts.runs >= MAX_SHARED_RUNS) throw new RangeError(`runs must be an integer in [0, 2^30), got ${opts.runs}`);
  const exportName = opts.exportName ?? 'default';
  const mod = (await import(opts.workerModule.href)) as Record<string, (task: ShareTask<T>) => R | Promise<R>>;
  const share = mod[exportName];
  if (typeof share !== 'function') throw new Error(`${opts.workerModule.href} has no exported function "${exportName}"`);
  const batchRuns = Math.min(Math.max(1, opts.runs), Math.max(1, Math.floor(opts.batchRuns ?? Math.min(256, Math.ceil(opts.runs / (32 * workers))))));
  const task: ShareTask<T> = { payload: opts.payload, runs: opts.runs, batchRuns, counters: new Int32Array(new SharedArrayBuffer(16)) };
  const fail = (): void => {
    Atomics.store(task.counters, FAILED, 1);
    Atomics.notify(task.counters, DONE_RUNS);
  };
  const helpers = startShareWorkers<T, R>(workers - 1, opts.workerModule, exportName, task);
  let helperFailure: unknown;
  for (const h of helpers) {
    h.result.catch((e: unknown) => {
      helperFailure ??= e;
      fail(); // wakes the threads waiting for runs that will never finish
    });
  }
  try {
    const mine = await share({ ...task, onClaim: opts.onProgress, inCaller: true });
    const theirs = await Promise.all(helpers.map((h) => h.result));
    opts.onProgress?.(opts.runs, opts.runs);
    return [mine, ...theirs];
  } catch (e) {
    const cause = helperFailure ?? e; // a helper's own failure says more than "another thread failed"
    fail();
    await Promise.allSettled(helpers.map((h) => h.worker.terminate()));
    throw cause;
  }
}

/** A share worker thread and the promise of its one result (or its failure). */
interface ShareWorker {
  worker: Worker;
  result: Promise<unknown>;
}

/** Worker threads started ahead by {@link prestartShareWorkers}, by `<module href>#<export>`, not yet given a task. */
const prestarted = new Map<string, ShareWorker[]>();

/** Starts one share worker thread: with a task it runs at once; without, it loads the module and waits for the task message. */
function spawnShareWorker(module: string, exportName: string, task: ShareTask<unknown> | undefined): ShareWorker {
  const worker = new Worker(resolveWorkerModule(SHARE_WORKER), { workerData: { module, exportName, task } });
  const result = new Promise<unknown>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`a worker thread stopped (exit code ${code}) before its result`)));
  });
  return { worker, result };
}

/**
 * Starts `count` worker threads for a later {@link shareRunsParallel} call with the same module
 * and export — a warm pool: each thread boots and loads the module now, while this thread does
 * its own start-up (the CLI calls it before loading its commands), and the call then hands them
 * the task instead of starting threads. Unused threads do not keep the process alive. Returns
 * the threads' ids.
 *
 * @example prestartShareWorkers(new URL('./kernel.js', import.meta.url), 'runDeltaNeutralShare', 1)
 */
export function prestartShareWorkers(workerModule: URL, exportName: string, count: number): number[] {
  const module = resolveWorkerModule(workerModule).href;
  const key = `${module}#${exportName}`;
  const pool = prestarted.get(key) ?? [];
  prestarted.set(key, pool);
  const started = Array.from({ length: count }, () => spawnShareWorker(module, exportName, undefined));
  for (const w of started) {
    w.worker.unref();
    w.result.catch(() => undefined); // a failure is reported when the thread is given its task
    pool.push(w);
  }
  return started.map((w) => w.worker.threadId);
}

/**
 * Starts `count` worker threads of {@link shareRunsParallel} (taking threads started ahead for
 * this module first); each `result` settles with that share's result or its failure.
 */
function startShareWorkers<T, R>(count: number, workerModule: URL, exportName: string, task: ShareTask<T>): Array<{ worker: Worker; result: Promise<R> }> {
  if (count === 0) return [];
  const module = resolveWorkerModule(workerModule).href;
  const warm = (prestarted.get(`${module}#${exportName}`) ?? []).splice(0, count);
  for (const w of warm) {
    w.worker.ref();
    w.worker.postMessage(task); // the counters and payload's SharedArrayBuffers are shared, not copied
  }
  const cold = Array.from({ length: count - warm.length }, () => spawnShareWorker(module, exportName, task as ShareTask<unknown>));
  return [...warm, ...cold] as Array<{ worker: Worker; result: Promise<R> }>;
}
