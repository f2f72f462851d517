/**
 * The BullMQ study backend: a study's chunks become jobs on a Redis-backed queue, workers on
 * any machine run them (see ./worker.ts), and the results come back through the queue's
 * events and are handed to the runner in chunk order — so the rows are the same, row for row,
 * whatever the number of workers, the chunk size or the order in which chunks finish.
 *
 * The study's payload is stored once in Redis (`capflow:study:<queue>:<id>`), the jobs name
 * it by study id; jobs have deterministic ids (`<id>-<index>`), so a study can be resumed: its
 * finished chunks are taken as they are and missing ones re-added. The listener exists before
 * the first job is added; a periodic sweep of the unfinished chunks catches events missed
 * while Redis was away. Each chunk's result is taken once, so a chunk run twice (a worker
 * presumed dead that finishes anyway) is never counted twice.
 */
import { randomBytes } from 'node:crypto';
import { Job, Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import type { StudyBackend, StudyChunk, StudyWork } from '../study.ts';
import { chunkIndexOf, chunkJobId, decodeValue, encodeValue, moduleRef, redactRedisUrl, studyKey, StudyInterruptedError, type ChunkJobData } from './codec.ts';

/**
 * Options of {@link bullmqBackend}.
 *
 * @example const opts: BullmqBackendOptions = { redisUrl: 'redis://127.0.0.1:6379', queue: 'capflow' };
 */
export interface BullmqBackendOptions {
  redisUrl: string;
  /** queue name (default `capflow`) */
  queue?: string;
  /** worker slots expected across machines, for chunk planning (default 8) */
  workers?: number;
  /** resume this study (its finished chunks are kept) instead of starting a new one */
  studyId?: string;
  /** kept with the study for `--resume` (e.g. the scenario document) */
  meta?: unknown;
  /** give up after Redis has been unreachable this long (default 60 s) */
  giveUpAfterMs?: number;
  /** called when the study id is known, before any job is added */
  onStudy?: (studyId: string) => void;
  /** fed by the queue's events: runs finished so far (any order) */
  onProgress?: (doneRuns: number, totalRuns: number) => void;
}

/**
 * The study record a previous run left on the queue (its `meta`), or undefined.
 *
 * @example const meta = await readStudyMeta('redis://127.0.0.1:6379', 'capflow', 'a1b2c3');
 */
export async function readStudyMeta(redisUrl: string, queue: string, studyId: string): Promise<unknown> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 3, retryStrategy: (n) => (n > 5 ? null : 200) });
  redis.on('error', () => undefined); // surfaces as the command's rejection
  try {
    const text = await redis.hget(studyKey(queue, studyId), 'meta');
    return text === null ? undefined : JSON.parse(text);
  } finally {
    redis.disconnect();
  }
}

/** A chunk's label in messages. */
function chunkLabel(c: StudyChunk): string {
  return `subset ${c.subset}, runs ${c.firstRun}..${c.firstRun + c.runCount - 1}`;
}

/**
 * Runs studies on a BullMQ queue (workers: `capflow worker`, see {@link startQueueWorker}).
 *
 * @example await runStudy(spec, { backend: bullmqBackend({ redisUrl: 'redis://127.0.0.1:6379' }) })
 */
