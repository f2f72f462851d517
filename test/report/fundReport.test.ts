import { describe, expect, it } from 'vitest';
import { fundReportDocument, fundReportFiles, fundSummary, fundSummaryRows, realisedYield } from '../../src/report/fundReport.ts';
import { periodReturns, returnMetrics } from '../../src/report/metrics.ts';
import { syntheticFundResult } from '../helpers/fundResult.ts';

describe('fund report', () => {
  const single = syntheticFundResult(1, 90);
  const study = syntheticFundResult(20, 90);

  it('summarises share-price returns over the exact span', () => {
    const s = fundSummary(single);
    const m = returnMetrics(periodReturns(single.detail.sharePrice), 365, 90 / 365);
    expect(s.totalReturn).toBeCloseTo(m.totalReturn, 14);
    expect(s.sharpe).toBeCloseTo(m.sharpe, 12);
    expect(s.years).toBeCloseTo(90 / 365, 14);
    expect(s.finalNavUsd).toBe(single.detail.navUsd[90]);
    expect(s.shortfallDays).toBe(1);
    expect(s.endDate).toBe('2025-04-01');
    expect(s.monteCarlo).toBeUndefined();
    expect(Object.keys(s.realisedYieldByVenue)).toEqual(['aave-usdc', 'morpho-usdc']);
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
    expect(one.charts.map((c) => c.id)).toEqual(['chart-nav', 'chart-allocation', 'chart-cash', 'chart-yield', 'chart-sleeve', 'chart-drawdown']);
    const many = fundReportDocument(study, fundSummary(study));
    expect(many.charts.map((c) => c.id)).toContain('chart-fan');
    expect(many.charts.map((c) => c.id)).toContain('chart-return-hist');
    expect(many.charts.map((c) => c.id)).toContain('chart-drawdown-hist');
    expect(many.metrics.map((m) => m.label)).toContain('Calmar (run 0)');
    expect(one.metrics.map((m) => m.label)).toContain('Calmar');
    // Only decisions that trade are listed.
    expect(one.tables[0].rows.every((r) => r[7] !== 'none')).toBe(true);
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
});
