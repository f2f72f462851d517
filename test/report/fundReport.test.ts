import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.ts';
import { fundMetricRows, fundReportDocument, fundReportFiles, fundSummary, fundSummaryRows, monthlyReturnsTable, realisedYield, returnColor } from '../../src/report/fundReport.ts';
import { periodReturns, returnMetrics } from '../../src/report/metrics.ts';
import { syntheticFundResult } from '../helpers/fundResult.ts';

/** Sample std (n − 1), written out here independently of src/. */
function sampleStd(xs: number[]): number {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1));
}

const FUND_CHARTS = ['chart-nav', 'chart-benchmark', 'chart-fees', 'chart-costs', 'chart-apy', 'chart-allocation', 'chart-yield', 'chart-sleeve', 'chart-rolling', 'chart-drawdown', 'chart-flows', 'chart-queue', 'chart-liquidity'];

describe('fund report', () => {
  const single = syntheticFundResult(1, 90);
  const study = syntheticFundResult(20, 90);

  it('summarises share-price returns over the exact span', () => {
    const s = fundSummary(syntheticFundResult(1, 90, null));
    const m = returnMetrics(periodReturns(single.detail.sharePrice), 365, 90 / 365);
    expect(s.totalReturn).toBeCloseTo(m.totalReturn, 14);
    expect(s.sharpe).toBeCloseTo(m.sharpe, 12); // no benchmark, no riskFreeRate: rf 0, and it says so
    expect(s.riskFree.name).toBe('0');
    expect(s.riskFree.annualRate).toBe(0);
    expect(s.benchmark).toBeNull();
    expect(s.years).toBeCloseTo(90 / 365, 14);
    expect(s.finalNavUsd).toBe(single.detail.navUsd[90]);
    expect(s.shortfallDays).toBe(1);
    expect(s.endDate).toBe('2025-04-01');
    expect(s.monteCarlo).toBeUndefined();
    expect(Object.keys(s.realisedYieldByVenue)).toEqual(['aave-usdc', 'morpho-usdc', 'lagoon-usdc']);
  });

  it('computes realised yield on time-weighted capital', () => {
    // 1 USD a day on 365 USD held for a year = 100%.
    const days = 365;
    const earned = Float64Array.from({ length: days + 1 }, (_, d) => d);
    const value = new Float64Array(days + 1).fill(365);
    expect(realisedYield(earned, value)).toBeCloseTo(1, 12);
    expect(realisedYield(earned, new Float64Array(days + 1))).toBe(0);
  });

  it('has every single-path chart, plus the Monte Carlo charts for a study', () => {
    const one = fundReportDocument(single, fundSummary(single));
    expect(one.charts.map((c) => c.id)).toEqual(FUND_CHARTS);
    expect(one.charts.every((c) => c.option !== undefined && c.svg.startsWith('<svg'))).toBe(true);
    expect(one.tables.map((t) => t.id)).toEqual(['table-monthly', 'table-shortfall', 'table-liquidity', undefined]);
    const many = fundReportDocument(study, fundSummary(study));
    expect(many.charts.map((c) => c.id)).toContain('chart-fan');
    expect(many.charts.map((c) => c.id)).toContain('chart-return-hist');
    expect(many.charts.map((c) => c.id)).toContain('chart-drawdown-hist');
    expect(many.metrics.map((m) => m.label)).toContain('Calmar (run 0)');
    expect(one.metrics.map((m) => m.label)).toContain('Calmar');
    // Only decisions that trade are listed.
    expect(one.tables[3].rows.every((r) => r[7] !== 'none')).toBe(true);
    // Without a benchmark there is no benchmark chart; without a sleeve no sleeve chart.
    const plain = syntheticFundResult(1, 90, null);
    plain.detail.sleeve.valueUsd.fill(0);
    expect(fundReportDocument(plain, fundSummary(plain)).charts.map((c) => c.id)).toEqual(FUND_CHARTS.filter((id) => id !== 'chart-benchmark' && id !== 'chart-sleeve'));
  });

  it('writes summary.json with every metric under its camelCase name', () => {
    const files = fundReportFiles(study);
    const json = JSON.parse(files.summaryJson);
    for (const key of ['finalNavUsd', 'finalSharePrice', 'totalReturn', 'cagr', 'volatility', 'sharpe', 'sortino', 'maxDrawdown', 'calmar', 'realisedYieldByVenue', 'shortfallDays']) {
      expect(json).toHaveProperty(key);
    }
    expect(json.monteCarlo.totalReturn.p50).toBeTypeOf('number');
    expect(files.mainChartPng.subarray(1, 4).toString()).toBe('PNG');
    expect(fundSummaryRows(files.summary).map((r) => r[0])).toContain('return p5 / p50 / p95');
    expect(fundSummaryRows(files.summary)[0]).toEqual(['single-path metrics of', 'run 0', 'of 20 runs (spread across runs at the end)']);
    expect(files.html).toContain('Final NAV (run 0)');
    expect(fundSummaryRows(fundSummary(single))[0][0]).toBe('final NAV');
  });

  it('measures Sharpe and Sortino over the benchmark by default, and over riskFreeRate when set', () => {
    const d = single.detail;
    const r = Array.from(periodReturns(d.sharePrice));
    const apy = d.venues[0].apy;
    const b = r.map((_, t) => (1 + apy[t]) ** (1 / 365) - 1);
    const excess = r.map((x, t) => x - b[t]);
    const mean = excess.reduce((a, c) => a + c, 0) / excess.length;
    const s = fundSummary(single);
    expect(s.riskFree.name).toBe('benchmark (aave-usdc)');
    expect(s.sharpe).toBeCloseTo((mean / sampleStd(excess)) * Math.sqrt(365), 9);
    const downside = Math.sqrt(excess.reduce((a, x) => a + Math.min(x, 0) ** 2, 0) / excess.length);
    expect(s.sortino).toBeCloseTo((mean / downside) * Math.sqrt(365), 9);
    const benchGrowth = b.reduce((g, x) => g * (1 + x), 1);
    expect(s.riskFree.annualRate).toBeCloseTo(benchGrowth ** (365 / 90) - 1, 12);
    expect(s.benchmark?.benchmarkTotalReturn).toBeCloseTo(benchGrowth - 1, 14);
    expect(s.benchmark?.excessReturn).toBeCloseTo(d.sharePrice[90] / d.sharePrice[0] - benchGrowth, 14);
    expect(s.benchmark?.trackingError).toBeCloseTo(sampleStd(excess) * Math.sqrt(365), 12);
    expect(s.benchmark?.informationRatio).toBeCloseTo(s.sharpe, 12); // rf = benchmark
    const rf = fundSummary(syntheticFundResult(1, 90, { benchmark: 0.05, riskFreeRate: 0.03 }));
    const daily = 1.03 ** (1 / 365) - 1;
    const ex3 = r.map((x) => x - daily);
    expect(rf.sharpe).toBeCloseTo((ex3.reduce((a, c) => a + c, 0) / ex3.length / sampleStd(ex3)) * Math.sqrt(365), 9);
    expect(rf.riskFree.annualRate).toBeCloseTo(0.03, 12);
    expect(rf.benchmark?.name).toBe('5.00% a year');
    expect(rf.benchmark?.benchmarkCagr).toBeCloseTo(0.05, 12);
    expect(rf.benchmark?.trackingError).toBeCloseTo(sampleStd(r) * Math.sqrt(365), 12); // a constant benchmark has no variance
    const sharpeRow = fundMetricRows(rf).find((m) => m.label === 'Sharpe');
    expect(sharpeRow?.definition).toContain('riskFreeRate 3.00% a year');
    expect(sharpeRow?.definition).toContain('√365');
  });

  it('names the field when the benchmark is not a venue', () => {
    const bad = syntheticFundResult(1, 30, { benchmark: 'nowhere' });
    try {
      fundSummary(bad);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(UserError);
      expect((e as UserError).field).toBe('params.report.benchmark');
      expect((e as Error).message).toContain('aave-usdc, morpho-usdc, lagoon-usdc');
    }
  });

  it('sums fees, costs and flows, and reads the liquidity profile of the last day', () => {
    const d = single.detail;
    const s = fundSummary(single);
    const total = (xs: Float64Array): number => xs.reduce((a, b) => a + b, 0);
    expect(s.managementFeesUsd).toBeCloseTo(total(d.managementFeesUsd), 6);
    expect(s.costsUsd).toBe(25 * 3); // days 1, 31, 61
    expect(s.grossTotalReturn).toBeCloseTo(d.grossSharePrice[90] - 1, 14);
    expect(s.finalSharePrice / s.finalGrossSharePrice).toBeCloseTo((1 - 0.01 / 365) ** 90, 12);
    expect(s.totalShortfallUsd).toBe(500);
    expect(s.shortfallDates).toEqual(['2025-01-11']);
    expect(s.maxRedemptionQueueUsd).toBe(4000);
    // now: cash 5% + sleeve 10% + aave 40−5% + morpho 30% + lagoon 15−14%; lagoon's 14% within 7 days; aave's 5% never
    expect(s.liquidity.withdrawablePct.map((p) => Number(p.toFixed(12)))).toEqual([0.81, 0.81, 0.95, 0.95]);
    expect(s.rolling30d.lastReturn).toBeCloseTo(d.sharePrice[90] / d.sharePrice[60] - 1, 14);
  });

  it('shows monthly returns as a year × month table with coloured cells', () => {
    const s = fundSummary(single);
    const t = monthlyReturnsTable(s);
    const d = single.detail;
    const at = (date: string): number => d.sharePrice[d.dates.indexOf(date)];
    expect(t.headers).toEqual(['year', 'Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec', 'year']);
    expect(t.rows[0][1]).toBe(`${((at('2025-01-31') / at('2025-01-01') - 1) * 100).toFixed(2)}%`);
    expect(t.rows[0][3]).toBe(`${((at('2025-03-31') / at('2025-02-28') - 1) * 100).toFixed(2)}%`);
    expect(t.rows[0][4]).toBe(`${((at('2025-04-01') / at('2025-03-31') - 1) * 100).toFixed(2)}%*`); // April: one day
    expect(t.rows[0][13]).toBe(`${((at('2025-04-01') - 1) * 100).toFixed(2)}%`);
    expect(returnColor(0.01)).toMatch(/^rgba\(22, 163, 74/);
    expect(returnColor(-0.01)).toMatch(/^rgba\(220, 38, 38/);
    expect(returnColor(null)).toBeNull();
  });

  it('the terminal summary carries the same new figures as summary.json', () => {
    const s = fundSummary(single);
    const rows = new Map(fundSummaryRows(s).map((r) => [r[0], r]));
    for (const label of ['risk-free rate', 'benchmark return', 'excess return', 'tracking error', 'information ratio', '30-day return last / worst', 'management fees', 'costs', 'longest redemption queue', 'withdrawable now / 1 / 7 / 30 d', 'final gross share price']) {
      expect(rows.has(label), label).toBe(true);
    }
    expect(rows.get('tracking error')?.[1]).toBe(`${((s.benchmark?.trackingError ?? NaN) * 100).toFixed(2)}%`);
    const json = JSON.parse(fundReportFiles(single).summaryJson);
    for (const key of ['riskFree', 'benchmark', 'monthlyReturns', 'rolling30d', 'costsUsd', 'managementFeesUsd', 'performanceFeesUsd', 'finalGrossSharePrice', 'liquidity', 'maxRedemptionQueueUsd', 'shortfallDates']) {
      expect(json, key).toHaveProperty(key);
    }
    expect(json.benchmark.trackingError).toBe(s.benchmark?.trackingError);
  });
});
