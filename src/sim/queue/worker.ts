/**
 * The queue worker (`capflow worker`): takes study chunks from a BullMQ queue and runs them on
 * a pool of worker threads with the same chunk functions as every other backend, so the main
 * thread stays free to renew the jobs' locks. A chunk function that throws fails its job at
 * once (a chunk is a pure function of its runs and payload: retrying cannot help); a worker
 * that dies mid-chunk stops renewing its lock, and BullMQ's stalled-job check hands the chunk
 * to another worker.
 */
import { fileURLToPath } from 'node:url';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { Piscina } from 'piscina';
import { decodeValue, encodeValue, resolveModuleRef, studyKey, type ChunkJobData } from './codec.ts';

/**
 * Options of {@link startQueueWorker}.
 *
 * @example const opts: QueueWorkerOptions = { redisUrl: 'redis://127.0.0.1:6379', queue: 'capflow', concurrency: 2 };
 */
export interface QueueWorkerOptions {
  redisUrl: string;
  queue: string;
  /** chunks run at once (one worker thread each) */
  concurrency: number;
  /** how long a chunk's lock lasts without renewal (default 30 s): a killed worker's chunk is retried after about this */
  lockDurationMs?: number;
  /** how often stalled chunks are looked for (default: the lock duration) */
  stalledIntervalMs?: number;
  /** times a chunk may stall (its worker died) before it fails (default 5) */
  maxStalledCount?: number;
  /** called after each chunk (for the command's log) */
  onChunk?: (event: { jobId: string; runCount: number; ms: number; error?: string }) => void;
}

/**
 * A running queue worker.
 *
 * @example const w = await startQueueWorker(opts); …; await w.close();
 */
export interface QueueWorker {
  /** finishes the running chunks, then disconnects */
  close(): Promise<void>;
}

/** Thread pools per chunk module, and each study's payload (fetched once). */
function workerState(redis: Redis, queue: string, threads: number) {
  const pools = new Map<string, Piscina>();
  const payloads = new Map<string, Promise<unknown>>();
  return {
    async pool(ref: string): Promise<Piscina> {
      let pool = pools.get(ref);
      if (pool === undefined) {
        const { Piscina } = await import('piscina');
        pool = new Piscina({ filename: fileURLToPath(resolveModuleRef(ref)), maxThreads: threads, minThreads: 1, idleTimeout: 60_000 });
        pools.set(ref, pool);
      }
      return pool;
    },
    payload(studyId: string): Promise<unknown> {
      let p = payloads.get(studyId);
      if (p === undefined) {
        p = redis.hget(studyKey(queue, studyId), 'payload').then((text) => {
          if (text === null) throw new UnrecoverableError(`study ${studyId} has no payload in Redis (finished, or removed)`);
          return decodeValue(text);
        });
        p.catch(() => payloads.delete(studyId));
        payloads.set(studyId, p);
        if (payloads.size > 4) payloads.delete(payloads.keys().next().value as string); // keep the latest few studies
      }
      return p;
    },
    async close(): Promise<void> {
      await Promise.all([...pools.values()].map((p) => p.destroy()));
    },
  };
}

/**
 * Starts a worker taking chunks from queue `queue` on Redis `redisUrl`.
 *
 * @example const w = await startQueueWorker({ redisUrl: 'redis://127.0.0.1:6379', queue: 'capflow', concurrency: 2 });
 */
export async function startQueueWorker(opts: QueueWorkerOptions): Promise<QueueWorker> {
  const redis = new Redis(opts.redisUrl, { maxRetriesPerRequest: null });
  const state = workerState(redis, opts.queue, opts.concurrency);
  const lockDuration = opts.lockDurationMs ?? 30_000;
  const process = async (job: Job<ChunkJobData>): Promise<string> => {
    const started = performance.now();
    const d = job.data;
    const payload = await state.payload(d.studyId);
    try {
      const pool = await state.pool(d.module);
      const result = await pool.run({ subset: d.subset, firstRun: d.firstRun, runCount: d.runCount, payload }, { name: d.exportName });
      opts.onChunk?.({ jobId: job.id ?? '', runCount: d.runCount, ms: performance.now() - started });
      return encodeValue(result);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      opts.onChunk?.({ jobId: job.id ?? '', runCount: d.runCount, ms: performance.now() - started, error: message });
      throw new UnrecoverableError(message); // deterministic: the same chunk fails the same way anywhere
    }
  };
  const workerConnection = redis.duplicate({ maxRetriesPerRequest: null });
  for (const c of [redis, workerConnection]) c.on('error', () => undefined); // ioredis reconnects by itself
  const worker = new Worker<ChunkJobData, string>(opts.queue, process, {
    connection: workerConnection,
    concurrency: opts.concurrency,
    lockDuration,
    stalledInterval: opts.stalledIntervalMs ?? lockDuration,
    maxStalledCount: opts.maxStalledCount ?? 5,
  });
  worker.on('error', () => undefined); // connection errors: ioredis reconnects by itself
  await worker.waitUntilReady();
  return {
    async close() {
      await worker.close();
      await state.close();
      workerConnection.disconnect();
      redis.disconnect();
    },
  };
}
