/**
 * Delta-neutral Monte Carlo: the whole `./bin/capflow delta-neutral --synthetic gbm … --runs
 * 40000` process (40,000 paths × 365 daily steps, exact accounting, daily rebalancing), wall
 * clock from spawn to exit, best of 3, against the same model vectorised in numpy
 * (bench/baselines/deltaNeutral.py, its model loop alone) measured in the same run when
 * `python3` with numpy is present; and the scaling of the default worker count over 1 worker.
 * Checks that 1 worker and the default worker count print the same numbers and that numpy's
 * mean roi agrees with capflow's (its own random numbers: within 6 standard errors).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { workload, type Baseline, type WorkloadResult } from './report.ts';
import { ROOT, timeCli } from './util.ts';

const RUNS = 40_000;
const STEPS = 365;
const MODEL = { dailyVol: 0.04, initialPrice: 35_000, poolApr: 0.2, fundingApr: 0.08, makerFee: 0.0002, seed: 42 };
const ARGS = ['delta-neutral', '--synthetic', 'gbm', '--daily-vol', String(MODEL.dailyVol), '--steps', String(STEPS), '--initial-price', String(MODEL.initialPrice), '--runs', String(RUNS), '--seed', String(MODEL.seed), '--pool-apr', String(MODEL.poolApr), '--funding-apr', String(MODEL.fundingApr), '--maker-fee', String(MODEL.makerFee), '--rebalance-every', '1', '--json'];

/** What the numpy baseline prints. */
interface NumpyResult {
  seconds: number;
  cpuSeconds: number;
  numpy: string;
  meanRoi: number;
  semRoi: number;
}

/** Runs the numpy baseline with the CLI's defaults for the flags ARGS leaves out; null + reason when it cannot. */
function numpyBaseline(): { result: NumpyResult | null; reason: string } {
  const params = {
    paths: RUNS, steps: STEPS, stepsPerYear: 365, ...MODEL, takerFee: MODEL.makerFee, capitalUsd: 100_000, fixedCostUsd: 0,
    shortLeverage: 2, liquidationThreshold: 0.85, liquidationPenalty: 0.05, marginBand: 0.2, rebalanceEvery: 1, band: 'Infinity',
  };
  const json = JSON.stringify(params).replace('"Infinity"', 'Infinity'); // Python's json reads Infinity
  const r = spawnSync('python3', [join(ROOT, 'bench/baselines/deltaNeutral.py'), json], { encoding: 'utf8' });
  if (r.error) return { result: null, reason: `python3 not found (${r.error.message}); install python3 and python3-numpy` };
  if (r.status !== 0) {
    const missing = /No module named 'numpy'/.test(r.stderr);
    return { result: null, reason: missing ? 'python3 has no numpy (apt-get install python3-numpy)' : `numpy baseline exited ${r.status}: ${r.stderr.trim().split('\n').pop()}` };
  }
  return { result: JSON.parse(r.stdout) as NumpyResult, reason: '' };
}

export default async function bench(): Promise<WorkloadResult[]> {
  const runs = Array.from({ length: 3 }, () => timeCli(ARGS));
  const best = Math.min(...runs.map((r) => r.seconds));
  const single = timeCli([...ARGS, '--workers', '1']);
  const stats = (JSON.parse(runs[0].stdout) as { stats: { roi: { mean: number; sem: number } } }).stats.roi;
  const { result: numpy, reason } = numpyBaseline();
  const baseline: Baseline = numpy
    ? { kind: 'same-run', value: numpy.seconds, unit: 's', what: `numpy ${numpy.numpy}, same model vectorised over paths (its loop alone)` }
    : { kind: 'same-run', value: null, unit: 's', what: 'numpy, same model vectorised over paths', absentReason: reason };
  const roiAgrees = numpy ? Math.abs(numpy.meanRoi - stats.mean) < 6 * Math.hypot(numpy.semRoi, stats.sem) : null;
  if (roiAgrees === false) throw new Error(`numpy baseline's mean roi ${numpy?.meanRoi} disagrees with capflow's ${stats.mean}: not the same model`);
  const pathSteps = RUNS * STEPS;
  return [
    workload('deltaNeutral.vsNumpy', `whole \`capflow delta-neutral --synthetic gbm --runs ${RUNS} --steps ${STEPS}\` process`, { value: best, unit: 's', higherIsBetter: false }, baseline, {
      target: 2.5,
      detail: {
        pathStepsPerSecond: Math.round(pathSteps / best),
        medianProcessSeconds: Number([...runs.map((r) => r.seconds)].sort((a, b) => a - b)[1].toFixed(3)),
        meanRoi: stats.mean,
        ...(numpy ? { numpyMeanRoi: numpy.meanRoi, numpyCpuSeconds: Number(numpy.cpuSeconds.toFixed(3)), roiAgrees } : {}),
      },
    }),
    workload('deltaNeutral.scaling', `same process, default workers over \`--workers 1\``, { value: best, unit: 's', higherIsBetter: false }, { kind: 'same-run', value: single.seconds, unit: 's', what: '1 worker' }, {
      target: 1.7,
      detail: { identicalAcrossWorkerCounts: single.stdout === runs[0].stdout, note: `${(pathSteps / 1e6).toFixed(1)}M path-steps; the scaling target is for studies of >= 2 s on one thread` },
    }),
  ];
}
