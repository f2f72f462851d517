/**
 * What travels through the job queue, as plain strings: payloads and chunk results are V8
 * structured-clone bytes in base64 (typed arrays and every double survive exactly, unlike
 * JSON), and the chunk module is named so that a worker on another machine finds it in its own
 * capflow install.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { deserialize, serialize } from 'node:v8';

/** capflow's package root (this file is `src/sim/queue/codec.ts` or `dist/sim/queue/codec.js`). */
const PACKAGE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * A value as base64 structured-clone bytes.
 *
 * @example decodeValue(encodeValue(new Float64Array([0.1]))) // Float64Array [0.1]
 */
export function encodeValue(value: unknown): string {
  return serialize(value).toString('base64');
}

/**
 * The value {@link encodeValue} encoded.
 *
 * @example decodeValue<number[]>(encodeValue([1, 2])) // [1, 2]
 */
export function decodeValue<T>(text: string): T {
  return deserialize(Buffer.from(text, 'base64')) as T;
}

/**
 * How a job names its chunk module: `capflow:<module id>` for capflow's own modules (a worker
 * loads its own compiled `dist/<id>.js`, whatever machine or install directory), the module's
 * URL otherwise (a user's module must then be at the same path on the worker's machine).
 *
 * @example moduleRef(new URL('file:///repo/src/scenarios/index.ts')) // 'capflow:scenarios/index' (when /repo is capflow)
 */
export function moduleRef(module: URL): string {
  if (module.protocol !== 'file:') return module.href;
  const path = fileURLToPath(module);
  for (const dir of ['src/', 'dist/']) {
    const base = `${PACKAGE_ROOT}${dir}`;
    if (path.startsWith(base)) return `capflow:${path.slice(base.length).replace(/\.(ts|js)$/, '')}`;
  }
  return module.href;
}

/**
 * The module URL a worker loads for a job's {@link moduleRef}: capflow's compiled module
 * (`dist/<id>.js`) or the URL as given.
 *
 * @example resolveModuleRef('capflow:scenarios/index').pathname // …/dist/scenarios/index.js
 */
export function resolveModuleRef(ref: string): URL {
  if (!ref.startsWith('capflow:')) return new URL(ref);
  const compiled = `${PACKAGE_ROOT}dist/${ref.slice('capflow:'.length)}.js`;
  if (!existsSync(compiled)) throw new Error(`chunk module ${compiled} is missing: run \`npm run build\` in the worker's capflow`);
  return pathToFileURL(compiled);
}

/**
 * The data of one chunk's job: the study (its payload is stored once per study), the chunk's
 * index in chunk order, its function and its runs.
 *
 * @example const data: ChunkJobData = { studyId: 'a1b2c3', index: 0, module: 'capflow:scenarios/index', exportName: 'runScenarioChunk', subset: 0, firstRun: 0, runCount: 25 };
 */
export interface ChunkJobData {
  studyId: string;
  index: number;
  module: string;
  exportName: string;
  subset: number;
  firstRun: number;
  runCount: number;
}

/**
 * Redis key of a study's record (hash: `payload`, `meta`, `chunks`) on queue `queue`.
 *
 * @example studyKey('capflow', 'a1b2c3') // 'capflow:study:capflow:a1b2c3'
 */
export function studyKey(queue: string, studyId: string): string {
  return `capflow:study:${queue}:${studyId}`;
}

/**
 * The job id of chunk `index` of a study (deterministic: re-adding a chunk on resume is a no-op).
 *
 * @example chunkJobId('a1b2c3', 4) // 'a1b2c3-4'
 */
export function chunkJobId(studyId: string, index: number): string {
  return `${studyId}-${index}`;
}

/**
 * The chunk index in a job id of study `studyId`, or undefined for another study's job.
 *
 * @example chunkIndexOf('a1b2c3', 'a1b2c3-4') // 4
 */
export function chunkIndexOf(studyId: string, jobId: string): number | undefined {
  if (!jobId.startsWith(`${studyId}-`)) return undefined;
  const index = Number(jobId.slice(studyId.length + 1));
  return Number.isInteger(index) && index >= 0 ? index : undefined;
}

/**
 * Thrown when Redis stays unreachable: the study's finished chunks stay in Redis and
 * `studyId` resumes it.
 *
 * @example if (e instanceof StudyInterruptedError) console.log(`resume with --resume ${e.studyId}`);
 */
export class StudyInterruptedError extends Error {
  constructor(readonly studyId: string, readonly redisUrl: string, reason: string) {
    super(`study ${studyId}: ${reason}`);
    this.name = 'StudyInterruptedError';
  }
}

/**
 * A Redis URL without its password, for messages.
 *
 * @example redactRedisUrl('redis://:secret@host:6379') // 'redis://host:6379'
 */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    u.username = '';
    return u.href.replace(/\/$/, '');
  } catch {
    return '(unparseable Redis URL)';
  }
}
