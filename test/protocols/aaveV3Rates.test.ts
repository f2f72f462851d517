/**
 * The exact Aave V3 (v3.0.x) reserve rates: the debt-weighted overall borrow rate, the
 * liquidity rate, and the rate impact of a deposit. (Exact agreement with the real pool is
 * checked on anvil in test/chain/aaveMarket.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { RAY } from '../../src/core/fixedPoint.ts';
import { USDC_RATE_STRATEGY, aprToApy, rateStrategyToRay, supplyAprAt } from '../../src/protocols/aave.ts';
import { liquidityRateApy, overallBorrowRateRay, reserveRatesRay, supplyApyAfter } from '../../src/protocols/aaveV3Rates.ts';

const strategy = rateStrategyToRay(USDC_RATE_STRATEGY);
const M = 10n ** 12n; // 1,000,000 USDC in base units

describe('Aave V3 reserve rates', () => {
  it('at 60 % usage: borrow 4 %, supply 4 % × 0.6 × 0.9', () => {
    const r = reserveRatesRay(strategy, { availableLiquidity: 400_000n * 10n ** 6n, totalVariableDebt: 600_000n * 10n ** 6n });
    expect(r.borrowUsageRatioRay).toBe((RAY * 6n) / 10n);
    expect(r.variableBorrowRateRay).toBe(4n * 10n ** 25n);
    expect(r.liquidityRateRay).toBe(216n * 10n ** 23n);
  });

  it('weights stable and variable debt in the overall borrow rate, and is 0 without debt', () => {
    expect(overallBorrowRateRay(0n, 5n * 10n ** 25n, 0n, 0n)).toBe(0n);
    expect(overallBorrowRateRay(3n * M, 4n * 10n ** 25n, M, 8n * 10n ** 25n)).toBe(5n * 10n ** 25n);
    expect(reserveRatesRay(strategy, { availableLiquidity: M, totalVariableDebt: 0n })).toEqual({ borrowUsageRatioRay: 0n, variableBorrowRateRay: 0n, liquidityRateRay: 0n });
  });

  it('a deposit lowers the supply APY, a withdrawal raises it; the float curve agrees', () => {
    const reserve = { availableLiquidity: 4n * M, totalVariableDebt: 6n * M };
    const now = supplyApyAfter(strategy, reserve, 0n);
    expect(now).toBeCloseTo(aprToApy(supplyAprAt(USDC_RATE_STRATEGY, 0.6)), 12);
    expect(supplyApyAfter(strategy, reserve, 2n * M)).toBeCloseTo(aprToApy(supplyAprAt(USDC_RATE_STRATEGY, 0.5)), 12);
    expect(supplyApyAfter(strategy, reserve, -M)).toBeGreaterThan(now);
    expect(supplyApyAfter(strategy, reserve, -10n * M)).toBe(supplyApyAfter(strategy, reserve, -4n * M)); // at most the liquidity leaves
    expect(liquidityRateApy(5n * 10n ** 25n)).toBeCloseTo(aprToApy(0.05), 9);
  });
});
