import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EXACT_DEFAULTS,
  EXACT_OUTPUT_KEYS,
  checkExactParams,
  exactAdvance,
  exactEquity,
  exactInit,
  exactRebalance,
  exactRunSteps,
  exactStep,
  hedgeRatio,
  positionDelta,
  poolAprFromVolume,
  restoreMarginInKind,
  simulateExactPath,
  simulateReferencePath,
  X_COLLATERAL,
  X_FIXED_COSTS,
  X_SHORT_QTY,
  X_SIZE,
  X_TRADE_FEES,
  type ExactParams,
  type ReferenceParams,
} from '../../src/strategies/deltaNeutral.ts';

interface FixturePath {
  scenario: string;
  prices: number[];
  finalsByRebalanceEvery: Record<string, Record<string, number>>;
  seriesByRebalanceEvery?: Record<string, Record<string, number[]>>;
}
const fixture = JSON.parse(readFileSync(new URL('../fixtures/delta-neutral.json', import.meta.url), 'utf8')) as {
  scenario: { pool_APR: number; funding_APR: number; makerFees: number; initBTCinPool: number };
  paths: FixturePath[];
};

/** Vector metric name → capflow output key. */
const KEY_OF: Record<string, string> = {
  roi: 'roi',
  roi_min_along_path: 'roiMin',
  cost_of_neutrality: 'costOfNeutrality',
  pool_money: 'poolMoney',
  short_pnl: 'shortPnl',
  pool_fees: 'poolFees',
  funding_fees: 'fundingFees',
  shorting_fees: 'shortingFees',
  fees_sum: 'feesSum',
  il_final: 'ilFinal',
  il_worst_along_path: 'ilWorst',
  price_ratio_final: 'priceRatioFinal',
};
const SERIES_OF: Record<string, 'totalGain' | 'shortPnl' | 'fundingFees' | 'poolFees' | 'impermanentLoss'> = {
  totalGain: 'totalGain',
  shortPNL: 'shortPnl',
  fundingFees: 'fundingFees',
  poolFees: 'poolFees',
  impermanentLoss: 'impermanentLoss',
};

function referenceParams(rebalanceEvery: number): ReferenceParams {
  const s = fixture.scenario;
  return { poolRatePerStep: s.pool_APR / 365, fundingRatePerStep: s.funding_APR / 365, makerFeePct: s.makerFees, rebalanceEvery, initialQuantity: s.initBTCinPool };
}

const exactParams = (over: Partial<ExactParams> = {}): ExactParams =>
  checkExactParams({ ...EXACT_DEFAULTS, dtYears: 1 / 365, poolApr: 0.2, makerFeePct: 0.0002, takerFeePct: 0.0005, rebalanceEvery: 1, ...over });

describe('reference accounting reproduces the original (vectors delta-neutral.json sample_paths)', () => {
  for (const path of fixture.paths) {
    for (const [every, finals] of Object.entries(path.finalsByRebalanceEvery)) {
      it(`${path.scenario}, rebalance every ${every}: every final metric to 1e-9`, () => {
        const { outputs } = simulateReferencePath(path.prices, referenceParams(Number(every)));
        for (const [metric, expected] of Object.entries(finals)) expect(Math.abs(outputs[KEY_OF[metric]] - expected), metric).toBeLessThan(1e-9);
      });
    }
    for (const [every, series] of Object.entries(path.seriesByRebalanceEvery ?? {})) {
      it(`${path.scenario}, rebalance every ${every}: the per-step series to 1e-9`, () => {
        const { series: got } = simulateReferencePath(path.prices, referenceParams(Number(every)));
        for (const [name, expected] of Object.entries(series)) {
          const values = got[SERIES_OF[name]];
          expect(values).toHaveLength(expected.length);
          expected.forEach((v, i) => expect(Math.abs(values[i] - v), `${name}[${i}]`).toBeLessThan(1e-9));
        }
      });
    }
  }

  it('normalises by 2k, which is not the capital when Q0 ≠ 1 (the original bug kept on purpose)', () => {
    const prices = [100, 100, 100];
    const one = simulateReferencePath(prices, { ...referenceParams(1), initialQuantity: 1 }).outputs;
    const two = simulateReferencePath(prices, { ...referenceParams(1), initialQuantity: 2 }).outputs;
    // pool fees are V·apr per step: with Q0 = 2 the pool is twice as big but 2k is four times as big
    expect(two.poolFees).toBeCloseTo(one.poolFees / 2, 12);
  });
});

