import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  calculateCompoundedInterest,
  calculateCompoundedRate,
  calculateHealthFactorFromBalancesBigUnits,
  calculateLinearInterest,
  getCompoundedBalance,
  getLinearBalance,
  getReserveNormalizedIncome,
} from '@aave/math-utils';
import { RAY } from '../../src/core/fixedPoint.ts';
import { UserError } from '../../src/core/errors.ts';
import {
  SECONDS_PER_YEAR,
  USDC_RATE_STRATEGY,
  aTokenBalance,
  aprToApy,
  aprToApyRay,
  balanceFromScaled,
  borrowAprAt,
  collateralLiquidationPrice,
  compoundGrowth,
  compoundedInterestFactor,
  compoundedInterestRay,
  debtLiquidationPrice,
  healthFactor,
  lendingRatesAt,
  linearAnnualisedYield,
  linearInterestFactor,
  linearInterestRay,
  liquidityRateRay,
  loanToValue,
  maxLongLeverage,
  maxShortLeverage,
  nextLiquidityIndexRay,
  nextVariableBorrowIndexRay,
  rateStrategyToRay,
  rayPow,
  rayToNumber,
  scaledAmount,
  supplyAprAt,
  usageRatioRay,
  vTokenBalance,
  variableBorrowRateRay,
  type RateStrategy,
} from '../../src/protocols/aave.ts';
import { ROOT } from '../helpers/cli.ts';

const fixture = JSON.parse(readFileSync(`${ROOT}test/fixtures/leverage-lending.json`, 'utf8'));
const vector = (id: string) => fixture.vectors[id];

/** |actual − expected| within the vector's tolerance (rel and/or abs). */
function expectWithin(actual: number, expected: number, tol: { rel?: number; abs?: number }): void {
  const allowed = Math.max(tol.abs ?? 0, (tol.rel ?? 0) * Math.abs(expected));
  expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(allowed);
}

const big = (x: { toFixed(): string }): bigint => BigInt(x.toFixed());
const abs = (x: bigint): bigint => (x < 0n ? -x : x);
const Y = BigInt(SECONDS_PER_YEAR);

/**
 * math-utils truncates rate/Y before multiplying (Aave v2 style) where v3 multiplies first, and
 * rounds its powers differently; the three binomial terms then differ by less than n, 2n², n³/2
 * units of 1e-27 respectively (n = seconds).
 */
function compoundBound(n: bigint): bigint {
  return n + 2n * n * n + (n * n * n) / 2n + 10n;
}

// Random inputs: rates up to 300 % APR, time deltas up to two years, indexes 1..3, balances up to 1e30.
const rateRay = fc.bigInt({ min: 0n, max: 3n * RAY });
const dtSeconds = fc.bigInt({ min: 0n, max: 2n * Y });
const indexRay = fc.bigInt({ min: RAY, max: 3n * RAY });
const balance = fc.bigInt({ min: 0n, max: 10n ** 30n });

