import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadFundResult } from '../../src/scenarios/fund/store.ts';
import { runCli, runCliJson, ROOT } from '../helpers/cli.ts';

describe('capflow run <fund scenario>', () => {
  const dir = mkdtempSync(join(tmpdir(), 'capflow-fund-cli-'));

  it('runs the default fund year and writes tables that load back', async () => {
    const out = join(dir, 'fund.duckdb');
    const started = performance.now();
    const r = runCliJson(['run', 'examples/fund.yaml', '--out', out, '--seed', '7']);
    const seconds = (performance.now() - started) / 1000;
    expect(r.code).toBe(0);
    expect(r.json.model).toBe('fund');
    expect(r.json.days).toBe(365);
    expect(r.json.runs).toBe(1);
    expect(r.json.seed).toBe(7);
    expect(seconds).toBeLessThan(20); // the 5 s target is measured by bench/fund.bench.ts on a quiet machine
    const loaded = await loadFundResult(out);
    expect(loaded.seed).toBe(7);
    expect(loaded.detail.navUsd[365]).toBe(r.json.summary.finalNavUsd);
    expect(loaded.detail.sharePrice[365]).toBe(r.json.summary.finalSharePrice);
  });

  it('prints a summary table', () => {
    const r = runCli(['run', 'examples/fund.yaml', '--runs', '3', '--workers', '1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/final NAV\s+[\d,.]+\s+USD/);
    expect(r.stdout).toMatch(/return p5 \/ p50 \/ p95/);
  });

  it('exits 2 naming the path of a bad scenario field', () => {
    const text = readFileSync(join(ROOT, 'examples/fund.yaml'), 'utf8');
    const cases: [string, string][] = [
      [text.replace('sharePct: 0.15 ', 'sharePct: 0.99 '), 'params.sleeve.sharePct'],
      [text.replace('initialDepositUsd: 5000000', 'initialDepositUsd: -1'), 'params.initialDepositUsd'],
      [text.replace('  redemptions:\n', '  redemptionz: 1\n  redemptions:\n'), 'params.redemptionz'],
      [text.replace('startDate: 2025-01-01', 'startDate: 2025-13-01'), 'params.startDate'],
    ];
    for (const [body, field] of cases) {
      expect(body).not.toBe(text);
      const file = join(dir, 'bad.yaml');
      writeFileSync(file, body);
      const r = runCli(['run', file]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(field);
    }
  });

  it('exits 2 when --out is not a DuckDB file', () => {
    const r = runCli(['run', 'examples/fund.yaml', '--out', join(dir, 'fund.parquet')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--out');
  });

  it('exits 2 naming --out when its directory is missing', () => {
    const r = runCliJson(['run', 'examples/fund.yaml', '--out', join(dir, 'missing', 'fund.duckdb')]);
    expect(r.code).toBe(2);
    expect(r.json.error.field).toBe('--out');
    expect(r.json.error.message).toMatch(/missing is not there/);
  });

  it('stops a long study on Ctrl-C while this thread is computing runs: exit 130, nothing written', async () => {
    const out = mkdtempSync(join(tmpdir(), 'capflow-fund-int-'));
    const target = join(out, 'fund.duckdb');
    const child = spawn(process.execPath, [`${ROOT}bin/capflow`, 'run', 'examples/fund.yaml', '--runs', '10000', '--workers', '2', '--out', target], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += String(d)));
    const exited = new Promise<{ code: number | null; afterSignalMs: number }>((resolve) => {
      let signalledAt = 0;
      setTimeout(() => {
        signalledAt = Date.now();
        child.kill('SIGINT');
      }, 3000);
      child.on('exit', (code) => resolve({ code, afterSignalMs: Date.now() - signalledAt }));
    });
    const { code, afterSignalMs } = await exited;
    expect(code, stderr).toBe(130);
    expect(stderr).toMatch(/interrupted/);
    expect(afterSignalMs).toBeLessThan(20_000); // between two batches, not after 10,000 runs
    expect(existsSync(target)).toBe(false);
    expect(readdirSync(out)).toEqual([]);
  }, 120_000);
});
