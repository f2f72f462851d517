/**
 * market/history: horizon, growth factors, the stationary block bootstrap (same seed → same
 * path; venues share source days; block lengths geometric with the asked mean; every source
 * day equally likely, so the marginal distribution is kept) and stale/anomalous flags.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import {
  bootstrapHistories,
  commonHorizon,
  compoundedGrowth,
  DEFAULT_QUALITY,
  growthFactors,
  HISTORY_BOOTSTRAP_STREAM,
  resamplePrices,
  stationaryBootstrapIndices,
  venueDataFlags,
  type VenueHistory,
} from '../../src/market/history/index.ts';
import { caughtUserError } from '../helpers/errors.ts';

function history(venue: string, returns: number[], tvl?: number[]): VenueHistory {
  const n = returns.length;
  const dates = Array.from({ length: n }, (_, i) => new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10));
  return {
    venue,
    dates,
    dailyReturn: Float64Array.from(returns, (r, i) => (i === 0 ? 0 : r)),
    apy: Float64Array.from(returns, (r) => Math.pow(1 + r, 365) - 1),
    tvlUsd: Float64Array.from(tvl ?? returns.map(() => NaN)),
    availableLiquidityUsd: Float64Array.from(tvl ?? returns.map(() => NaN), (x) => x / 2),
    ageDays: new Float64Array(n),
  };
}

describe('horizon and growth', () => {
  it('the horizon is the latest start to the earliest end, cut to from/to', () => {
    const ranges = [
      { name: 'a', firstDate: '2024-01-01', lastDate: '2024-12-31' },
      { name: 'b', firstDate: '2024-03-01', lastDate: '2025-06-30' },
    ];
    expect(commonHorizon(ranges)).toEqual({ from: '2024-03-01', to: '2024-12-31' });
    expect(commonHorizon(ranges, '2024-06-01', '2024-07-01')).toEqual({ from: '2024-06-01', to: '2024-07-01' });
    expect(caughtUserError(() => commonHorizon(ranges, '2025-01-01')).message).toContain('no day in common: a 2024-01-01..2024-12-31, b 2024-03-01..2025-06-30; asked 2025-01-01..…');
  });

  it('growth factors start at 1 and compound to the product of (1 + return)', () => {
    const h = history('a', [0.5, 0.01, -0.02, 0.03]);
    expect(Array.from(growthFactors(h))).toEqual([1, 1.01, 0.98, 1.03]);
    expect(compoundedGrowth(h)).toBe(1.01 * 0.98 * 1.03);
  });
});

describe('stationary block bootstrap', () => {
  const a = history('a', Array.from({ length: 200 }, (_, i) => Math.sin(i) * 0.001), Array.from({ length: 200 }, (_, i) => 1e6 + i * 1e4));
  const b = history('b', Array.from({ length: 200 }, (_, i) => Math.cos(i) * 0.002));

  it('the same seed gives the same path; another seed another', () => {
    const p1 = bootstrapHistories([a, b], { days: 365, meanBlockDays: 10 }, Rng.named(7, 0, HISTORY_BOOTSTRAP_STREAM));
    const p2 = bootstrapHistories([a, b], { days: 365, meanBlockDays: 10 }, Rng.named(7, 0, HISTORY_BOOTSTRAP_STREAM));
    const p3 = bootstrapHistories([a, b], { days: 365, meanBlockDays: 10 }, Rng.named(7, 1, HISTORY_BOOTSTRAP_STREAM));
    expect(p2).toEqual(p1);
    expect(Array.from(p3.sourceDay)).not.toEqual(Array.from(p1.sourceDay));
  });

  it('every venue copies the same source day (joint resampling keeps correlation); TVL moves by the source day\'s ratio', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 1, max: 400 }), fc.double({ min: 1, max: 60, noNaN: true }), (seed, days, mean) => {
        const p = bootstrapHistories([a, b], { days, meanBlockDays: mean }, Rng.fromSeed(seed));
        expect(p.sourceDay.length).toBe(days + 1);
        for (let t = 0; t <= days; t++) {
          const s = p.sourceDay[t];
          expect(s >= 1 && s <= 199).toBe(true);
          expect(p.venues[0].apy[t]).toBe(a.apy[s]);
          expect(p.venues[1].apy[t]).toBe(b.apy[s]);
          if (t > 0) {
            expect(p.venues[0].dailyReturn[t]).toBe(a.dailyReturn[s]);
            expect(p.venues[1].dailyReturn[t]).toBe(b.dailyReturn[s]);
            expect(p.venues[0].tvlUsd[t] / p.venues[0].tvlUsd[t - 1]).toBeCloseTo(a.tvlUsd[s] / a.tvlUsd[s - 1], 12);
          }
          expect(p.venues[0].availableLiquidityUsd[t]).toBeCloseTo(p.venues[0].tvlUsd[t] / 2, 6);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('blocks continue with probability 1 − 1/meanBlockDays, wrapping from the last day to day 1', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.constantFrom(2, 5, 20), (seed, mean) => {
        const n = 50;
        const idx = stationaryBootstrapIndices(n, 40_000, mean, Rng.fromSeed(seed));
        let continued = 0;
        for (let t = 1; t < idx.length; t++) if (idx[t] === (idx[t - 1] === n - 1 ? 1 : idx[t - 1] + 1)) continued++;
        // a new block may land on the continuation by chance (probability 1/(n − 1))
        const expected = 1 - 1 / mean + (1 / mean) * (1 / (n - 1));
        expect(Math.abs(continued / (idx.length - 1) - expected)).toBeLessThan(0.015);
      }),
      { numRuns: 12 },
    );
  });

  it('keeps the marginal distribution: every source day equally likely, so the path\'s return quantiles match the source\'s', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.array(fc.double({ min: -0.01, max: 0.01, noNaN: true }), { minLength: 30, maxLength: 60 }), (seed, returns) => {
        const h = history('x', [0, ...returns]);
        const p = bootstrapHistories([h], { days: 60_000, meanBlockDays: 8 }, Rng.fromSeed(seed));
        const counts = new Array<number>(h.dates.length).fill(0);
        for (let t = 1; t < p.sourceDay.length; t++) counts[p.sourceDay[t]]++;
        const expected = 60_000 / returns.length;
        for (let s = 1; s < counts.length; s++) expect(Math.abs(counts[s] / expected - 1)).toBeLessThan(0.2);
        const sorted = (xs: ArrayLike<number>): number[] => Array.from(xs).sort((x, y) => x - y);
        const src = sorted(returns);
        const path = sorted(p.venues[0].dailyReturn.subarray(1));
        for (const q of [0.1, 0.5, 0.9]) {
          const i = Math.floor(q * (src.length - 1));
          const j = Math.floor(q * (path.length - 1));
          const lo = src[Math.max(0, i - 3)];
          const hi = src[Math.min(src.length - 1, i + 3)];
          expect(path[j] >= lo && path[j] <= hi).toBe(true);
        }
      }),
      { numRuns: 10 },
    );
  });

  it('moves prices along the same source days, by each source day\'s ratio', () => {
    const prices = { asset: 'ETH', dates: a.dates, price: Float64Array.from(a.dates, (_, i) => 1000 + 10 * i) };
    const p = bootstrapHistories([a], { days: 100, meanBlockDays: 5 }, Rng.fromSeed(3));
    const path = resamplePrices(prices, p.sourceDay);
    expect(path[0]).toBe(prices.price[p.sourceDay[0]]);
    for (let t = 1; t <= 100; t++) expect(path[t] / path[t - 1]).toBeCloseTo(prices.price[p.sourceDay[t]] / prices.price[p.sourceDay[t] - 1], 12);
  });

  it('refuses histories over different days and a mean block below 1', () => {
    const short = history('s', [0, 0.001]);
    expect(caughtUserError(() => bootstrapHistories([a, short], { days: 5, meanBlockDays: 5 }, Rng.fromSeed(1))).message).toContain('not the same days as a');
    expect(caughtUserError(() => bootstrapHistories([a], { days: 5, meanBlockDays: 0.5 }, Rng.fromSeed(1))).field).toBe('meanBlockDays');
  });
});

describe('stale and anomalous days', () => {
  const apy = Array.from({ length: 40 }, (_, i) => 0.08 + (i % 3) * 0.001);

  it('flags a day whose observation is older than maxStaleDays as stale', () => {
    const ageDays = apy.map((_, i) => (i >= 20 && i < 24 ? i - 19 : 0));
    const flags = venueDataFlags({ apy, ageDays }, { ...DEFAULT_QUALITY, maxStaleDays: 2 });
    expect(flags.slice(19, 25)).toEqual([null, null, null, 'stale', 'stale', null]);
  });

  it('flags an APY further than k MADs from the trailing median as anomalous, not a normal move', () => {
    const spiked = [...apy];
    spiked[30] = 0.4;
    spiked[35] = 0.0; // a 0 that stands for a missing value (DefiLlama)
    const flags = venueDataFlags({ apy: spiked, ageDays: new Array(40).fill(0) }, DEFAULT_QUALITY);
    expect(flags.map((f, i) => (f === null ? null : [i, f]))).toEqual(flags.map((_, i) => (i === 30 || i === 35 ? [i, 'anomalous'] : null)));
    const loose = venueDataFlags({ apy: spiked, ageDays: new Array(40).fill(0) }, { ...DEFAULT_QUALITY, madMultiple: 1000 });
    expect(loose.every((f) => f === null)).toBe(true);
  });

  it('needs minWindowDays known values before testing, and checks its parameters', () => {
    const flags = venueDataFlags({ apy: [0.05, 0.9, 0.05], ageDays: [0, 0, 0] }, DEFAULT_QUALITY);
    expect(DEFAULT_QUALITY).toMatchObject({ madMultiple: 10, minMadApy: 0.005 });
    expect(flags).toEqual([null, null, null]);
    expect(caughtUserError(() => venueDataFlags({ apy: [], ageDays: [] }, { ...DEFAULT_QUALITY, windowDays: 1 })).field).toBe('windowDays');
  });
});
