/**
 * Runs indexed jobs (Monte Carlo runs, sweep points) on worker threads (piscina), in
 * contiguous chunks of indexes, and hands the chunk results back in index order. Results
 * never depend on the worker count as long as job `i` depends only on `i` and the payload
 * (e.g. draws from `Rng.stream(seed, i)`).
 *
 * Worker modules: a module exporting a chunk function `(task: ChunkTask<T>) => R` (default
 * export or a named one). Workers load compiled JavaScript: the CLI runs from `dist/`, and a
 * caller running from TypeScript sources (vitest, tsx) passes its own `.ts` URL — it is
 * mapped to the compiled file by {@link resolveWorkerModule} (`…/src/x/y.ts` →
 * `…/dist/x/y.js`, built by `npm run build`; vitest's globalSetup builds it). With one
 * worker the chunks run in this thread, importing the module as given.
 *
 * @example
 * // src/scenarios/index.ts exports runScenarioChunk(task) and calls:
 * const chunks = await mapRunsParallel({
 *   workerModule: new URL('./index.ts', import.meta.url), exportName: 'runScenarioChunk',
 *   runs: 16, workers: 2, payload: { model: 'cam', config },
 * });
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Piscina } from 'piscina';
import { UserError } from '../core/errors.ts';

/** What a worker's chunk function receives: the shared payload and its run range. */
export interface ChunkTask<T> {
  payload: T;
  /** first run (job) index of the chunk */
  firstRun: number;
  /** number of consecutive runs in the chunk */
  runCount: number;
}

/** Options of {@link mapRunsParallel}. */
export interface MapRunsOptions<T, R> {
  /** module exporting the chunk function (`import.meta.url`-relative URL; `.ts` is mapped to `dist/…js`) */
  workerModule: URL;
  /** name of the exported chunk function (default `'default'`) */
  exportName?: string;
  /** number of runs (jobs), indexed 0…runs−1 */
  runs: number;
  /** worker threads (default: the machine's cores); 1 runs in this thread */
  workers?: number;
  /** data every chunk receives (structured-cloneable) */
  payload: T;
  /** runs per chunk (default: runs / (4 · workers), at least 1) */
  chunkSize?: number;
  /** called after each chunk with the runs done so far */
  onProgress?: (doneRuns: number, totalRuns: number) => void;
  /** receives each chunk result in run order (then results are not kept) */
  onResult?: (result: R, task: ChunkTask<T>) => void | Promise<void>;
}

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

/**
 * Contiguous chunks `[firstRun, firstRun + runCount)` covering `0…runs−1`.
 *
 * @example chunkRanges(5, 2) // [{ firstRun: 0, runCount: 2 }, { firstRun: 2, runCount: 2 }, { firstRun: 4, runCount: 1 }]
 */
export function chunkRanges(runs: number, chunkSize: number): Array<{ firstRun: number; runCount: number }> {
  const out: Array<{ firstRun: number; runCount: number }> = [];
  for (let first = 0; first < runs; first += chunkSize) out.push({ firstRun: first, runCount: Math.min(chunkSize, runs - first) });
  return out;
}

/** Checks a worker count (the `--workers` flag). @example checkWorkers(2) // 2 */
export function checkWorkers(workers: number, field = '--workers'): number {
  if (!Number.isSafeInteger(workers) || workers < 1) throw new UserError({ field, value: workers, message: `must be an integer >= 1, got ${workers}` });
  return workers;
}

/**
 * Runs `runs` jobs in chunks on `workers` threads and returns the chunk results in run order
 * (or streams them to `onResult` in run order).
 *
 * @example const results = await mapRunsParallel({ workerModule, runs: 100, workers: 4, payload });
 */
export async function mapRunsParallel<T, R>(opts: MapRunsOptions<T, R>): Promise<R[]> {
  const workers = checkWorkers(opts.workers ?? defaultWorkers());
  const exportName = opts.exportName ?? 'default';
  const size = Math.max(1, Math.floor(opts.chunkSize ?? Math.ceil(opts.runs / (4 * workers))));
  const tasks: ChunkTask<T>[] = chunkRanges(opts.runs, size).map((r) => ({ payload: opts.payload, ...r }));
  const kept: R[] = [];
  let done = 0;
  const deliver = async (result: R, task: ChunkTask<T>): Promise<void> => {
    if (opts.onResult) await opts.onResult(result, task);
    else kept.push(result);
    done += task.runCount;
    opts.onProgress?.(done, opts.runs);
  };

  if (workers === 1 || tasks.length <= 1) {
    const mod = (await import(opts.workerModule.href)) as Record<string, (task: ChunkTask<T>) => R | Promise<R>>;
    const fn = mod[exportName];
    if (typeof fn !== 'function') throw new Error(`${opts.workerModule.href} has no exported function "${exportName}"`);
    for (const task of tasks) await deliver(await fn(task), task);
    return kept;
  }

  const pool = new Piscina<ChunkTask<T>, R>({ filename: fileURLToPath(resolveWorkerModule(opts.workerModule)), maxThreads: workers, minThreads: 0, idleTimeout: 1000 });
  const abort = new AbortController();
  const pending = tasks.map((task) => pool.run(task, { name: exportName, signal: abort.signal }));
  for (const p of pending) p.catch(() => undefined); // failures surface when awaited below
  try {
    // Deliver in run order: await each chunk in turn while later ones keep running.
    for (let i = 0; i < tasks.length; i++) await deliver(await pending[i], tasks[i]);
    return kept;
  } catch (e) {
    abort.abort(); // drop queued chunks, let running ones finish before the pool goes
    await Promise.allSettled(pending);
    throw e;
  } finally {
    await pool.destroy();
  }
}
