/**
 * The fund scenario's speed targets (issue 7), measured as a user sees them: the whole CLI
 * process for the default scenario (365 days, one run; target < 5 s) and a 1,000-run Monte
 * Carlo on 2 workers writing its DuckDB tables (target < 60 s), plus the in-process cost of
 * one run. Runs ./bin/capflow on dist/, which `npm run bench` builds first.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { loadConfigFile } from '../src/core/config.ts';
import { parseScenario } from '../src/scenarios/index.ts';
import { compileFund, simulateFundRun, type FundParams } from '../src/scenarios/fund/index.ts';
import { ROOT, timeCli } from './util.ts';

export default async function bench(): Promise<Record<string, number | boolean>> {
  const dir = mkdtempSync(join(tmpdir(), 'capflow-fund-bench-'));
  try {
    const scenario = parseScenario(loadConfigFile(join(ROOT, 'examples/fund.yaml'), z.any()), 'fund.yaml');
    const setup = compileFund(scenario.subsets[0] as FundParams, scenario.timesteps);
    simulateFundRun(setup, 1, 1, { detail: false }); // warm up
    const runs = 50;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let r = 0; r < runs; r++) simulateFundRun(setup, 1, r, { detail: false });
    const inProcessMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const defaultRunSeconds = timeCli(['run', 'examples/fund.yaml', '--json', '--out', join(dir, 'one.duckdb')]).seconds;
    const monteCarlo1000Seconds = timeCli(['run', 'examples/fund.yaml', '--runs', '1000', '--workers', '2', '--json', '--out', join(dir, 'mc.duckdb')]).seconds;
    return {
      inProcessMsPerRun: Number((inProcessMs / runs).toFixed(2)),
      inProcessCpuMsPerRun: Number(((cpu.user + cpu.system) / 1000 / runs).toFixed(2)),
      defaultRunSeconds: Number(defaultRunSeconds.toFixed(2)),
      defaultRunUnder5s: defaultRunSeconds < 5,
      monteCarlo1000Seconds: Number(monteCarlo1000Seconds.toFixed(2)),
      monteCarlo1000Under60s: monteCarlo1000Seconds < 60,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
