/**
 * The grid form of the supply rate (`supplyRateRayOnGrid`, one-digit divisors) gives what the
 * v3 strategy's `liquidityRateRay` gives at usage k · 10^18, to the unit, for any strategy and
 * any k on either side of the kink; the sampled reserve paths keep the plain rate.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RAY } from '../../src/core/fixedPoint.ts';
import { liquidityRateRay, rateStrategyToRay, USDC_RATE_STRATEGY, type RateStrategy } from '../../src/protocols/aave.ts';
import { gridStrategy, supplyRateRayOnGrid } from '../../src/market/utilisationGrid.ts';
import { supplyRateRayAt } from '../../src/market/venues.ts';

const STEP = 10n ** 18n;

const strategy = fc.record({
  baseVariableBorrowRate: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 0.2, noNaN: true })),
  variableRateSlope1: fc.oneof(fc.constantFrom(0.04, 0.06), fc.double({ min: 0, max: 0.5, noNaN: true })),
  variableRateSlope2: fc.oneof(fc.constantFrom(0.6, 3), fc.double({ min: 0, max: 5, noNaN: true })),
  optimalUsageRatio: fc.oneof(fc.constantFrom(0.45, 0.8, 0.9, 0.92, 0.123456789, 1e-27, 0.999999999999), fc.double({ min: 0.01, max: 0.99, noNaN: true })),
  reserveFactor: fc.oneof(fc.constantFrom(0, 0.1, 0.2), fc.double({ min: 0, max: 1, noNaN: true })),
}) as fc.Arbitrary<RateStrategy>;

/** k on the grid (utilisation 0..1 at 1e-9 steps), around the kink and at the ends. */
function stepsNear(s: RateStrategy): fc.Arbitrary<bigint> {
  const kink = rateStrategyToRay(s).optimalUsageRatioRay / STEP;
  return fc.oneof(fc.bigInt({ min: 0n, max: 1_000_000_000n }), fc.bigInt({ min: kink - 3n, max: kink + 3n }).filter((k) => k >= 0n && k <= 1_000_000_000n), fc.constantFrom(0n, 1n, 1_000_000_000n));
}

describe('supplyRateRayOnGrid', () => {
  it('equals liquidityRateRay at usage k · 10^18 for any strategy and k', () => {
    fc.assert(
      fc.property(strategy.chain((s) => fc.tuple(fc.constant(s), fc.array(stepsNear(s), { minLength: 1, maxLength: 20 }))), ([s, ks]) => {
        const ray = rateStrategyToRay(s);
        const grid = gridStrategy(ray);
        for (const k of ks) expect(supplyRateRayOnGrid(grid, k)).toBe(liquidityRateRay(ray, k * STEP));
      }),
      { numRuns: 1500 },
    );
  });

  it('is the reserve path rate of supplyRateRayAt (USDC strategy, kink at 0.9)', () => {
    const ray = rateStrategyToRay(USDC_RATE_STRATEGY);
    const grid = gridStrategy(ray);
    expect(grid.optimalOverGcd).toBe(9n);
    for (const u of [0, 1e-9, 0.3, 0.899999999, 0.9, 0.900000001, 0.97, 1]) expect(supplyRateRayOnGrid(grid, BigInt(Math.round(u * 1e9)))).toBe(supplyRateRayAt(ray, u));
    expect(supplyRateRayOnGrid(grid, 900_000_000n)).toBe((486n * RAY) / 10_000n);
  });

  it('refuses a zero optimal ratio as the strategy does (division by zero)', () => {
    const ray = { ...rateStrategyToRay(USDC_RATE_STRATEGY), optimalUsageRatioRay: 0n };
    expect(() => liquidityRateRay(ray, 0n)).toThrow('division by zero');
    expect(() => supplyRateRayOnGrid(gridStrategy(ray), 0n)).toThrow('division by zero');
  });
});
