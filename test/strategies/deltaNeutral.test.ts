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
  exactWipedOut,
  hedgeRatio,
  positionDelta,
  poolAprFromVolume,
  restoreMarginInKind,
  simulateExactPath,
  simulateReferencePath,
  X_COLLATERAL,
  X_FIXED_COSTS,
  X_LIQUIDITY,
  X_POOL_VALUE,
  X_PRICE,
  X_SHORT_QTY,
  X_SIZE,
  X_TRADE_FEES,
  type ExactParams,
  type ReferenceParams,
  type ReferenceSeries,
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
/** Vector series name (full_series_optimEach_*) → capflow series key: all seven are pinned. */
const SERIES_OF: Record<string, keyof ReferenceSeries> = {
  totalGain: 'totalGain',
  shortPNL: 'shortPnl',
  poolMoney: 'poolMoney',
  fundingFees: 'fundingFees',
  shortingFees: 'shortingFees',
  poolFees: 'poolFees',
  impermanentLoss: 'impermanentLoss',
};

function referenceParams(rebalanceEvery: number): ReferenceParams {
  const s = fixture.scenario;
  return { poolRatePerStep: s.pool_APR / 365, fundingRatePerStep: s.funding_APR / 365, makerFeePct: s.makerFees, rebalanceEvery, initialQuantity: s.initBTCinPool };
}

/** Equity of the positions in `s` re-marked at `price` (pool value 2L√P and the short's debt q·P; nothing else moves). */
function equityAt(s: Float64Array, price: number): number {
  const marked = Float64Array.from(s);
  marked[X_PRICE] = price;
  marked[X_POOL_VALUE] = 2 * s[X_LIQUIDITY] * Math.sqrt(price);
  return exactEquity(marked);
}

