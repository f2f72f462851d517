/**
 * Helpers shared by the benchmarks (not a benchmark itself: bench/run.ts loads only *.bench.ts).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (where bin/capflow and dist/ are). */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * CPU seconds (user + system) of this process's waited-for children so far, from
 * /proc/self/stat (cutime + cstime, in clock ticks of 1/100 s); null off Linux.
 *
 * @example const before = childrenCpuSeconds(); spawnSync(...); const cpu = childrenCpuSeconds()! - before!;
 */
export function childrenCpuSeconds(): number | null {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from the 3rd (state) on
    return (Number(fields[13]) + Number(fields[14])) / 100; // cutime, cstime: fields 16 and 17
  } catch {
    return null;
  }
}

/**
 * Runs `./bin/capflow …args` as a user would (a new process on dist/) and returns its wall
 * clock from spawn to exit, its CPU time (all its threads; null off Linux) and its stdout;
 * throws when it exits non-zero.
 *
 * @example const { seconds, cpuSeconds, stdout } = timeCli(['run', 'examples/fund.yaml', '--json']);
 */
export function timeCli(args: string[]): { seconds: number; cpuSeconds: number | null; stdout: string } {
  const cpu0 = childrenCpuSeconds();
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/capflow'), ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const seconds = (performance.now() - t0) / 1000;
  const cpu1 = childrenCpuSeconds();
  if (r.status !== 0) throw new Error(`capflow ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { seconds, cpuSeconds: cpu0 === null || cpu1 === null ? null : cpu1 - cpu0, stdout: r.stdout };
}
