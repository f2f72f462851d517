import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mean, quantileSorted, std, summarize, summarizeAll } from '../../src/market/stats.ts';

describe('summary statistics', () => {
  it('matches numpy on a small sample (mean, std ddof=1, linear percentiles)', () => {
    // numpy: np.mean, np.std(ddof=1), np.percentile(x, [5, 25, 50, 75, 95]) of 1..10
    const s = summarize(Float64Array.from({ length: 10 }, (_, i) => 10 - i));
    expect(s.mean).toBe(5.5);
    expect(s.std).toBeCloseTo(3.0276503540974917, 14);
    expect(s.sem).toBeCloseTo(3.0276503540974917 / Math.sqrt(10), 14);
    expect([s.min, s.max]).toEqual([1, 10]);
    expect([s.p5, s.p25, s.p50, s.p75, s.p95].map((v) => Number(v.toFixed(12)))).toEqual([1.45, 3.25, 5.5, 7.75, 9.55]);
  });

  it('handles one value and rejects none', () => {
    expect(summarize([3])).toMatchObject({ mean: 3, std: 0, sem: 0, min: 3, max: 3, p5: 3, p95: 3 });
    expect(() => summarize([])).toThrow(RangeError);
  });

  it('does not modify its input and orders the percentiles (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 200 }), (values) => {
        const input = Float64Array.from(values);
        const copy = Float64Array.from(values);
        const s = summarize(input);
        expect(input).toEqual(copy);
        const ordered = [s.min, s.p5, s.p25, s.p50, s.p75, s.p95, s.max];
        for (let i = 1; i < ordered.length; i++) expect(ordered[i]).toBeGreaterThanOrEqual(ordered[i - 1]);
        expect(s.mean).toBeGreaterThanOrEqual(s.min - 1e-9);
        expect(s.mean).toBeLessThanOrEqual(s.max + 1e-9);
      }),
    );
  });

  it('exposes its parts', () => {
    expect(mean([1, 2, 3])).toBe(2);
    expect(std([1, 2, 3])).toBe(1);
    expect(quantileSorted([0, 10], 0.25)).toBe(2.5);
    expect(summarizeAll({ a: [1, 3], b: [2] })).toMatchObject({ a: { mean: 2 }, b: { mean: 2 } });
  });
});