/** A price path from P0 and per-step factors P(t+1)/P(t). */
const pathOf = (p0: number, factors: number[]): number[] => factors.reduce((ps, f) => [...ps, ps[ps.length - 1] * f], [p0]);

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
        expect(Object.keys(series).map((name) => SERIES_OF[name]).sort()).toEqual(Object.keys(got).sort()); // every series the simulator records is pinned
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

  it('has zero first-order price exposure right after a rebalance; the second order is the LP convexity −V·h²/4 (property)', () => {
    // Hedged at P (q = Q = L/√P), re-marking at P(1 ± h) moves equity by
    //   E± − E = 2L√P(√(1 ± h) − 1) ∓ q·P·h = L√P(2√(1 ± h) − 2 ∓ h) = V(√(1 ± h) − 1 ∓ h/2)   (V = 2L√P),
    // so the central difference (E+ − E−)/(2h) = V/2·((√(1+h) − √(1−h))/h − 1) = (Q·P)·(h²/8 + O(h⁴)): no first-order
    // term, relative to the pool's token value Q·P = V/2; and the second difference
    //   E+ + E− − 2E = V(√(1+h) + √(1−h) − 2) = −V·h²/4 − 5V·h⁴/64 − …, i.e. each side loses ≈ V·h²/8 (the σ²/8 law).
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -0.3, max: 0.3, noNaN: true }), { minLength: 1, maxLength: 30 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 1e-3, max: 1e-2, noNaN: true }),
        (moves, marginBand, h) => {
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

          const value = s[X_POOL_VALUE];
          const tokenValue = poolQty * price; // = V/2
          expect(tokenValue).toBeCloseTo(value / 2, 6);
          const equity = exactEquity(s);
          const up = equityAt(s, price * (1 + h));
          const down = equityAt(s, price * (1 - h));
          const slope = (up - down) / (2 * h) / tokenValue; // dE/dP · P / (Q·P), dimensionless
          expect(Math.abs(slope)).toBeLessThan((h * h) / 8 + h ** 4 + 1e-12); // ≈ 0: nothing first-order
          expect(slope).toBeCloseTo((Math.sqrt(1 + h) - Math.sqrt(1 - h)) / h - 1, 10);
          const curvature = (up + down - 2 * equity) / value;
          expect(curvature).toBeCloseTo(Math.sqrt(1 + h) + Math.sqrt(1 - h) - 2, 10); // exact
          expect(Math.abs(curvature / (-(h * h) / 4) - 1)).toBeLessThan((5 / 16) * h * h + 1e-6); // leading term −h²/4
          expect((up - equity) / value).toBeCloseTo(-(h * h) / 8 + h ** 3 / 16, 9); // one side: −V·h²/8 + O(h³)
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

  it('runs a path in its hot loop (state in locals) to the very state of step-by-step exactStep calls, wipe-outs included (property)', () => {
    // one move in ten is a gap (−90%, ×3, ×7, ×10): liquidations and wipe-outs, where the loop stops and exactStep leaves the state as it is
    fc.assert(
      fc.property(
        fc.array(fc.oneof({ arbitrary: fc.double({ min: -0.25, max: 0.3, noNaN: true }), weight: 9 }, { arbitrary: fc.constantFrom(-0.9, 2, 6, 9), weight: 1 }), { minLength: 1, maxLength: 80 }),
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

  it('keeps every output within its meaning on any path: roi ≥ −1, −1 ≤ maxDrawdown ≤ 0, wipedOut a flag (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.02, max: 20, noNaN: true }), { minLength: 1, maxLength: 40 }),
        fc.record({ rebalanceEvery: fc.integer({ min: 1, max: 4 }), shortLeverage: fc.constantFrom(0.5, 2, 5), reinvestFees: fc.boolean(), fixedCostUsd: fc.constantFrom(0, 500) }),
        (factors, over) => {
          const prices = pathOf(3000, factors);
          const out = simulateExactPath(prices, new Float64Array(factors.length).fill(0.1), exactParams(over));
          expect(out.roi).toBeGreaterThanOrEqual(-1);
          expect(out.maxDrawdown).toBeGreaterThanOrEqual(-1);
          expect(out.maxDrawdown).toBeLessThanOrEqual(0);
          expect([0, 1]).toContain(out.wipedOut);
          expect(out.wipedOut === 1).toBe(out.roi === -1); // ruin is exactly the −1 return
          if (out.wipedOut === 1) expect(out.maxDrawdown).toBe(-1);
          else expect(out.roi).toBeCloseTo(out.costOfNeutrality + out.feesSum + out.fixedCosts + out.liquidationLosses, 9);
        },
      ),
    );
  });

  it('reports maxDrawdown as the deepest equity/peak − 1 (≤ 0) over the steps and the final close', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0.8, max: 1.25, noNaN: true }), { minLength: 1, maxLength: 40 }), (factors) => {
        const p = exactParams({ rebalanceEvery: 3 });
        const prices = pathOf(35000, factors);
        const s = exactInit(new Float64Array(X_SIZE), prices[0], p);
        let peak = exactEquity(s);
        let deepest = 0;
        const track = (): void => {
          const equity = exactEquity(s);
          peak = Math.max(peak, equity);
          deepest = Math.min(deepest, equity / peak - 1);
        };
        for (let t = 0; t < factors.length; t++) {
          exactStep(s, t, prices[t + 1], 0.08, p);
          track();
        }
        const out = simulateExactPath(prices, new Float64Array(factors.length).fill(0.08), p);
        s[X_COLLATERAL] -= s[X_SHORT_QTY] * prices[prices.length - 1] * (1 + p.takerFeePct); // the final buy-back with the taker fee
        s[X_SHORT_QTY] = 0;
        track();
        expect(out.maxDrawdown).toBeLessThanOrEqual(0);
        expect(out.maxDrawdown).toBeCloseTo(deepest, 12);
      }),
    );
  });

  it('stops a path whose equity reaches 0 (a gap far through the liquidation price): wiped out, later prices ignored', () => {
    const p = exactParams({ rebalanceEvery: 1, shortLeverage: 5 });
    // hedged at 100 with margin C/11, a 10× gap costs the short 9·Q·100 ≈ 4.1 C while the pool gains only (√10 − 1)·V
    const wiped = simulateExactPath([100, 1000, 50, 3000], [0, 0, 0], p);
    expect(wiped).toMatchObject({ roi: -1, maxDrawdown: -1, wipedOut: 1, liquidations: 1, rebalances: 1, priceRatioFinal: 10 });
    expect(simulateExactPath([100, 1000, 120, 110], [0, 0, 0], p)).toEqual(wiped); // nothing after the wipe-out counts
    expect(wiped.costOfNeutrality + wiped.feesSum + wiped.fixedCosts + wiped.liquidationLosses).toBeLessThan(-1); // the shortfall left unpaid

    const s = exactInit(new Float64Array(X_SIZE), 100, p);
    exactStep(s, 0, 1000, 0, p);
    expect(exactWipedOut(s)).toBe(true);
    expect(exactEquity(s)).toBe(0);
    const frozen = Array.from(s);
    exactStep(s, 1, 50, 0, p); // no rebalance, no market move, no fixed cost
    exactStep(s, 2, -1, 0, p); // not even a price check: the path has stopped
    expect(Array.from(s)).toEqual(frozen);
    const safe = exactInit(new Float64Array(X_SIZE), 100, p);
    exactStep(safe, 0, 101, 0, p);
    expect(exactWipedOut(safe)).toBe(false);
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