describe('rate strategy (float)', () => {
  const s = USDC_RATE_STRATEGY;
  it('follows slope1 below the kink and slope2 above it', () => {
    expect(borrowAprAt(s, 0)).toBe(0);
    expect(borrowAprAt(s, 0.45)).toBeCloseTo(0.03, 15);
    expect(borrowAprAt(s, 0.9)).toBeCloseTo(0.06, 15);
    expect(borrowAprAt(s, 0.95)).toBeCloseTo(0.06 + 0.6 * 0.5, 12);
    expect(borrowAprAt(s, 1)).toBeCloseTo(0.66, 12);
  });
  it('supply APR = borrow APR · U · (1 − reserve factor)', () => {
    expect(supplyAprAt(s, 0.45)).toBeCloseTo(0.03 * 0.45 * 0.9, 15);
    expect(supplyAprAt(s, 0)).toBe(0);
  });
  it('includes the base rate', () => {
    const withBase: RateStrategy = { ...s, baseVariableBorrowRate: 0.01 };
    expect(borrowAprAt(withBase, 0)).toBe(0.01);
    expect(borrowAprAt(withBase, 0.9)).toBeCloseTo(0.07, 15);
  });
  it('lendingRatesAt gives APR and per-second-compounded APY', () => {
    const r = lendingRatesAt(s, 0.8);
    expect(r.borrowApr).toBeCloseTo((0.06 * 0.8) / 0.9, 15);
    expect(r.borrowApy).toBeCloseTo(Math.exp(r.borrowApr) - 1, 8);
    expect(r.supplyApy).toBeCloseTo(aprToApy(r.supplyApr), 15);
  });
  it('refuses a utilization outside [0, 1] or NaN', () => {
    for (const u of [-0.1, 1.01, NaN]) {
      expect(() => lendingRatesAt(s, u)).toThrow(UserError);
    }
    expect(() => lendingRatesAt(s, 2)).toThrow(/utilization: must be in \[0, 1\], got 2/);
  });
  it('is continuous at the kink and monotone in utilization (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          baseVariableBorrowRate: fc.double({ min: 0, max: 0.1, noNaN: true }),
          variableRateSlope1: fc.double({ min: 0, max: 0.2, noNaN: true }),
          variableRateSlope2: fc.double({ min: 0, max: 3, noNaN: true }),
          optimalUsageRatio: fc.double({ min: 0.05, max: 0.99, noNaN: true }),
          reserveFactor: fc.double({ min: 0, max: 1, noNaN: true }),
        }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (strategy, u1, u2) => {
          const [lo, hi] = u1 <= u2 ? [u1, u2] : [u2, u1];
          expect(borrowAprAt(strategy, hi)).toBeGreaterThanOrEqual(borrowAprAt(strategy, lo) - 1e-15);
          const k = strategy.optimalUsageRatio;
          expect(borrowAprAt(strategy, k + 1e-12)).toBeCloseTo(borrowAprAt(strategy, k), 9);
          expect(supplyAprAt(strategy, hi)).toBeLessThanOrEqual(borrowAprAt(strategy, hi) + 1e-15);
        },
      ),
    );
  });
});

describe('rate strategy (ray)', () => {
  const sRay = rateStrategyToRay(USDC_RATE_STRATEGY);
  it('converts the float strategy to ray and basis points', () => {
    expect(sRay.variableRateSlope1Ray).toBe(6n * 10n ** 25n);
    expect(sRay.optimalUsageRatioRay).toBe(9n * 10n ** 26n);
    expect(sRay.reserveFactorBps).toBe(1000n);
  });
  it('computes exact rates at round utilizations', () => {
    expect(variableBorrowRateRay(sRay, (RAY * 9n) / 10n)).toBe(6n * 10n ** 25n);
    expect(variableBorrowRateRay(sRay, RAY)).toBe(66n * 10n ** 25n);
    expect(liquidityRateRay(sRay, (RAY * 9n) / 10n)).toBe((6n * 10n ** 25n * 9n * 9n) / 100n);
    expect(usageRatioRay(0n, 100n)).toBe(0n);
    expect(usageRatioRay(25n, 75n)).toBe(RAY / 4n);
  });
  it('agrees with the float strategy (property)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 12n }), fc.bigInt({ min: 0n, max: 10n ** 12n }), (debt, available) => {
        fc.pre(debt + available > 0n);
        const u = usageRatioRay(debt, available);
        const uFloat = rayToNumber(u);
        expect(rayToNumber(variableBorrowRateRay(sRay, u))).toBeCloseTo(borrowAprAt(USDC_RATE_STRATEGY, uFloat), 12);
        expect(rayToNumber(liquidityRateRay(sRay, u))).toBeCloseTo(supplyAprAt(USDC_RATE_STRATEGY, uFloat), 12);
      }),
    );
  });
});

