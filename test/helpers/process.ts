import { spawn, type ChildProcess } from 'node:child_process';
import { ROOT } from './cli.ts';

/** What an asynchronous run of ./bin/capflow did. */
export interface SpawnedResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Wall time from spawn to exit, ms. */
  ms: number;
}

/**
 * Runs `./bin/capflow ...args` as a real child process without blocking the test (so several
 * can run at once). `killAfterMs` sends `signal` (default SIGKILL) unless it is done by then;
 * `onStderr` sees stderr as it comes (with the child, to kill it at a moment of its choosing).
 *
 * @example const r = await spawnCli(['treasury', 'show', '--db', db, '--json']); expect(r.code).toBe(0);
 */
export function spawnCli(
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; killAfterMs?: number; signal?: NodeJS.Signals; onStderr?: (text: string, child: ChildProcess) => void } = {},
): Promise<SpawnedResult> {
  const started = Date.now();
  const child = spawn(process.execPath, [`${ROOT}bin/capflow`, ...args], { cwd: ROOT, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
    opts.onStderr?.(d, child);
  });
  const timer = opts.killAfterMs === undefined ? null : setTimeout(() => child.kill(opts.signal ?? 'SIGKILL'), opts.killAfterMs);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      if (timer !== null) clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/**
 * A seeded uniform in [0, 1) (an LCG): random moments that are the same on every run.
 *
 * @example const random = seeded(15); const killAfterMs = random() * 1000;
 */
export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
