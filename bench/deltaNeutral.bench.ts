/**
 * Delta-neutral Monte Carlo, two workloads:
 *
 * - vsNumpy: the whole `./bin/capflow delta-neutral --synthetic gbm … --runs 40000` process
 *   (40,000 paths × 365 daily steps, exact accounting, daily rebalancing; default workers: the
 *   cores), wall clock from spawn to exit, against the same model vectorised in numpy
 *   (bench/baselines/deltaNeutral.py, its model loop alone) when `python3` with numpy is present.
 *   Three rounds, each capflow then numpy (paired, so a change in the machine's load hits both);
 *   the figure is each side's best round. `detail` has the medians and both sides' CPU seconds
 *   (capflow's whole process, all threads; numpy's loop) — on a loaded machine the CPU ratio
 *   says what the wall-clock ratio cannot.
 * - scaling: a study of 200,000 paths (about 2 s or more on one thread): `--workers 2` against
 *   `--workers 1`, two rounds each in turn, best of each.
 *
 * Checks that every worker count prints the same numbers and that numpy's mean roi agrees with
 * capflow's (its own random numbers: within 6 standard errors).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { workload, type Baseline, type WorkloadResult } from './report.ts';
import { ROOT, timeCli } from './util.ts';

const RUNS = 40_000;
/** Paths of the scaling study: 73M path-steps, ≥ 2 s on one thread of this machine class. */
const SCALING_RUNS = 200_000;
const ROUNDS = 3;
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

const best = (xs: number[]): number => Math.min(...xs);
const median = (xs: number[]): number => {
  const v = [...xs].sort((a, b) => a - b);
  return v.length % 2 === 1 ? v[v.length >> 1] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
};
const round3 = (x: number | null): number | null => (x === null ? null : Number(x.toFixed(3)));

export default async function bench(): Promise<WorkloadResult[]> {
  const capflow: ReturnType<typeof timeCli>[] = [];
  const numpyRuns: NumpyResult[] = [];
  let reason = '';
  for (let r = 0; r < ROUNDS; r++) {
    capflow.push(timeCli(ARGS));
    const n = numpyBaseline();
    if (n.result) numpyRuns.push(n.result);
    else reason = n.reason;
  }
  const single = timeCli([...ARGS, '--workers', '1']);
  for (const c of [...capflow, single]) if (c.stdout !== capflow[0].stdout) throw new Error('delta-neutral printed different numbers for different runs or worker counts');
  const stats = (JSON.parse(capflow[0].stdout) as { stats: { roi: { mean: number; sem: number } } }).stats.roi;
  const numpy = numpyRuns.length > 0 ? numpyRuns[0] : null;
  const numpyBest = numpyRuns.length > 0 ? best(numpyRuns.map((n) => n.seconds)) : null;
  const baseline: Baseline = numpy && numpyBest !== null
    ? { kind: 'same-run', value: numpyBest, unit: 's', what: `numpy ${numpy.numpy}, same model vectorised over paths (its loop alone; best of ${numpyRuns.length})` }
    : { kind: 'same-run', value: null, unit: 's', what: 'numpy, same model vectorised over paths', absentReason: reason };
  const roiAgrees = numpy ? Math.abs(numpy.meanRoi - stats.mean) < 6 * Math.hypot(numpy.semRoi, stats.sem) : null;
  if (roiAgrees === false) throw new Error(`numpy baseline's mean roi ${numpy?.meanRoi} disagrees with capflow's ${stats.mean}: not the same model`);
  const pathSteps = RUNS * STEPS;
  const capflowBest = best(capflow.map((c) => c.seconds));
  const capflowCpu = capflow.map((c) => c.cpuSeconds).filter((x): x is number => x !== null);
  const numpyCpu = numpyRuns.map((n) => n.cpuSeconds);

  // scaling: one study large enough (≥ 2 s on one thread), 1 and 2 workers in turn
  const scalingArgs = ARGS.map((a, i) => (ARGS[i - 1] === '--runs' ? String(SCALING_RUNS) : a));
  const one: ReturnType<typeof timeCli>[] = [];
  const two: ReturnType<typeof timeCli>[] = [];
  for (let r = 0; r < 2; r++) {
    one.push(timeCli([...scalingArgs, '--workers', '1']));
    two.push(timeCli([...scalingArgs, '--workers', '2']));
  }
  const scalingIdentical = [...one, ...two].every((c) => c.stdout === one[0].stdout);
  if (!scalingIdentical) throw new Error('the scaling study printed different numbers for 1 and 2 workers');
  const oneCpu = one.map((c) => c.cpuSeconds).filter((x): x is number => x !== null);
  const twoCpu = two.map((c) => c.cpuSeconds).filter((x): x is number => x !== null);

  return [
    workload('deltaNeutral.vsNumpy', `whole \`capflow delta-neutral --synthetic gbm --runs ${RUNS} --steps ${STEPS}\` process (best of ${ROUNDS}, paired with numpy)`, { value: capflowBest, unit: 's', higherIsBetter: false }, baseline, {
      target: 2.5,
      detail: {
        pathStepsPerSecond: Math.round(pathSteps / capflowBest),
        processSeconds: capflow.map((c) => round3(c.seconds)),
        numpySeconds: numpyRuns.map((n) => round3(n.seconds)),
        medianRatio: numpyRuns.length > 0 ? round3(median(numpyRuns.map((n) => n.seconds)) / median(capflow.map((c) => c.seconds))) : null,
        processCpuSeconds: capflowCpu.length > 0 ? round3(median(capflowCpu)) : null,
        numpyCpuSeconds: numpyCpu.length > 0 ? round3(median(numpyCpu)) : null,
        cpuRatio: capflowCpu.length > 0 && numpyCpu.length > 0 ? round3(median(numpyCpu) / median(capflowCpu)) : null,
        oneWorkerSeconds: round3(single.seconds),
        meanRoi: stats.mean,
        ...(numpy ? { numpyMeanRoi: numpy.meanRoi, roiAgrees } : {}),
      },
    }),
    workload('deltaNeutral.scaling', `\`--runs ${SCALING_RUNS}\` study (${((SCALING_RUNS * STEPS) / 1e6).toFixed(0)}M path-steps), whole process, \`--workers 2\` over \`--workers 1\` (best of 2 each, in turn)`, { value: best(two.map((c) => c.seconds)), unit: 's', higherIsBetter: false }, { kind: 'same-run', value: best(one.map((c) => c.seconds)), unit: 's', what: '1 worker' }, {
      target: 1.7,
      detail: {
        identicalAcrossWorkerCounts: scalingIdentical,
        oneWorkerSeconds: one.map((c) => round3(c.seconds)),
        twoWorkerSeconds: two.map((c) => round3(c.seconds)),
        oneWorkerCpuSeconds: oneCpu.length > 0 ? round3(median(oneCpu)) : null,
        twoWorkerCpuSeconds: twoCpu.length > 0 ? round3(median(twoCpu)) : null,
        note: 'two threads can reach 2x only when both cores are free: under a load average above the core count the other processes take part of them',
      },
    }),
  ];
}