describe('exact accounting', () => {
  const flat = (n: number, p = 35000): number[] => Array.from({ length: n + 1 }, () => p);

  it('ROI is 0 with zero volatility, zero fees and zero rates (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.double({ min: 1, max: 1e6, noNaN: true }), fc.integer({ min: 0, max: 10 }), fc.double({ min: 0.3, max: 4, noNaN: true }), (steps, price, every, leverage) => {
        const p = exactParams({ poolApr: 0, makerFeePct: 0, takerFeePct: 0, rebalanceEvery: every, band: every === 0 ? 0.01 : Infinity, shortLeverage: leverage });
        const out = simulateExactPath(flat(steps, price), new Float64Array(steps), p);
        expect(Math.abs(out.roi)).toBeLessThan(1e-12);
        expect(Math.abs(out.costOfNeutrality)).toBeLessThan(1e-12);
        expect(Math.abs(out.lvr)).toBe(0); // no price move, no squared return
      }),
    );
  });

  it('has zero first-order price exposure right after a rebalance (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -0.3, max: 0.3, noNaN: true }), { minLength: 1, maxLength: 30 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (moves, marginBand) => {
          const p = exactParams({ rebalanceEvery: 1000, marginBand, shortLeverage: 1.5 });
          const s = exactInit(new Float64Array(X_SIZE), 2000, p);
          exactRebalance(s, p, p.makerFeePct);
          let price = 2000;
          for (const m of moves) {
            price *= 1 + m;
            exactAdvance(s, price, 0.05, p);
          }
          exactRebalance(s, p, p.takerFeePct);
          const poolQty = s[X_SHORT_QTY] / hedgeRatio(s);
          expect(Math.abs(positionDelta(s))).toBeLessThan(1e-12 * poolQty);
          expect(hedgeRatio(s)).toBeCloseTo(1, 12);
        },
      ),
    );
  });

  it('conserves value across a rebalance, net of trading fees and the fixed cost (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: -0.4, max: 0.6, noNaN: true }), fc.double({ min: 0, max: 0.01, noNaN: true }), fc.double({ min: 0, max: 50, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (move, feePct, fixedCostUsd, marginBand) => {
        const p = exactParams({ fixedCostUsd, marginBand, makerFeePct: feePct });
        const s = exactInit(new Float64Array(X_SIZE), 100, p);
        exactRebalance(s, p, feePct);
        exactAdvance(s, 100 * (1 + move), 0, p);
        if (s[X_SHORT_QTY] === 0) return; // liquidated: nothing to rebalance against
        const before = exactEquity(s);
        const feesBefore = s[X_TRADE_FEES] + s[X_FIXED_COSTS];
        exactRebalance(s, p, feePct);
        const paid = s[X_TRADE_FEES] + s[X_FIXED_COSTS] - feesBefore;
        expect(exactEquity(s)).toBeCloseTo(before + paid, 6);
      }),
    );
  });

  it('restores the margin in kind without changing equity; the hedge trade then sits at the target leverage', () => {
    const p = exactParams({ marginBand: 0, makerFeePct: 0 });
    const s = exactInit(new Float64Array(X_SIZE), 100, p);
    exactRebalance(s, p, 0);
    exactAdvance(s, 112, 0, p);
    const before = exactEquity(s);
    restoreMarginInKind(s, p);
    expect(exactEquity(s)).toBeCloseTo(before, 8);
    exactRebalance(s, p, 0);
    expect(exactEquity(s)).toBeCloseTo(before, 8);
    const shortEquity = s[X_COLLATERAL] - s[X_SHORT_QTY] * 112;
    expect((s[X_SHORT_QTY] * 112) / shortEquity).toBeCloseTo(p.shortLeverage, 10);
  });

  it('runs a path in its hot loop (state in locals) to the very state of step-by-step exactStep calls (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -0.25, max: 0.3, noNaN: true }), { minLength: 1, maxLength: 80 }),
        fc.record({
          rebalanceEvery: fc.integer({ min: 0, max: 5 }),
          band: fc.constantFrom(Infinity, 0.02, 0.1),
          marginBand: fc.constantFrom(Infinity, 0, 0.2),
          shortLeverage: fc.constantFrom(0.5, 2, 5),
          reinvestFees: fc.boolean(),
          fixedCostUsd: fc.constantFrom(0, 3),
        }),
        (moves, over) => {
          const p = exactParams({ ...over, band: over.rebalanceEvery === 0 && over.band === Infinity ? 0.05 : over.band });
          const prices = [1000];
          for (const m of moves) prices.push(prices[prices.length - 1] * (1 + m));
          const fundingAprs = moves.map((m) => 0.3 * m);
          const fused = exactInit(new Float64Array(X_SIZE), prices[0], p);
          exactRunSteps(fused, prices, fundingAprs, p);
          const stepwise = exactInit(new Float64Array(X_SIZE), prices[0], p);
          for (let t = 0; t < moves.length; t++) exactStep(stepwise, t, prices[t + 1], fundingAprs[t], p);
          expect(Array.from(fused)).toEqual(Array.from(stepwise));
        },
      ),
    );
  });

  it('splits the ROI exactly into its parts', () => {
    const prices = [35000, 36500, 33900, 34100, 40000, 38000, 31000, 35500];
    const out = simulateExactPath(prices, new Float64Array(prices.length - 1).fill(0.1), exactParams({ fixedCostUsd: 3, rebalanceEvery: 2, band: 0.02 }));
    const parts = out.costOfNeutrality + out.feesSum + out.fixedCosts + out.liquidationLosses;
    expect(out.roi).toBeCloseTo(parts, 12);
    expect(Object.keys(out)).toEqual([...EXACT_OUTPUT_KEYS]);
    expect(out.fixedCosts).toBeCloseTo(-(3 * out.rebalances) / 100_000, 12);
  });

  it('pays funding on the mark notional, not on the entry price', () => {
    // hold the short (no rebalance after step 0) while the price doubles: funding doubles too
    const p = exactParams({ rebalanceEvery: 0, band: 1e9, makerFeePct: 0, takerFeePct: 0, poolApr: 0, shortLeverage: 0.5 });
    const low = simulateExactPath([100, 100, 100], [1, 1], p).fundingFees;
    const high = simulateExactPath([100, 200, 200], [1, 1], p).fundingFees;
    // step 1 accrues at the new mark (200 vs 100), step 2 again: twice the funding
    expect(high).toBeCloseTo(2 * low, 12);
  });

  it('liquidates a short whose health factor falls below 1 and counts it', () => {
    const p = exactParams({ rebalanceEvery: 0, band: 1e9, shortLeverage: 5, liquidationThreshold: 0.85, liquidationPenaltyPct: 0.05 });
    // liquidation price at open P·cf·(L+1)/L = 100·0.85·1.2 = 102
    const out = simulateExactPath([100, 101, 103, 103], [0, 0, 0], p);
    expect(out.liquidations).toBe(1);
    expect(out.liquidationLosses).toBeLessThan(0);
    const safe = simulateExactPath([100, 101, 101.9, 101.9], [0, 0, 0], p);
    expect(safe.liquidations).toBe(0);
  });

  it('rejects a short leverage at or above the max short leverage', () => {
    expect(() => exactParams({ shortLeverage: 10 })).toThrow('Max short leverage for cf 0.85 is 5.6667, got 10');
    expect(() => exactParams({ rebalanceEvery: 0 })).toThrow(/--rebalance-every/);
    expect(() => exactParams({ makerFeePct: -0.1 })).toThrow(/--maker-fee/);
  });

  it('derives a pool APR from volume × fee tier / TVL', () => {
    expect(poolAprFromVolume({ volumeUsdPerDay: 1e6, feeTier: 0.003, tvlUsd: 5e6 })).toBeCloseTo(0.219, 12);
  });
});
