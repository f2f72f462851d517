import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import { UserError } from '../../src/core/errors.ts';
import { fillConstant, fillMeanReverting, fillRateProcess, fillSeries, fillSinusoid, meanRevertingCoefficients } from '../../src/market/processes.ts';

describe('rate processes', () => {
  it('constant, series and sinusoid', () => {
    expect(Array.from(fillConstant(new Float64Array(3), 0.02))).toEqual([0.02, 0.02, 0.02]);
    expect(Array.from(fillSeries(new Float64Array(2), [0.03, 0.01, 0]))).toEqual([0.03, 0.01]);
    expect(() => fillSeries(new Float64Array(4), [0.03], 'params.x.values')).toThrow(UserError);
    const s = fillSinusoid(new Float64Array(31), 0.02, 0.005, 30);
    expect(s[0]).toBe(0.02);
    expect(s[1]).toBe(0.02 + 0.005 * Math.sin((2 * Math.PI) / 30)); // the closed-loop vector's formula
    expect(s[30]).toBeCloseTo(0.02, 15);
  });

  it('OU coefficients are the exact discretisation', () => {
    const { decay, noiseStd } = meanRevertingCoefficients(12, 0.1, 1 / 365);
    expect(decay).toBeCloseTo(Math.exp(-12 / 365), 15);
    expect(noiseStd).toBeCloseTo(0.1 * Math.sqrt((1 - Math.exp(-24 / 365)) / 24), 15);
    expect(meanRevertingCoefficients(0, 0.2, 0.25)).toEqual({ decay: 1, noiseStd: 0.1 });
  });

  it('OU paths have the exact conditional mean and variance (many paths, one step of 30 days)', () => {
    const p = { level: 0.05, speed: 12, vol: 0.1, dtYears: 30 / 365, initial: 0.01 };
    const rng = Rng.stream(11, 0);
    const out = new Float64Array(2);
    const n = 50_000;
    let sum = 0;
    let sq = 0;
    for (let k = 0; k < n; k++) {
      fillMeanReverting(out, p, rng);
      sum += out[1];
      sq += out[1] * out[1];
    }
    const mean = sum / n;
    const variance = sq / n - mean * mean;
    const decay = Math.exp(-p.speed * p.dtYears);
    const expectedVar = (p.vol ** 2 * (1 - decay ** 2)) / (2 * p.speed);
    expect(Math.abs(mean - (p.level + (p.initial - p.level) * decay))).toBeLessThan(5 * Math.sqrt(expectedVar / n));
    expect(Math.abs(variance / expectedVar - 1)).toBeLessThan(0.03);
  });

  it('OU stationary variance vol²/(2·speed) along one long daily path', () => {
    const p = { level: 0.05, speed: 12, vol: 0.1, dtYears: 1 / 365 };
    const path = fillMeanReverting(new Float64Array(400_000), p, Rng.stream(3, 1));
    let sum = 0;
    let sq = 0;
    for (const x of path) {
      sum += x;
      sq += x * x;
    }
    const mean = sum / path.length;
    expect(mean).toBeCloseTo(0.05, 3);
    expect(sq / path.length - mean * mean).toBeCloseTo(0.01 / 24, 4);
  });

  it('is seeded and dispatches by kind', () => {
    const spec = { kind: 'meanReverting', level: 0.04, speed: 5, vol: 0.05 } as const;
    const a = fillRateProcess(new Float64Array(10), spec, 1 / 365, Rng.stream(1, 2));
    const b = fillRateProcess(new Float64Array(10), spec, 1 / 365, Rng.stream(1, 2));
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(a[0]).toBe(0.04);
    expect(fillRateProcess(new Float64Array(2), { kind: 'series', values: [1, 2] }, 1, Rng.fromSeed(1))[1]).toBe(2);
  });
});
