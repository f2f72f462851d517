/**
 * The fund scenario's speed (issue 17), measured as a user sees it, whole CLI processes on
 * dist/ (which `npm run bench` builds first): a 1,000-run study of examples/fund.yaml on
 * 1 worker and on 2 workers (the scaling figure, baseline = 1 worker in the same run; the
 * 2-worker time against the < 3 s aim and its peak memory against the < 300 MB aim), the same
 * study writing its tables (`--out`, every run's daily rows: detail asked for), the default
 * scenario (365 days, one run; aim < 5 s) and the in-process cost of one run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { loadConfigFile } from '../src/core/config.ts';
import { parseScenario } from '../src/scenarios/index.ts';
import { compileFund, simulateFundRun, type FundParams } from '../src/scenarios/fund/index.ts';
import { timeCliPeak } from './peak.ts';
import { workload, type WorkloadResult } from './report.ts';
import { ROOT, timeCli } from './util.ts';

const RUNS = 1000;

export default async function bench(): Promise<WorkloadResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'capflow-fund-bench-'));
  try {
    const scenario = parseScenario(loadConfigFile(join(ROOT, 'examples/fund.yaml'), z.any()), 'fund.yaml');
    const setup = compileFund(scenario.subsets[0] as FundParams, scenario.timesteps);
    simulateFundRun(setup, 1, 1, { detail: false }); // warm up
    const inProcessRuns = 20;
    const t0 = performance.now();
    for (let r = 0; r < inProcessRuns; r++) simulateFundRun(setup, 1, r, { detail: false });
    const inProcessMsPerRun = (performance.now() - t0) / inProcessRuns;
    const study = (workers: number, out?: string) => timeCliPeak(['run', 'examples/fund.yaml', '--runs', String(RUNS), '--workers', String(workers), '--json', ...(out === undefined ? [] : ['--out', join(dir, out)])]);
    const oneWorker = study(1);
    const twoWorkers = study(2);
    const withTables = study(2, 'mc2.duckdb');
    const defaultRun = timeCli(['run', 'examples/fund.yaml', '--json', '--out', join(dir, 'one.duckdb')]).seconds;
    const what = `whole \`capflow run examples/fund.yaml --runs ${RUNS}\` process`;
    const detail = {
      oneWorkerSeconds: Number(oneWorker.seconds.toFixed(3)),
      oneWorkerPeakRssMb: oneWorker.peakRssMb,
      twoWorkersPeakRssMb: twoWorkers.peakRssMb,
      inProcessMsPerRun: Number(inProcessMsPerRun.toFixed(2)),
      withTablesSeconds: Number(withTables.seconds.toFixed(3)),
      withTablesPeakRssMb: withTables.peakRssMb,
    };
    return [
      workload('fund.scaling', `${what}, 2 workers over 1`, { value: twoWorkers.seconds, unit: 's', higherIsBetter: false }, { kind: 'same-run', value: oneWorker.seconds, unit: 's', what: '1 worker' }, { target: 1.7, detail: { ...detail, note: 'the scaling target is for studies of >= 2 s on one thread' } }),
      workload('fund.study1000', `${what}, 2 workers`, { value: twoWorkers.seconds, unit: 's', higherIsBetter: false }, { kind: 'aim', value: 3, unit: 's', what: '< 3 s (issue 17)' }, { detail }),
      workload('fund.study1000PeakRss', `peak RSS of the ${what}, 2 workers`, { value: twoWorkers.peakRssMb, unit: 'MB', higherIsBetter: false }, { kind: 'aim', value: 300, unit: 'MB', what: '< 300 MB (issue 17)' }, { detail }),
      workload('fund.study1000Tables', `${what} --out fund.duckdb (every run's daily rows written), 2 workers`, { value: withTables.seconds, unit: 's', higherIsBetter: false }, { kind: 'aim', value: null, unit: 's', what: 'none', absentReason: 'no aim: the < 3 s aim is for the study itself; this adds writing 366,000 daily rows' }, { detail: { peakRssMb: withTables.peakRssMb } }),
      workload('fund.defaultRun', 'whole `capflow run examples/fund.yaml` process (365 days, one run)', { value: defaultRun, unit: 's', higherIsBetter: false }, { kind: 'aim', value: 5, unit: 's', what: '< 5 s (issue 7)' }),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
