/**
 * The queue side of `capflow run`: `--backend bullmq --redis … [--queue …]` builds the BullMQ
 * backend (the study record keeps the scenario document for `--resume <id>`), and a lost Redis
 * becomes a clear error naming the study id to resume.
 */
import { resolve } from 'node:path';
import { UserError } from '../core/errors.ts';
import { redactRedisUrl, StudyInterruptedError } from '../sim/queue/codec.ts';
import type { StudyBackend, StudyChunk, StudyWork } from '../sim/study.ts';
import { parseChoiceFlag } from './flags.ts';

/**
 * The Redis URL of `--redis` or CAPFLOW_REDIS_URL, checked.
 *
 * @example redisUrlFrom('redis://127.0.0.1:6379') // 'redis://127.0.0.1:6379'
 */
export function redisUrlFrom(flag: string | undefined, field = '--redis'): string {
  const url = flag ?? process.env.CAPFLOW_REDIS_URL;
  if (url === undefined || url === '') throw new UserError({ field, message: 'is required', hint: 'pass --redis redis://host:6379 (or set CAPFLOW_REDIS_URL)' });
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UserError({ field, value: redactRedisUrl(url), message: 'is not a URL', hint: 'pass --redis redis://host:6379' });
  }
  if (!['redis:', 'rediss:'].includes(parsed.protocol)) throw new UserError({ field, value: redactRedisUrl(url), message: 'must be a redis:// or rediss:// URL', hint: 'pass --redis redis://host:6379' });
  return url;
}

/** What a queued study keeps for `--resume`: the scenario document (flags applied) and the output flags. */
export interface QueuedRunMeta {
  doc: unknown;
  /** the scenario file's absolute path (relative model modules and inputs resolve from it) */
  path: string;
  out?: string;
  report?: string;
}

/** The queue flags of `capflow run`. */
export interface QueueFlags {
  backend?: string;
  redis?: string;
  queue?: string;
  resume?: string;
}

/**
 * Whether the run goes to the queue (`--backend bullmq`, or `--resume`).
 *
 * @example usesQueue({ backend: 'bullmq' }) // true
 */
export function usesQueue(flags: QueueFlags): boolean {
  const kind = parseChoiceFlag('--backend', flags.backend, ['local', 'bullmq'] as const, flags.resume !== undefined ? 'bullmq' : 'local');
  if (flags.resume !== undefined && kind !== 'bullmq') throw new UserError({ field: '--resume', message: 'resumes a study on the queue', hint: 'drop --backend local' });
  if (kind === 'local' && (flags.redis !== undefined || flags.queue !== undefined)) throw new UserError({ field: flags.redis !== undefined ? '--redis' : '--queue', message: 'needs --backend bullmq', hint: 'add --backend bullmq' });
  return kind === 'bullmq';
}

/**
 * The stored document of study `--resume <id>`.
 *
 * @example const meta = await resumedRun({ resume: 'a1b2c3', redis: 'redis://127.0.0.1:6379' });
 */
export async function resumedRun(flags: QueueFlags): Promise<QueuedRunMeta> {
  const redisUrl = redisUrlFrom(flags.redis);
  const { readStudyMeta } = await import('../sim/queue/backend.ts'); // BullMQ only when the queue is used
  const meta = (await readStudyMeta(redisUrl, flags.queue ?? 'capflow', flags.resume ?? '').catch((e: Error) => {
    throw new UserError({ field: '--redis', value: redactRedisUrl(redisUrl), message: `cannot reach Redis: ${e.message}`, hint: 'start Redis or fix the URL' });
  })) as QueuedRunMeta | null | undefined;
  if (meta === undefined || meta === null) {
    throw new UserError({ field: '--resume', value: flags.resume, message: `no such study on queue "${flags.queue ?? 'capflow'}" at ${redactRedisUrl(redisUrl)} (finished studies are removed)`, hint: 'check the id, --redis and --queue' });
  }
  return meta;
}

/**
 * The BullMQ backend for `capflow run`; `onStudy` learns the study id first (stderr line).
 *
 * @example const backend = queueBackend(flags, meta, 8, (id) => process.stderr.write(`study ${id}\n`));
 */
export function queueBackend(flags: QueueFlags, meta: QueuedRunMeta, workers: number, onStudy: (studyId: string) => void, onProgress?: (done: number, total: number) => void): StudyBackend {
  const redisUrl = redisUrlFrom(flags.redis);
  return {
    kind: 'bullmq',
    workers,
    async run<T, R>(work: StudyWork<T>, onResult: (result: R, chunk: StudyChunk) => void | Promise<void>) {
      const { bullmqBackend } = await import('../sim/queue/backend.ts'); // BullMQ only when the queue is used
      return bullmqBackend({ redisUrl, queue: flags.queue, workers, studyId: flags.resume, meta: { ...meta, path: meta.path === '-' ? '-' : resolve(meta.path) }, onStudy, onProgress }).run(work, onResult);
    },
  };
}

/**
 * Runs `work`, turning a lost Redis into a UserError naming the study id to resume.
 *
 * @example const result = await withResumableStudy(flags, () => runScenario(scenario, { backend }));
 */
export async function withResumableStudy<T>(flags: QueueFlags, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (!(e instanceof StudyInterruptedError)) throw e;
    const queue = flags.queue === undefined ? '' : ` --queue ${flags.queue}`;
    throw new UserError({
      field: '--redis',
      value: redactRedisUrl(e.redisUrl),
      message: `${e.message}; the finished chunks are kept in Redis`,
      hint: `when Redis is back: capflow run --resume ${e.studyId} --redis ${redactRedisUrl(e.redisUrl)}${queue}`,
    });
  }
}
