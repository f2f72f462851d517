/**
 * The BullMQ study backend on a real Redis (Debian's redis-server, started here): the same rows
 * as in-process whatever the workers and chunking, a killed worker's chunk retried elsewhere
 * (each run once), Redis restarting mid-study, a deterministic failure reported once, and
 * `capflow run --backend bullmq` / `capflow worker` end to end.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runStudy, type StudyChunkResult, type StudyResult } from '../../src/sim/runner.ts';
import { inProcessBackend } from '../../src/sim/study.ts';
import { bullmqBackend, startQueueWorker, StudyInterruptedError, type QueueWorker } from '../../src/sim/queue/index.ts';
import { ROOT, runCli, runCliJson } from '../helpers/cli.ts';
import { startRedis, type TestRedis } from '../helpers/redis.ts';

const rowsModule = new URL('./rowsWorker.mjs', import.meta.url);
const slowModule = new URL('./slowWorker.mjs', import.meta.url);
const chunkModule = new URL('./chunkWorker.mjs', import.meta.url);
const rowsOf = (r: StudyResult): number[] => [...(r.output.result as StudyChunkResult['rows']).data];
const spec = { model: 'squares', module: rowsModule, exportName: 'rows', payload: { offset: 2 }, runs: 9, subsets: 2, seed: 5, timesteps: 3, substeps: 'all' as const, overrides: [{ k: 1 }, { k: 2 }] };
const fast = { lockDurationMs: 1000, stalledIntervalMs: 500 };

let redis: TestRedis;
let dir: string;
let queueN = 0;
const nextQueue = (): string => `test${queueN++}`;

beforeAll(async () => {
  redis = await startRedis();
  dir = mkdtempSync(join(tmpdir(), 'capflow-queue-'));
});
afterAll(async () => {
  await redis?.destroy();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Runs `work` with `n` workers on `queue`, closing them after. */
async function withWorkers<T>(queue: string, n: number, work: (workers: QueueWorker[]) => Promise<T>, concurrency = 2): Promise<T> {
  const workers = await Promise.all(Array.from({ length: n }, () => startQueueWorker({ redisUrl: redis.url, queue, concurrency, ...fast })));
  try {
    return await work(workers);
  } finally {
    await Promise.all(workers.map((w) => w.close()));
  }
}

