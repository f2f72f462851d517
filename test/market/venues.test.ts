import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import { RAY } from '../../src/core/fixedPoint.ts';
import { isUserError } from '../../src/core/errors.ts';
import { USDC_RATE_STRATEGY, aprToApy, rateStrategyToRay, supplyAprAt } from '../../src/protocols/aave.ts';
import { fillFlooredPath, fillUtilisationPath, sampleReservePath, sampleVaultPath, supplyRateRayAt, MIN_VAULT_APY } from '../../src/market/venues.ts';

const reserveSpec = {
  strategy: USDC_RATE_STRATEGY,
  utilisation: { kind: 'meanReverting' as const, level: 0.85, speed: 20, vol: 0.6, initial: 0.8 },
  tvlUsd: { kind: 'meanReverting' as const, level: 1e8, speed: 4, vol: 4e8 },
};

describe('reserve paths', () => {
  it('clamps utilisation to [0, 1] and floors TVL at 0', () => {
    const u = fillUtilisationPath(new Float64Array(4), { kind: 'series', values: [-0.2, 0.5, 1.3, 1] }, 1 / 365, Rng.fromSeed(1));
    expect([...u]).toEqual([0, 0.5, 1, 1]);
    const tvl = fillFlooredPath(new Float64Array(3), { kind: 'series', values: [5, -1, 2] }, 0, 1 / 365, Rng.fromSeed(1));
    expect([...tvl]).toEqual([5, 0, 2]);
  });

  it('derives the supply rate from the rate strategy at the day’s utilisation, in ray and as float', () => {
    const path = sampleReservePath(reserveSpec, 365, Rng.stream(7, 0));
    const strategyRay = rateStrategyToRay(USDC_RATE_STRATEGY);
    for (let t = 0; t <= 365; t += 17) {
      const u = path.utilisation[t];
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThanOrEqual(1);
      expect(path.liquidityRateRay[t]).toBe(supplyRateRayAt(strategyRay, u));
      expect(path.supplyApr[t]).toBeCloseTo(supplyAprAt(USDC_RATE_STRATEGY, u), 8);
      expect(path.supplyApy[t]).toBeCloseTo(aprToApy(path.supplyApr[t]), 12);
      expect(path.availableLiquidityUsd[t]).toBeCloseTo(path.tvlUsd[t] * (1 - u), 6);
      expect(path.tvlUsd[t]).toBeGreaterThanOrEqual(0);
    }
    // at the kink: borrow 6 %, supply 6 % · 0.9 · (1 − 10 %) = 4.86 % exactly in ray
    expect(supplyRateRayAt(strategyRay, 0.9)).toBe((486n * RAY) / 10_000n);
  });

  it('is deterministic per stream and differs between streams', () => {
    const a = sampleReservePath(reserveSpec, 30, Rng.stream(7, 3));
    const b = sampleReservePath(reserveSpec, 30, Rng.stream(7, 3));
    const c = sampleReservePath(reserveSpec, 30, Rng.stream(7, 4));
    expect([...a.utilisation]).toEqual([...b.utilisation]);
    expect([...a.utilisation]).not.toEqual([...c.utilisation]);
  });

  it('names the field of a series that is too short', () => {
    try {
      sampleReservePath({ ...reserveSpec, utilisation: { kind: 'series', values: [0.5, 0.6] } }, 5, Rng.fromSeed(1), 'params.venues.aave');
      expect.unreachable();
    } catch (e) {
      expect(isUserError(e)).toBe(true);
      expect((e as Error).message).toMatch(/^params\.venues\.aave\.utilisation\.values: series has 2 values/);
    }
  });
});

describe('vault paths', () => {
  it('compounds the share price by the previous day’s APY', () => {
    const v = sampleVaultPath({ apy: { kind: 'series', values: [0.1, 0.2, -5, 0] }, tvlUsd: { kind: 'constant', value: 1e6 }, initialSharePrice: 1.5 }, 3, Rng.fromSeed(1));
    expect(v.apy[2]).toBe(MIN_VAULT_APY);
    expect(v.sharePrice[0]).toBe(1.5);
    expect(v.sharePrice[1]).toBeCloseTo(1.5 * 1.1 ** (1 / 365), 15);
    expect(v.sharePrice[2]).toBeCloseTo(v.sharePrice[1] * 1.2 ** (1 / 365), 15);
    expect(v.sharePrice[3]).toBeCloseTo(v.sharePrice[2] * 0.01 ** (1 / 365), 15);
    // a year at a constant 6 % APY grows the price by exactly 6 %
    const year = sampleVaultPath({ apy: { kind: 'constant', value: 0.06 }, tvlUsd: { kind: 'constant', value: 1 }, initialSharePrice: 1 }, 365, Rng.fromSeed(1));
    expect(year.sharePrice[365]).toBeCloseTo(1.06, 12);
  });
});
