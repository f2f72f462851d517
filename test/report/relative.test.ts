import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import fixture from '../fixtures/metrics.json' with { type: 'json' };
import { returnMetrics } from '../../src/report/metrics.ts';
import { activeMetrics, apyReturns, constantReturns, growthCurve, periodRate, riskAdjusted } from '../../src/report/relative.ts';

const met01 = fixture.vectors.find((v) => v.id === 'MET-01') as any;

describe('Sharpe and Sortino over a risk-free rate', () => {
  it('with rf = 0 are the QuantStats reference numbers (MET-01)', () => {
    const r = met01.inputs.daily_returns as number[];
    const m = riskAdjusted(r, new Float64Array(r.length), 365);
    expect(Math.abs(m.sharpe - met01.expected.sharpe)).toBeLessThan(1e-9 * met01.expected.sharpe);
    expect(Math.abs(m.sortino - met01.expected.sortino)).toBeLessThan(1e-9 * met01.expected.sortino);
  });

  it('match a hand calculation with a constant rf', () => {
    // excess = [0.005, 0.015, -0.015]: mean 1/600, sample variance 7/30000, downside 0.015²/3
    const m = riskAdjusted([0.01, 0.02, -0.01], [0.005, 0.005, 0.005], 365);
    const mean = 1 / 600;
    expect(m.meanExcessReturn).toBeCloseTo(mean, 15);
    expect(m.sharpe).toBeCloseTo((mean / Math.sqrt(7 / 30000)) * Math.sqrt(365), 12);
    expect(m.sortino).toBeCloseTo((mean / Math.sqrt(0.015 ** 2 / 3)) * Math.sqrt(365), 12);
    expect(m.sharpe).toBeCloseTo(2.0845, 4);
  });

  it('equal the rf-0 metrics of the shifted series (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -0.05, max: 0.05, noNaN: true }), { minLength: 3, maxLength: 60 }), fc.double({ min: -0.001, max: 0.001, noNaN: true }), (rs, rf) => {
        const shifted = returnMetrics(rs.map((r) => r - rf), 365);
        const m = riskAdjusted(rs, new Float64Array(rs.length).fill(rf), 365);
        if (Number.isFinite(shifted.sharpe)) expect(m.sharpe).toBeCloseTo(shifted.sharpe, 6);
        if (Number.isFinite(shifted.sortino)) expect(m.sortino).toBeCloseTo(shifted.sortino, 6);
      }),
    );
  });

  it('a rate compounds back to itself over a year', () => {
    expect((1 + periodRate(0.05, 365)) ** 365 - 1).toBeCloseTo(0.05, 12);
    expect(constantReturns(0.05, 3)).toEqual(new Float64Array(3).fill(periodRate(0.05)));
    // day t accrues at day t−1's APY
    const r = apyReturns([0.05, 0.1, 0.2]);
    expect(r.length).toBe(2);
    expect(r[0]).toBeCloseTo(1.05 ** (1 / 365) - 1, 15);
    expect(r[1]).toBeCloseTo(1.1 ** (1 / 365) - 1, 15);
    expect(Array.from(growthCurve([0.1, -0.5]))).toEqual([1, 1.1, 0.55]);
  });
});

describe('the fund against a benchmark', () => {
  it('matches a hand calculation', () => {
    // active = [0.005, 0.01]: mean 0.0075, sample std 0.0025·√2
    const m = activeMetrics([0.01, 0.02], [0.005, 0.01], 2 / 365);
    expect(m.trackingError).toBeCloseTo(0.0025 * Math.SQRT2 * Math.sqrt(365), 12);
    expect(m.informationRatio).toBeCloseTo((0.0075 / (0.0025 * Math.SQRT2)) * Math.sqrt(365), 10);
    expect(m.excessReturn).toBeCloseTo(1.01 * 1.02 - 1.005 * 1.01, 15);
    expect(m.benchmarkTotalReturn).toBeCloseTo(1.005 * 1.01 - 1, 15);
    expect(m.benchmarkCagr).toBeCloseTo((1.005 * 1.01) ** (365 / 2) - 1, 10);
    expect(m.excessCagr).toBeCloseTo((1.01 * 1.02) ** (365 / 2) - (1.005 * 1.01) ** (365 / 2), 8);
  });

  it('has no tracking error against itself, and the IR is not a number then', () => {
    const m = activeMetrics([0.01, -0.02, 0.03], [0.01, -0.02, 0.03], 3 / 365);
    expect(m.trackingError).toBe(0);
    expect(m.informationRatio).toBeNaN();
    expect(m.excessReturn).toBe(0);
  });

  it('refuses series of different lengths', () => {
    expect(() => activeMetrics([0.01], [0.01, 0.02], 1)).toThrow(/different lengths/);
  });
});
