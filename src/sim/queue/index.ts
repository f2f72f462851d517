/**
 * The job-queue study backend (BullMQ on Redis): the submitter side ({@link bullmqBackend}) and
 * the worker side ({@link startQueueWorker}). Its own subpath, `capflow/sim/queue`, so that only
 * code that uses the queue loads BullMQ.
 *
 * @example
 * import { runStudy } from 'capflow/sim';
 * import { bullmqBackend } from 'capflow/sim/queue';
 * await runStudy(spec, { backend: bullmqBackend({ redisUrl: 'redis://127.0.0.1:6379' }), out: { kind: 'duckdb', path: 'r.duckdb', table: 'results' } });
 *
 * @packageDocumentation
 */
export { bullmqBackend, readStudyMeta, type BullmqBackendOptions } from './backend.ts';
export { startQueueWorker, type QueueWorker, type QueueWorkerOptions } from './worker.ts';
export { chunkIndexOf, chunkJobId, decodeValue, encodeValue, moduleRef, redactRedisUrl, resolveModuleRef, studyKey, StudyInterruptedError, type ChunkJobData } from './codec.ts';
