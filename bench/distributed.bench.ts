/**
 * The study queue (issue 16): the same 1,000-run fund study (examples/fund.yaml) locally (one
 * thread, and worker threads on every core) and on 1, 2 and 4 `capflow worker` processes over
 * a loopback Redis (Debian's redis-server, started here), reporting runs/s and the queue's
 * overhead per chunk (queue on one worker minus one local thread, per chunk). Every queued
 * result is checked equal to the local one. CAPFLOW_BENCH_RUNS overrides the run count.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { loadConfigFile } from '../src/core/config.ts';
import { parseScenario } from '../src/scenarios/index.ts';
import { runFundStudy, type FundStudy, type FundStudySpec } from '../src/scenarios/fund/study.ts';
import type { FundParams } from '../src/scenarios/fund/schema.ts';
import type { FundInputs } from '../src/scenarios/fund/setup.ts';
import { bullmqBackend } from '../src/sim/queue/index.ts';
import { backendFor, type StudyBackend } from '../src/sim/study.ts';
import { startRedis } from '../test/helpers/redis.ts';
import { workload, type WorkloadResult } from './report.ts';
import { ROOT } from './util.ts';

const CHUNK_RUNS = 25;

/** Starts a `capflow worker` process and resolves once it is taking chunks. */
function startWorker(redisUrl: string, queue: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/capflow'), 'worker', '--redis', redisUrl, '--queue', queue, '--concurrency', '1', '--json'], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout?.on('data', (d: Buffer) => d.toString().includes('"event":"ready"') && resolve(child));
    child.once('exit', (code) => reject(new Error(`capflow worker exited ${code}`)));
  });
}

/** Seconds a fund study takes on a backend. */
async function timed(spec: FundStudySpec, backend: StudyBackend): Promise<{ seconds: number; study: FundStudy }> {
  const t0 = performance.now();
  const study = await runFundStudy(spec, { backend });
  return { seconds: (performance.now() - t0) / 1000, study };
}

export default async function bench(): Promise<WorkloadResult[]> {
  const scenario = parseScenario(loadConfigFile(join(ROOT, 'examples/fund.yaml'), z.any()), 'fund.yaml');
  const runs = Number(process.env.CAPFLOW_BENCH_RUNS ?? 1000);
  const spec: FundStudySpec = { params: scenario.subsets[0] as FundParams, days: scenario.timesteps, runs, seed: scenario.seed, inputs: scenario.inputs[0] as FundInputs };
  const chunks = Math.ceil(runs / CHUNK_RUNS);
  const local1 = await timed(spec, backendFor(1));
  const localAll = await timed(spec, backendFor(availableParallelism()));
  const same = (s: FundStudy): boolean => Buffer.compare(Buffer.from(s.daily.buffer), Buffer.from(local1.study.daily.buffer)) === 0;
  const redis = await startRedis();
  const queued: Record<string, { seconds: number; runsPerSecond: number; sameAsLocal: boolean }> = {};
  try {
    for (const n of [1, 2, 4]) {
      const queue = `bench${n}`;
      const workers = await Promise.all(Array.from({ length: n }, () => startWorker(redis.url, queue)));
      try {
        const { seconds, study } = await timed(spec, bullmqBackend({ redisUrl: redis.url, queue, workers: runs / (4 * CHUNK_RUNS) }));
        queued[`workers${n}`] = { seconds: Number(seconds.toFixed(2)), runsPerSecond: Number((runs / seconds).toFixed(1)), sameAsLocal: same(study) };
      } finally {
        for (const w of workers) w.kill('SIGTERM');
      }
    }
  } finally {
    await redis.destroy();
  }
  const detail = {
    runs,
    chunks,
    local1Thread: { seconds: Number(local1.seconds.toFixed(2)), runsPerSecond: Number((runs / local1.seconds).toFixed(1)) },
    localAllCores: { seconds: Number(localAll.seconds.toFixed(2)), runsPerSecond: Number((runs / localAll.seconds).toFixed(1)) },
    queue: queued,
    queueOverheadMsPerChunk: Number((((queued.workers1.seconds - local1.seconds) * 1000) / chunks).toFixed(1)),
  };
  const oneThread = { kind: 'same-run' as const, value: local1.seconds, unit: 's', what: '1 local thread' };
  return [
    workload('distributed.localAllCores', `${runs}-run fund study in process, worker threads on every core over 1 thread`, { value: localAll.seconds, unit: 's', higherIsBetter: false }, oneThread, { target: null, detail }),
    workload('distributed.queue2', `${runs}-run fund study on 2 \`capflow worker\` processes over loopback Redis, over 1 local thread`, { value: queued.workers2.seconds, unit: 's', higherIsBetter: false }, oneThread, { target: null, detail: { sameAsLocal: queued.workers2.sameAsLocal } }),
  ];
}
