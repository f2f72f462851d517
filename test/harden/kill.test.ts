/**
 * SIGKILL at random moments (issue 15): `run --out` and `report`, 20 kills each. After every
 * kill the target is the previous complete file or a complete new one, never a partial one;
 * the next command succeeds and leaves no temporary file behind. Also Ctrl-C: exit 130, nothing
 * written.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inspectDuckDbFile } from '../../src/core/duckdbKind.ts';
import { ROOT } from '../helpers/cli.ts';

const KILLS = Number(process.env.CAPFLOW_KILLS ?? 20);

/** A seeded uniform in [0, 1) (LCG): the kill moments are the same on every run. */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Runs the CLI; kills it with SIGKILL (or `signal`) after `killAfterMs` unless it is done. */
function runAndKill(args: string[], killAfterMs: number | null, signal: NodeJS.Signals = 'SIGKILL'): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number; stderr: string }> {
  const started = Date.now();
  const child = spawn(process.execPath, [`${ROOT}bin/capflow`, ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += String(d)));
  const timer = killAfterMs === null ? null : setTimeout(() => child.kill(signal), killAfterMs);
  return new Promise((resolve) => {
    child.on('exit', (code, sig) => {
      if (timer !== null) clearTimeout(timer);
      resolve({ code, signal: sig, ms: Date.now() - started, stderr });
    });
  });
}

const temps = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith('.tmp') || f.endsWith('.tmp.wal'));

describe('SIGKILL at random moments leaves no partial file', () => {
  it(`run --out: ${KILLS} kills`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'capflow-kill-run-'));
    const target = join(dir, 'fund.duckdb');
    const args = ['run', 'examples/fund.yaml', '--workers', '1', '--out', target];
    const first = await runAndKill(args, null);
    expect(first.code, first.stderr).toBe(0);
    const random = seeded(15);
    let killed = 0;
    for (let i = 0; i < KILLS; i++) {
      const r = await runAndKill(args, Math.floor(random() * first.ms * 0.9));
      if (r.signal === 'SIGKILL') killed++;
      else expect(r.code, r.stderr).toBe(0);
      expect((await inspectDuckDbFile(target)).kind, `after kill ${i}`).toBe('fund-results'); // the old file or the whole new one
    }
    expect(killed).toBeGreaterThanOrEqual(KILLS / 2);
    const next = await runAndKill(args, null);
    expect(next.code, next.stderr).toBe(0);
    expect(temps(dir)).toEqual([]); // the leftovers of the killed runs are gone
    expect(readdirSync(dir)).toEqual(['fund.duckdb']);
  }, 600_000);

  it(`report: ${KILLS} kills`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'capflow-kill-report-'));
    const results = join(dir, 'fund.duckdb');
    const built = await runAndKill(['run', 'examples/fund.yaml', '--workers', '1', '--out', results], null);
    expect(built.code, built.stderr).toBe(0);
    const out = join(dir, 'report');
    const args = ['report', results, '--report', out];
    const first = await runAndKill(args, null);
    expect(first.code, first.stderr).toBe(0);
    const complete = (): void => {
      expect(readFileSync(join(out, 'report.html'), 'utf8').trimEnd().endsWith('</html>')).toBe(true);
      expect(() => JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'))).not.toThrow();
      expect(readFileSync(join(out, 'nav.png')).subarray(-8, -4).toString('latin1')).toBe('IEND');
    };
    const random = seeded(16);
    let killed = 0;
    for (let i = 0; i < KILLS; i++) {
      const r = await runAndKill(args, Math.floor(random() * first.ms * 0.9));
      if (r.signal === 'SIGKILL') killed++;
      else expect(r.code, r.stderr).toBe(0);
      complete();
    }
    expect(killed).toBeGreaterThanOrEqual(KILLS / 2);
    const next = await runAndKill(args, null);
    expect(next.code, next.stderr).toBe(0);
    complete();
    expect(temps(out)).toEqual([]);
    expect(readdirSync(out).sort()).toEqual(['nav.png', 'report.html', 'summary.json']);
  }, 600_000);

  it('Ctrl-C (SIGINT): exit 130, the old file kept, no temporary file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'capflow-int-'));
    const target = join(dir, 'cam.csv');
    const args = ['run', 'examples/cam.yaml', '--runs', '4000', '--workers', '1', '--out', target];
    const r = await runAndKill(args, 2500, 'SIGINT');
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toMatch(/interrupted/);
    expect(existsSync(target)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  }, 120_000);
});