describe('APR → APY', () => {
  it('matches per-second compounding', () => {
    expect(aprToApy(0)).toBe(0);
    expect(aprToApy(0.05)).toBeCloseTo(rayToNumber(aprToApyRay(5n * 10n ** 25n)), 12);
    expect(aprToApy(0.05)).toBeCloseTo(Math.expm1(0.05), 8);
  });
  it('rayPow squares and multiplies', () => {
    expect(rayPow(2n * RAY, 10n)).toBe(1024n * RAY);
    expect(rayPow(3n * RAY, 0n)).toBe(RAY);
    expect(rayPow(RAY / 2n, 3n)).toBe(RAY / 8n);
  });
  it('exact APY equals @aave/math-utils calculateCompoundedRate; float APY within 1e-9 (oracle property)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n * RAY }), (aprRay) => {
        const oracle = big(calculateCompoundedRate({ rate: aprRay.toString(), duration: SECONDS_PER_YEAR }));
        const apyRay = aprToApyRay(aprRay);
        expect(apyRay).toBe(oracle);
        const apr = rayToNumber(aprRay);
        expect(Math.abs(aprToApy(apr) - rayToNumber(apyRay))).toBeLessThanOrEqual(1e-9 * (1 + rayToNumber(apyRay)));
      }),
      { numRuns: 30 },
    );
  });
});

