/**
 * Delta-neutral Monte Carlo throughput: path-steps per second of the whole
 * `./bin/capflow delta-neutral --synthetic gbm … --runs 40000` process (40,000 paths × 365 daily
 * steps, exact accounting, daily rebalancing), wall clock from spawn to exit, best and median of
 * 5 — and a check that 1 worker and the default worker count print the same numbers, with the
 * 1-minute load average (other processes on the machine slow every number).
 */
import { loadavg } from 'node:os';
import { timeCli } from './util.ts';

const RUNS = 40_000;
const STEPS = 365;
const ARGS = ['delta-neutral', '--synthetic', 'gbm', '--daily-vol', '0.04', '--steps', String(STEPS), '--initial-price', '35000', '--runs', String(RUNS), '--seed', '42', '--pool-apr', '0.2', '--funding-apr', '0.08', '--maker-fee', '0.0002', '--rebalance-every', '1', '--json'];

export default async function bench(): Promise<Record<string, unknown>> {
  const runs = Array.from({ length: 5 }, () => timeCli(ARGS));
  const seconds = runs.map((r) => r.seconds).sort((a, b) => a - b);
  const best = seconds[0];
  const single = timeCli([...ARGS, '--workers', '1']);
  const pathSteps = RUNS * STEPS;
  return {
    paths: RUNS,
    steps: STEPS,
    processSeconds: Number(best.toFixed(3)),
    medianProcessSeconds: Number(seconds[2].toFixed(3)),
    pathStepsPerSecond: Math.round(pathSteps / best),
    singleWorkerPathStepsPerSecond: Math.round(pathSteps / single.seconds),
    identicalAcrossWorkerCounts: single.stdout === runs[0].stdout,
    loadAverage1m: Number(loadavg()[0].toFixed(2)),
    meanRoi: (JSON.parse(runs[0].stdout) as { stats: { roi: { mean: number } } }).stats.roi.mean,
  };
}
