/**
 * The study runner's backend seam. A study is split into **chunks** — a range of Monte Carlo
 * runs of one sweep point (subset) — and a **backend** runs every chunk's function and streams
 * the chunk results back **in chunk order**, so a sink receives the same rows in the same order
 * whichever backend ran them and however many workers it had. A chunk's result depends only on
 * the chunk and the payload (run r of any subset draws from seeds derived from (seed, r)), so
 * the numbers never depend on the backend either.
 *
 * Backends:
 * - {@link inProcessBackend}: every chunk in this thread, one after another;
 * - {@link workerThreadsBackend}: a piscina pool of worker threads (the chunk module is loaded
 *   compiled: `…/src/x.ts` → `…/dist/x.js`, see {@link resolveWorkerModule});
 * - a distributed backend (a job queue, a later issue) implements the same
 *   {@link StudyBackend}: enqueue the chunks with the module, export name and payload, and
 *   hand the results back in chunk order as they arrive.
 *
 * A chunk function is a named export of a module: `(task: StudyTask<T>) => R | Promise<R>`.
 * The payload must be structured-cloneable plain data (workers and other machines get a copy);
 * files a model needs are read once in the parent and travel in the payload as data.
 */
import { fileURLToPath } from 'node:url';
import { checkWorkers, defaultWorkers, resolveWorkerModule } from './parallel.ts';

/**
 * One unit of work: runs `[firstRun, firstRun + runCount)` of sweep point `subset`.
 *
 * @example const c: StudyChunk = { subset: 1, firstRun: 0, runCount: 250 };
 */
export interface StudyChunk {
  subset: number;
  firstRun: number;
  runCount: number;
}

/**
 * What a chunk function receives: its chunk and the study's payload.
 *
 * @example export function runChunk(task: StudyTask<{ seed: number }>) { return task.runCount; }
 */
export interface StudyTask<T> extends StudyChunk {
  payload: T;
}

/**
 * The work a backend runs: the chunk function (module and export), the payload, the chunks.
 *
 * @example const work: StudyWork<P> = { module: new URL(import.meta.url), exportName: 'runChunk', payload, chunks: planChunks({ runs: 100, subsets: 2, workers: 2 }) };
 */
export interface StudyWork<T> {
  /** module exporting the chunk function (`.ts` sources are mapped to `dist/…js` where compiled code is needed) */
  module: URL;
  exportName: string;
  payload: T;
  chunks: readonly StudyChunk[];
}

/**
 * Where a study's chunks run. `run` calls `onResult` once per chunk, in chunk order (awaiting
 * it before the next), and rejects with the first failure (nothing more is delivered then).
 *
 * @example await backend.run(work, (result, chunk) => sink.write(result));
 */
export interface StudyBackend {
  /** `in-process`, `worker-threads`, … */
  readonly kind: string;
  /** parallel workers (1 for in-process) */
  readonly workers: number;
  run<T, R>(work: StudyWork<T>, onResult: (result: R, chunk: StudyChunk) => void | Promise<void>): Promise<void>;
}

/**
 * Splits `runs` runs of each of `subsets` sweep points into chunks (subset-major, runs in
 * order; a chunk never spans two subsets). `chunkRuns` defaults to about a quarter of a
 * worker's share, so a pool stays busy while results stream back.
 *
 * @example planChunks({ runs: 5, subsets: 2, workers: 1, chunkRuns: 3 }) // [{0,0,3},{0,3,2},{1,0,3},{1,3,2}]
 */
export function planChunks(opts: { runs: number; subsets: number; workers: number; chunkRuns?: number }): StudyChunk[] {
  const total = opts.runs * opts.subsets;
  const size = Math.max(1, Math.min(opts.runs, Math.floor(opts.chunkRuns ?? Math.ceil(total / (4 * opts.workers)))));
  const chunks: StudyChunk[] = [];
  for (let subset = 0; subset < opts.subsets; subset++) {
    for (let first = 0; first < opts.runs; first += size) chunks.push({ subset, firstRun: first, runCount: Math.min(size, opts.runs - first) });
  }
  return chunks;
}