describe('compounded and linear interest', () => {
  it('is exact for a rate of 1e-9 per second (binomial terms by hand)', () => {
    const rate = Y * 10n ** 18n; // 1e-9 per second in ray
    expect(compoundedInterestRay(rate, 0n)).toBe(RAY);
    expect(compoundedInterestRay(rate, 1n)).toBe(RAY + 10n ** 18n);
    expect(compoundedInterestRay(rate, 2n)).toBe(RAY + 2n * 10n ** 18n + 10n ** 9n);
    // (1 + 1e-9)^3 = 1 + 3e-9 + 3e-18 + 1e-27
    expect(compoundedInterestRay(rate, 3n)).toBe(RAY + 3n * 10n ** 18n + 3n * 10n ** 9n + 1n);
  });
  it('linear interest over a year adds the rate', () => {
    expect(linearInterestRay(RAY / 10n, Y)).toBe(RAY + RAY / 10n);
    expect(linearInterestFactor(0.1, SECONDS_PER_YEAR)).toBeCloseTo(1.1, 15);
  });
  it('refuses a negative time delta', () => {
    expect(() => compoundedInterestRay(RAY, -1n)).toThrow(RangeError);
    expect(() => linearInterestRay(RAY, -1n)).toThrow(RangeError);
  });

  it('compounded interest matches @aave/math-utils calculateCompoundedInterest within the truncation bound (oracle property)', () => {
    fc.assert(
      fc.property(rateRay, dtSeconds, (rate, dt) => {
        const oracle = big(calculateCompoundedInterest({ rate: rate.toString(), currentTimestamp: Number(dt), lastUpdateTimestamp: 0 }));
        expect(abs(compoundedInterestRay(rate, dt) - oracle) <= compoundBound(dt)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
  it('linear interest matches @aave/math-utils calculateLinearInterest within rounding (oracle property)', () => {
    fc.assert(
      fc.property(rateRay, dtSeconds, (rate, dt) => {
        const oracle = big(calculateLinearInterest({ rate: rate.toString(), currentTimestamp: Number(dt), lastUpdateTimestamp: 0 }));
        expect(abs(linearInterestRay(rate, dt) - oracle) <= 3n + rate / RAY).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
  it('float factors match the ray functions within the contract truncation (property)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: RAY }), fc.integer({ min: 0, max: 2 * SECONDS_PER_YEAR }), (rate, dt) => {
        const apr = rayToNumber(rate);
        const truncation = (dt * dt) / 2e27 + (dt * dt * dt) / 6e27;
        const diff = compoundedInterestFactor(apr, dt) - rayToNumber(compoundedInterestRay(rate, BigInt(dt)));
        expect(diff).toBeGreaterThanOrEqual(-1e-14);
        expect(diff).toBeLessThanOrEqual(truncation + 1e-14);
        expect(linearInterestFactor(apr, dt)).toBeCloseTo(rayToNumber(linearInterestRay(rate, BigInt(dt))), 12);
      }),
    );
  });
  it('compounding beats linear interest and stays below exact exponential growth (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 2, noNaN: true }), fc.integer({ min: 3, max: SECONDS_PER_YEAR }), (apr, dt) => {
        const c = compoundedInterestFactor(apr, dt);
        expect(c).toBeGreaterThanOrEqual(linearInterestFactor(apr, dt) - 1e-12);
        expect(c).toBeLessThanOrEqual(Math.exp((apr * dt) / SECONDS_PER_YEAR) + 1e-12);
      }),
    );
  });
});

describe('indexes and token balances', () => {
  it('mints scaled balances and reads them back', () => {
    expect(scaledAmount(1_000_000n, 2n * RAY)).toBe(500_000n);
    expect(balanceFromScaled(500_000n, 2n * RAY)).toBe(1_000_000n);
    expect(scaledAmount(1n, 3n * RAY)).toBe(0n); // 0.333 rounds half-up to 0
    expect(scaledAmount(2n, 3n * RAY)).toBe(1n); // 0.667 rounds up
    expect(nextLiquidityIndexRay(RAY, RAY / 10n, Y)).toBe((11n * RAY) / 10n);
    expect(aTokenBalance(1_000_000n, RAY, RAY / 10n, Y)).toBe(1_100_000n);
    expect(vTokenBalance(1_000_000n, RAY, RAY / 10n, 86_400n)).toBe(1_000_274n);
  });
  it('deposit then read at the same index returns the amount within one unit (property)', () => {
    fc.assert(
      fc.property(balance, indexRay, (amount, index) => {
        expect(abs(balanceFromScaled(scaledAmount(amount, index), index) - amount) <= 2n).toBe(true);
      }),
    );
  });
  it('normalized income matches @aave/math-utils getReserveNormalizedIncome (oracle property)', () => {
    fc.assert(
      fc.property(rateRay, indexRay, dtSeconds, (rate, index, dt) => {
        const oracle = big(getReserveNormalizedIncome({ rate: rate.toString(), index: index.toString(), lastUpdateTimestamp: 0, currentTimestamp: Number(dt) }));
        expect(abs(nextLiquidityIndexRay(index, rate, dt) - oracle) <= 20n + (rate / RAY) * 4n).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
  it('aToken balance matches @aave/math-utils getLinearBalance (oracle property)', () => {
    fc.assert(
      fc.property(balance, rateRay, indexRay, dtSeconds, (scaled, rate, index, dt) => {
        const oracle = big(
          getLinearBalance({ balance: scaled.toString(), index: index.toString(), rate: rate.toString(), lastUpdateTimestamp: 0, currentTimestamp: Number(dt) }),
        );
        const bound = (scaled * (20n + (rate / RAY) * 4n)) / RAY + 2n;
        expect(abs(aTokenBalance(scaled, index, rate, dt) - oracle) <= bound).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
  it('vToken balance matches @aave/math-utils getCompoundedBalance (oracle property)', () => {
    fc.assert(
      fc.property(balance, rateRay, indexRay, dtSeconds, (scaled, rate, index, dt) => {
        const oracle = big(
          getCompoundedBalance({
            principalBalance: scaled.toString(),
            reserveIndex: index.toString(),
            reserveRate: rate.toString(),
            lastUpdateTimestamp: 0,
            currentTimestamp: Number(dt),
          }),
        );
        const bound = (scaled * (3n * compoundBound(dt) + 2n)) / RAY + 2n;
        expect(abs(vTokenBalance(scaled, index, rate, dt) - oracle) <= bound).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
  it('variable borrow index grows with the compounded factor', () => {
    const index = nextVariableBorrowIndexRay(RAY, RAY / 10n, Y);
    expect(index).toBe(compoundedInterestRay(RAY / 10n, Y));
    expect(rayToNumber(index)).toBeCloseTo(compoundedInterestFactor(0.1, SECONDS_PER_YEAR), 5);
    expect(rayToNumber(index)).toBeLessThan(Math.exp(0.1));
  });
});

describe('loan risk', () => {
  it('LTV, health factor and liquidation prices (LOAN-01 numbers)', () => {
    expect(loanToValue(1800, 800)).toBeCloseTo(0.4444444444, 9);
    expect(loanToValue(1800, 0)).toBe(0);
    expect(healthFactor(1800, 800, 0.85)).toBeCloseTo(1.9125, 12);
    expect(healthFactor(1800, 0, 0.85)).toBe(Infinity);
    expect(debtLiquidationPrice(4000, 2, 0.85)).toBeCloseTo(1700, 9);
    expect(collateralLiquidationPrice(2, 2000, 0.8)).toBeCloseTo(1250, 9);
  });
  it('health factor matches @aave/math-utils calculateHealthFactorFromBalancesBigUnits (oracle property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1, max: 1e12, noNaN: true }),
        fc.double({ min: 1, max: 1e12, noNaN: true }),
        fc.integer({ min: 1, max: 9999 }),
        (collateralUsd, debtUsd, ltBps) => {
          const lt = ltBps / 10_000;
          const oracle = Number(
            calculateHealthFactorFromBalancesBigUnits({
              collateralBalanceMarketReferenceCurrency: collateralUsd,
              borrowBalanceMarketReferenceCurrency: debtUsd,
              currentLiquidationThreshold: lt,
            }).toFixed(),
          );
          // the oracle divides to 20 decimal places
          expect(Math.abs(healthFactor(collateralUsd, debtUsd, lt) - oracle)).toBeLessThanOrEqual(1e-12 * oracle + 1e-20);
        },
      ),
    );
  });
  it('LEV-01: max leverage long = 1/(1 − cf), short = long − 1', () => {
    const v = vector('LEV-01');
    expectWithin(maxShortLeverage(v.inputs.collateral_factor), v.expected.max_short_leverage, v.tolerance);
    expectWithin(maxLongLeverage(v.inputs.collateral_factor), v.expected.max_long_leverage, v.tolerance);
  });
  it('at max short leverage the health factor at open is exactly 1 (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.05, max: 0.95, noNaN: true }), (cf) => {
        const l = maxShortLeverage(cf);
        expect(healthFactor(l + 1, l, cf)).toBeCloseTo(1, 9);
      }),
    );
  });
});

describe('interest vectors', () => {
  it('INT-01: compound growth start · rate^(elapsed / year)', () => {
    const v = vector('INT-01');
    const elapsed = (Date.parse(v.inputs.end) - Date.parse(v.inputs.start)) / 1000;
    expect(elapsed).toBe(v.inputs.days * 86_400);
    expect(v.inputs.year_seconds).toBe(SECONDS_PER_YEAR);
    expectWithin(compoundGrowth(v.inputs.atoken_start, v.inputs.atoken_rate_multiplier, elapsed), v.expected.atoken_end, v.tolerance);
    expectWithin(compoundGrowth(v.inputs.vtoken_start, v.inputs.vtoken_rate_multiplier, elapsed), v.expected.vtoken_end, v.tolerance);
  });
  it('INT-02: linear annualised yield of a balance update', () => {
    const v = vector('INT-02');
    for (const side of ['atoken', 'vtoken'] as const) {
      const x = v.inputs[side];
      expectWithin(linearAnnualisedYield(x.quantity, x.old_balance, x.period_days * 86_400), v.expected[`${side}_yearly_yield`], v.tolerance);
    }
  });
  it('INT-01 → INT-02: the gain of compound growth annualises back near the multiplier − 1', () => {
    const v = vector('INT-01');
    const elapsed = v.inputs.days * 86_400;
    const gain = compoundGrowth(v.inputs.atoken_start, v.inputs.atoken_rate_multiplier, elapsed) - v.inputs.atoken_start;
    expectWithin(gain, vector('INT-02').inputs.atoken.quantity, { rel: 1e-9 });
  });
});