describe('bullmq backend', () => {
  it('gives the in-process rows, row for row, whatever the workers and chunk size', async () => {
    const local = await runStudy(spec, { backend: inProcessBackend() });
    for (const [workers, chunkRuns] of [[1, 4], [2, 1], [3, 2]] as const) {
      const queue = nextQueue();
      const progress: number[] = [];
      const q = await withWorkers(queue, workers, () => runStudy(spec, { backend: bullmqBackend({ redisUrl: redis.url, queue, onProgress: (d) => progress.push(d) }), chunkRuns }));
      expect(q.backend).toBe('bullmq');
      expect(rowsOf(q)).toEqual(rowsOf(local));
      expect(q.final).toEqual(local.final);
      expect(q.details).toEqual(local.details);
      expect(progress[progress.length - 1]).toBe(18);
    }
  });

  it('reports a deterministic chunk failure once, with its error, without retrying it', async () => {
    const queue = nextQueue();
    const failures: string[] = [];
    const worker = await startQueueWorker({ redisUrl: redis.url, queue, concurrency: 1, ...fast, onChunk: (e) => e.error && failures.push(e.error) });
    try {
      const chunks = [0, 2, 4].map((firstRun) => ({ subset: 0, firstRun, runCount: 2 }));
      const run = bullmqBackend({ redisUrl: redis.url, queue }).run({ module: chunkModule, exportName: 'fail', payload: { failFrom: 4 }, chunks }, () => undefined);
      await expect(run).rejects.toThrow(/chunk 2 \(subset 0, runs 4\.\.5\) failed: run 4 failed/);
      await new Promise((r) => setTimeout(r, 1500)); // a retry would have happened by now
      expect(failures).toEqual(['run 4 failed']);
    } finally {
      await worker.close();
    }
  });

  it('retries the chunk of a worker killed mid-chunk on another worker: each run exactly once', async () => {
    const queue = nextQueue();
    const slow = { ...spec, module: slowModule, exportName: 'slowRows', payload: { offset: 2, sleepMs: 150 }, runs: 8, subsets: 1, overrides: [{}] };
    const local = await runStudy(slow, { backend: inProcessBackend() });
    const child = spawn(process.execPath, [`${ROOT}bin/capflow`, 'worker', '--redis', redis.url, '--queue', queue, '--concurrency', '1', '--lock-ms', '1000', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    const firstChunkDone = new Promise<void>((resolve) =>
      child.stdout.on('data', (d: Buffer) => {
        log += d.toString();
        if (log.includes('"event":"chunk"')) resolve();
      }),
    );
    const running = runStudy(slow, { backend: bullmqBackend({ redisUrl: redis.url, queue }), chunkRuns: 2 });
    await firstChunkDone; // the child is now 0.3 s into its next chunk
    child.kill('SIGKILL');
    const q = await withWorkers(queue, 1, () => running, 1);
    expect(rowsOf(q)).toEqual(rowsOf(local));
    const runs = rowsOf(q).filter((_, i) => i % 5 === 0);
    for (let r = 0; r < 8; r++) expect(runs.filter((x) => x === r)).toHaveLength(4); // 4 rows per run, never doubled
  });

  it('finishes across a Redis restart, and resumes a study interrupted by a long outage', async () => {
    const local = await runStudy(spec, { backend: inProcessBackend() });
    const queue = nextQueue();
    // restart while the chunks wait: the submitter reconnects and finishes once a worker comes
    const running = runStudy(spec, { backend: bullmqBackend({ redisUrl: redis.url, queue }), chunkRuns: 3 });
    await new Promise((r) => setTimeout(r, 500));
    await redis.stop();
    await new Promise((r) => setTimeout(r, 300));
    await redis.start();
    expect(rowsOf(await withWorkers(queue, 1, () => running))).toEqual(rowsOf(local));
    // an outage longer than the submitter waits: a clear error with the study id, then --resume
    let studyId = '';
    const interrupted = runStudy(spec, { backend: bullmqBackend({ redisUrl: redis.url, queue, giveUpAfterMs: 800, onStudy: (id) => (studyId = id) }), chunkRuns: 3 });
    await new Promise((r) => setTimeout(r, 500));
    await redis.stop();
    const error = await interrupted.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StudyInterruptedError);
    expect((error as StudyInterruptedError).studyId).toBe(studyId);
    expect(String((error as Error).message)).toMatch(/unreachable for 1 s/);
    await redis.start();
    const resumed = await withWorkers(queue, 2, () => runStudy(spec, { backend: bullmqBackend({ redisUrl: redis.url, queue, studyId }), chunkRuns: 3 }));
    expect(rowsOf(resumed)).toEqual(rowsOf(local));
  });

  it('capflow run --backend bullmq with capflow worker writes the local result table', async () => {
    const queue = nextQueue();
    const child = spawn(process.execPath, [`${ROOT}bin/capflow`, 'worker', '--redis', redis.url, '--queue', queue, '--concurrency', '2'], { stdio: 'ignore' });
    try {
      const args = ['run', 'examples/cam.yaml', '--runs', '6'];
      const local = runCliJson([...args, '--workers', '1', '--out', join(dir, 'local.csv')]);
      const queued = runCliJson([...args, '--backend', 'bullmq', '--redis', redis.url, '--queue', queue, '--workers', '3', '--out', join(dir, 'queued.csv')]);
      expect(queued.code).toBe(0);
      expect(queued.json).toMatchObject({ backend: 'bullmq', studyId: expect.stringMatching(/^[0-9a-f]{12}$/) });
      expect(queued.json.final).toEqual(local.json.final);
      const { readFileSync } = await import('node:fs');
      expect(readFileSync(join(dir, 'queued.csv'), 'utf8')).toBe(readFileSync(join(dir, 'local.csv'), 'utf8'));
    } finally {
      child.kill('SIGTERM');
    }
    const missing = runCliJson(['run', '--resume', 'nosuchstudy', '--redis', redis.url]);
    expect(missing.code).toBe(2);
    expect(missing.json.error).toMatchObject({ field: '--resume', message: expect.stringMatching(/no such study/) });
    expect(runCli(['run', 'examples/cam.yaml', '--backend', 'bullmq']).stderr).toMatch(/--redis: is required/);
    expect(runCliJson(['worker', '--redis', 'http://x']).json.error.field).toBe('--redis');
  });
});