/** The chunk function a module exports under `exportName`. */
async function chunkFunction<T, R>(module: URL, exportName: string): Promise<(task: StudyTask<T>) => R | Promise<R>> {
  const fn = ((await import(module.href)) as Record<string, unknown>)[exportName];
  if (typeof fn !== 'function') throw new Error(`${module.href} has no exported function "${exportName}"`);
  return fn as (task: StudyTask<T>) => R | Promise<R>;
}

/**
 * Runs every chunk in this thread, in order.
 *
 * @example await runStudyChunks(inProcessBackend(), work, onResult)
 */
export function inProcessBackend(): StudyBackend {
  return {
    kind: 'in-process',
    workers: 1,
    async run<T, R>(work: StudyWork<T>, onResult: (result: R, chunk: StudyChunk) => void | Promise<void>) {
      const fn = await chunkFunction<T, R>(work.module, work.exportName);
      for (const chunk of work.chunks) {
        await onResult(await fn({ ...chunk, payload: work.payload }), chunk);
        await new Promise<void>((r) => setImmediate(r)); // let signals (Ctrl-C) and I/O in between chunks
      }
    },
  };
}

/** Chunks handed to the pool ahead of the one being delivered, per thread (the default plan has about this many per worker). */
const CHUNKS_AHEAD_PER_THREAD = 4;

/**
 * Runs the chunks on a pool of `workers` worker threads (piscina), delivering results in chunk
 * order while later chunks keep running. A failed chunk stops the hand-out; running chunks finish before the error is thrown. A single chunk
 * runs in this thread (same numbers, no pool to start).
 *
 * @example await workerThreadsBackend(4).run(work, onResult)
 */
export function workerThreadsBackend(workers: number = defaultWorkers()): StudyBackend {
  const threads = checkWorkers(workers);
  return {
    kind: 'worker-threads',
    workers: threads,
    async run<T, R>(work: StudyWork<T>, onResult: (result: R, chunk: StudyChunk) => void | Promise<void>) {
      if (work.chunks.length <= 1) return inProcessBackend().run(work, onResult); // no pool to boot for one chunk
      const { Piscina } = await import('piscina'); // loaded only when a pool is needed
      const pool = new Piscina<StudyTask<T>, R>({ filename: fileURLToPath(resolveWorkerModule(work.module)), maxThreads: threads, minThreads: 0, idleTimeout: 1000 });
      // Chunks are handed to the pool a window ahead of delivery, never aborted: after a failure
      // nothing more is handed out and the running ones finish (aborting a running piscina task
      // terminates its thread, racing the result it may already have posted).
      const pending: Promise<R>[] = [];
      const handOutUpTo = (end: number): void => {
        for (let i = pending.length; i < Math.min(end, work.chunks.length); i++) {
          const p = pool.run({ ...work.chunks[i], payload: work.payload }, { name: work.exportName });
          p.catch(() => undefined); // failures surface when awaited below
          pending.push(p);
        }
      };
      const window = CHUNKS_AHEAD_PER_THREAD * threads;
      try {
        handOutUpTo(window);
        for (let i = 0; i < work.chunks.length; i++) {
          const result = await pending[i];
          handOutUpTo(i + 1 + window);
          await onResult(result, work.chunks[i]);
        }
      } catch (e) {
        await Promise.allSettled(pending);
        throw e;
      } finally {
        await pool.destroy();
      }
    },
  };
}

/**
 * The backend for a worker count: in this thread for 1, worker threads otherwise.
 *
 * @example backendFor(2).kind // 'worker-threads'
 */
export function backendFor(workers: number, field = '--workers'): StudyBackend {
  return checkWorkers(workers, field) === 1 ? inProcessBackend() : workerThreadsBackend(workers);
}
