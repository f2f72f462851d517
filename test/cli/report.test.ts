import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkPageInChromium } from '../helpers/browser.ts';
import { ROOT, runCli, runCliJson } from '../helpers/cli.ts';

const SCREENSHOTS = join(ROOT, 'out', 'test-screenshots');

describe('capflow run --report and capflow report', () => {
  const dir = mkdtempSync(join(tmpdir(), 'capflow-report-'));
  const results = join(dir, 'fund.duckdb');
  const first = join(dir, 'first');

  it('writes report.html, summary.json and nav.png for a Monte Carlo study of the fund', () => {
    const r = runCliJson(['run', 'examples/fund.yaml', '--runs', '24', '--workers', '2', '--out', results, '--report', first]);
    expect(r.code).toBe(0);
    expect(r.json.report.html).toBe(join(first, 'report.html'));
    const summary = JSON.parse(readFileSync(join(first, 'summary.json'), 'utf8'));
    for (const key of ['finalNavUsd', 'finalSharePrice', 'totalReturn', 'cagr', 'volatility', 'sharpe', 'sortino', 'maxDrawdown', 'calmar', 'shortfallDays', 'realisedYieldByVenue']) {
      expect(summary).toHaveProperty(key);
    }
    expect(summary.runs).toBe(24);
    // examples/fund.yaml benchmarks the fund against aave-usdc, which is then the risk-free rate
    expect(summary.benchmark.name).toBe('aave-usdc');
    expect(summary.riskFree.name).toBe('benchmark (aave-usdc)');
    expect(summary.informationRatio ?? summary.benchmark.informationRatio).toBeCloseTo(summary.sharpe, 9);
    expect(summary.liquidity.withdrawablePct).toHaveLength(4);
    expect(summary.monthlyReturns[0].months).toHaveLength(12);
    expect(summary.monteCarlo.totalReturn.p95).toBeGreaterThanOrEqual(summary.monteCarlo.totalReturn.p5);
    expect(statSync(join(first, 'nav.png')).size).toBeGreaterThan(20_000);
    expect(readFileSync(join(first, 'nav.png')).subarray(1, 4).toString()).toBe('PNG');
  });

  it('renders every chart in headless chromium with no console error', async () => {
    mkdirSync(SCREENSHOTS, { recursive: true }); // kept under out/ for people to look at
    const check = await checkPageInChromium(join(first, 'report.html'), join(SCREENSHOTS, 'fund-report.png'));
    expect(check.consoleErrors).toEqual([]);
    expect(check.charts.map((c) => c.id)).toEqual([
      'chart-nav',
      'chart-benchmark',
      'chart-fees',
      'chart-costs',
      'chart-apy',
      'chart-allocation',
      'chart-yield',
      'chart-sleeve',
      'chart-rolling',
      'chart-drawdown',
      'chart-flows',
      'chart-queue',
      'chart-liquidity',
      'chart-fan',
      'chart-nav-fan',
      'chart-return-hist',
      'chart-drawdown-hist',
    ]);
    for (const c of check.charts) {
      expect(c.width, c.id).toBeGreaterThan(300);
      expect(c.height, c.id).toBeGreaterThan(150);
      expect(c.paths, c.id).toBeGreaterThan(3);
    }
    expect(statSync(join(SCREENSHOTS, 'fund-report.png')).size).toBeGreaterThan(50_000);
  });

  it('rebuilds the same report from the stored results', () => {
    const again = join(dir, 'again');
    const r = runCli(['report', results, '--report', again]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`report: ${join(again, 'report.html')}`);
    expect(readFileSync(join(again, 'summary.json'), 'utf8')).toBe(readFileSync(join(first, 'summary.json'), 'utf8'));
    expect(existsSync(join(again, 'nav.png'))).toBe(true);
  });

  it('rebuilds it against another benchmark and risk-free rate', () => {
    const other = join(dir, 'other');
    const r = runCliJson(['report', results, '--report', other, '--benchmark', '0.05', '--risk-free-rate', '0.03']);
    expect(r.code).toBe(0);
    expect(r.json.summary.benchmark.name).toBe('5.00% a year');
    expect(r.json.summary.benchmark.benchmarkCagr).toBeCloseTo(0.05, 12);
    expect(r.json.summary.riskFree.annualRate).toBeCloseTo(0.03, 12);
    const venue = runCliJson(['report', results, '--report', other, '--benchmark', 'steakhouse-usdc']);
    expect(venue.json.summary.benchmark.name).toBe('steakhouse-usdc');
    expect(venue.json.summary.riskFree.name).toBe('benchmark (steakhouse-usdc)');
    for (const [flag, value] of [['--benchmark', 'nowhere'], ['--benchmark', '-3'], ['--risk-free-rate', 'four']]) {
      const bad = runCliJson(['report', results, '--report', join(dir, 'bad'), flag, value]);
      expect(bad.code, `${flag} ${value}`).toBe(2);
      expect(bad.json.error.field).toBe(flag);
    }
    expect(existsSync(join(dir, 'bad'))).toBe(false);
  });

  it('exits 2 naming the field for bad input, writing nothing', () => {
    const nowhere = join(dir, 'nowhere');
    const missing = runCliJson(['report', join(dir, 'missing.duckdb'), '--report', nowhere]);
    expect(missing.code).toBe(2);
    expect(missing.json.error.field).toBe('<results.duckdb>');
    const notDuck = join(dir, 'not.duckdb');
    writeFileSync(notDuck, 'not a database');
    expect(runCli(['report', notDuck, '--report', nowhere]).code).toBe(2);
    expect(existsSync(nowhere)).toBe(false);
    const noDir = runCli(['report', results]);
    expect(noDir.code).toBe(2);
    expect(noDir.stderr).toMatch(/--report/);
    const cam = runCliJson(['run', 'examples/cam.yaml', '--report', nowhere]);
    expect(cam.code).toBe(2);
    expect(cam.json.error.field).toBe('--report');
  });
});
