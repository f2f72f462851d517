import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { drawdownSeries, maxDrawdown, mean, quantileSorted, sortAscending, std, summarize, summarizeAll } from '../../src/market/stats.ts';

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

  it('sorts exactly as Float64Array.prototype.sort does: −0 before +0, NaN last, infinities, subnormals (property)', () => {
    const special = fc.constantFrom(0, -0, NaN, Infinity, -Infinity, Number.MIN_VALUE, -Number.MIN_VALUE, Number.MAX_VALUE, -Number.MAX_VALUE, 1, -1);
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.double(), special), { maxLength: 300 }), (values) => {
        const expected = Float64Array.from(values).sort();
        const got = sortAscending(Float64Array.from(values));
        expect(got.length).toBe(expected.length);
        got.forEach((v, i) => expect(Object.is(v, expected[i]), `index ${i}: ${v} vs ${expected[i]}`).toBe(true));
      }),
    );
    const buffer = Float64Array.of(9, 3, -0, 0, -2, 7); // a view in the middle of a buffer: only the view is sorted
    expect(Array.from(sortAscending(buffer.subarray(1, 5)))).toEqual([-2, -0, 0, 3]);
    expect(Object.is(buffer[2], -0)).toBe(true);
    expect([buffer[0], buffer[5]]).toEqual([9, 7]);
  });

  it('gives, bit for bit, the summary of the built-in sort (property)', () => {
    const reference = (values: number[]) => {
      const sorted = Float64Array.from(values).sort();
      const s = std(sorted);
      const q = (p: number) => quantileSorted(sorted, p);
      return { mean: mean(sorted), std: s, sem: s / Math.sqrt(sorted.length), min: sorted[0], max: sorted[sorted.length - 1], p5: q(0.05), p25: q(0.25), p50: q(0.5), p75: q(0.75), p95: q(0.95) };
    };
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.double({ noNaN: true, min: -1e9, max: 1e9 }), fc.constantFrom(0, -0, 1e-300, -1e-300)), { minLength: 1, maxLength: 300 }), (values) => {
        const got = summarize(values);
        const expected = reference(values);
        for (const key of Object.keys(expected) as Array<keyof typeof expected>) expect(Object.is(got[key], expected[key]), key).toBe(true);
      }),
    );
  });
});

describe('drawdown of a value series', () => {
  it('is the fall from the running peak, 0 when the series never falls', () => {
    expect(Array.from(drawdownSeries([1, 1.1, 0.99, 1.2]))).toEqual([0, 0, 0.99 / 1.1 - 1, 0]);
    expect(maxDrawdown([1, 1.1, 0.99, 1.2])).toBe(0.99 / 1.1 - 1);
    expect(maxDrawdown([1, 2, 3])).toBe(0);
  });
  it('maxDrawdown is the minimum of drawdownSeries (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0.01, max: 100, noNaN: true }), { minLength: 1, maxLength: 50 }), (values) => {
        expect(maxDrawdown(values)).toBe(drawdownSeries(values).reduce((a, b) => Math.min(a, b), 0));
      }),
    );
  });
});
