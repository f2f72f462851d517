/**
 * Whole-process timing with the process's peak memory (a helper of the benchmarks, not one
 * itself: bench/run.ts loads only *.bench.ts).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './util.ts';

const PRELOAD = pathToFileURL(join(ROOT, 'bench/peakRss.mjs')).href;

/**
 * Runs `./bin/capflow …args` as a user would (a new process on dist/) and returns its wall clock
 * from spawn to exit, its stdout and its peak resident set size in MB (the whole process, its
 * worker threads included: `process.resourceUsage().maxRSS` read at exit by a preloaded module).
 * Throws when it exits non-zero.
 *
 * @example const { seconds, peakRssMb } = timeCliPeak(['run', 'examples/fund.yaml', '--runs', '1000']);
 */
export function timeCliPeak(args: string[]): { seconds: number; stdout: string; peakRssMb: number } {
  const dir = mkdtempSync(join(tmpdir(), 'capflow-bench-peak-'));
  const file = join(dir, 'peak');
  try {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, ['--import', PRELOAD, join(ROOT, 'bin/capflow'), ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, CAPFLOW_BENCH_PEAK_FILE: file } });
    const seconds = (performance.now() - t0) / 1000;
    if (r.status !== 0) throw new Error(`capflow ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    return { seconds, stdout: r.stdout, peakRssMb: Math.round(Number(readFileSync(file, 'utf8')) / 1024) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