export function bullmqBackend(opts: BullmqBackendOptions): StudyBackend & { readonly queue: string } {
  const queueName = opts.queue ?? 'capflow';
  return {
    kind: 'bullmq',
    workers: opts.workers ?? 8,
    queue: queueName,
    async run<T, R>(work: StudyWork<T>, onResult: (result: R, chunk: StudyChunk) => void | Promise<void>) {
      const studyId = opts.studyId ?? randomBytes(6).toString('hex');
      opts.onStudy?.(studyId);
      const retry = { maxRetriesPerRequest: null, retryStrategy: (n: number) => Math.min(100 * n, 1000) };
      const redis = new Redis(opts.redisUrl, retry);
      const queueConnection = redis.duplicate(retry);
      const eventsConnection = redis.duplicate(retry);
      for (const c of [redis, queueConnection, eventsConnection]) c.on('error', () => undefined); // ioredis reconnects; an outage is watched below
      const queue = new Queue<ChunkJobData, string>(queueName, { connection: queueConnection });
      const events = new QueueEvents(queueName, { connection: eventsConnection });
      queue.on('error', () => undefined);
      events.on('error', () => undefined);
      const key = studyKey(queueName, studyId);
      const total = work.chunks.reduce((n, c) => n + c.runCount, 0);
      const received = new Map<number, string>();
      let failure: Error | undefined;
      let doneRuns = 0;
      let wake: () => void = () => undefined;
      const take = (index: number, value: string): void => {
        if (received.has(index) || index >= work.chunks.length) return;
        received.set(index, value);
        doneRuns += work.chunks[index].runCount;
        opts.onProgress?.(doneRuns, total);
        wake();
      };
      const fail = (index: number, reason: string): void => {
        failure ??= new Error(`chunk ${index} (${chunkLabel(work.chunks[index])}) failed: ${reason}`);
        wake();
      };
      const jobOf = (index: number) => {
        const c = work.chunks[index];
        const data: ChunkJobData = { studyId, index, module: moduleRef(work.module), exportName: work.exportName, subset: c.subset, firstRun: c.firstRun, runCount: c.runCount };
        return { name: 'chunk', data, opts: { jobId: chunkJobId(studyId, index), attempts: 1, removeOnComplete: false, removeOnFail: false } };
      };
      /** Looks at every unfinished chunk's job: takes results, failures, re-adds lost jobs. */
      const sweep = async (): Promise<void> => {
        const lost: number[] = [];
        for (let i = 0; i < work.chunks.length; i++) {
          if (received.has(i)) continue;
          const job = await Job.fromId<ChunkJobData, string>(queue, chunkJobId(studyId, i));
          if (job === undefined) lost.push(i);
          else if (job.finishedOn !== undefined && typeof job.returnvalue === 'string') take(i, job.returnvalue);
          else if (job.finishedOn !== undefined && job.failedReason) fail(i, job.failedReason);
        }
        if (lost.length > 0) await queue.addBulk(lost.map(jobOf));
      };
      events.on('completed', ({ jobId, returnvalue }) => {
        const index = chunkIndexOf(studyId, jobId);
        if (index === undefined) return;
        if (typeof returnvalue === 'string') take(index, returnvalue);
        else void Job.fromId<ChunkJobData, string>(queue, jobId).then((job) => job && typeof job.returnvalue === 'string' && take(index, job.returnvalue), () => undefined);
      });
      events.on('failed', ({ jobId, failedReason }) => {
        const index = chunkIndexOf(studyId, jobId);
        if (index !== undefined) fail(index, failedReason);
      });
      let downSince: number | undefined;
      redis.on('close', () => (downSince ??= Date.now()));
      redis.on('ready', () => {
        downSince = undefined;
        wake();
      });
      let finished = false;
      try {
        await events.waitUntilReady(); // the listener exists before the first job
        if (opts.studyId !== undefined) {
          if ((await redis.exists(key)) === 0) throw new StudyInterruptedError(studyId, opts.redisUrl, `no such study on queue "${queueName}" at ${redactRedisUrl(opts.redisUrl)}`);
        } else {
          await redis.hset(key, { payload: encodeValue(work.payload), meta: JSON.stringify(opts.meta ?? null), chunks: String(work.chunks.length) });
          await queue.addBulk(work.chunks.map((_, i) => jobOf(i)));
        }
        await sweep();
        let next = 0;
        let lastSweep = Date.now();
        const giveUp = opts.giveUpAfterMs ?? 60_000;
        while (next < work.chunks.length) {
          if (failure !== undefined) throw failure;
          const value = received.get(next);
          if (value !== undefined) {
            await onResult(decodeValue<R>(value), work.chunks[next]);
            next++;
            continue;
          }
          await new Promise<void>((resolve) => {
            wake = resolve;
            setTimeout(resolve, 500).unref();
          });
          if (downSince !== undefined && Date.now() - downSince > giveUp) {
            throw new StudyInterruptedError(studyId, opts.redisUrl, `Redis at ${redactRedisUrl(opts.redisUrl)} unreachable for ${Math.round(giveUp / 1000)} s`);
          }
          if (downSince === undefined && redis.status === 'ready' && Date.now() - lastSweep > 3000) {
            await sweep(); // catches events missed while Redis was away
            lastSweep = Date.now();
          }
        }
        finished = true;
      } catch (e) {
        if (failure !== undefined && e === failure) await dropWaiting(queue, studyId, work.chunks.length).catch(() => undefined);
        throw e;
      } finally {
        if (finished) await cleanUp(queue, redis, key, studyId, work.chunks.length).catch(() => undefined);
        await Promise.race([Promise.all([events.close(), queue.close()]), new Promise((r) => setTimeout(r, 2000).unref())]);
        for (const c of [redis, queueConnection, eventsConnection]) c.disconnect(); // ours: BullMQ leaves given connections open
      }
    },
  };
}

/** After a failed chunk: removes the study's chunks not yet started. */
async function dropWaiting(queue: Queue<ChunkJobData, string>, studyId: string, chunks: number): Promise<void> {
  for (let i = 0; i < chunks; i++) {
    const job = await Job.fromId(queue, chunkJobId(studyId, i));
    if (job !== undefined && (await job.getState()) === 'waiting') await job.remove().catch(() => undefined);
  }
}

/** After a finished study: removes its jobs and its record. */
async function cleanUp(queue: Queue<ChunkJobData, string>, redis: Redis, key: string, studyId: string, chunks: number): Promise<void> {
  for (let i = 0; i < chunks; i++) await queue.remove(chunkJobId(studyId, i)).catch(() => undefined);
  await redis.del(key);
}
