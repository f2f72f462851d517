/**
 * Helpers shared by the benchmarks (not a benchmark itself: bench/run.ts loads only *.bench.ts).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (where bin/capflow and dist/ are). */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Runs `./bin/capflow …args` as a user would (a new process on dist/) and returns its wall
 * clock from spawn to exit and its stdout; throws when it exits non-zero.
 *
 * @example const { seconds, stdout } = timeCli(['run', 'examples/fund.yaml', '--json']);
 */
export function timeCli(args: string[]): { seconds: number; stdout: string } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/capflow'), ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`capflow ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { seconds, stdout: r.stdout };
}
