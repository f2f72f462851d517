import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RAY } from '../../src/core/fixedPoint.ts';
import { compoundedInterestRay } from '../../src/protocols/aave.ts';
import { estimateCloseShort, estimateOpenShort } from '../../src/protocols/leverage.ts';
import {
  accrueLeveragedShort,
  closeLeveragedShort,
  collateralUnits,
  debtTokenUnits,
  equityUnits,
  healthFactorOf,
  increaseLeveragedShort,
  liquidateLeveragedShort,
  openLeveragedShort,
  observeLeveragedShort,
  reduceLeveragedShort,
  tokenValueUnits,
  withdrawLeveragedShort,
  type LeveragedShortMarket,
  type LeveragedShortState,
  type LeveragedShortStep,
} from '../../src/venues/leveragedShort.ts';
import { unitsToUsd } from '../../src/venues/units.ts';
import { caughtUserError } from '../helpers/errors.ts';

const market: LeveragedShortMarket = {
  price: 3000,
  tokenDecimals: 18,
  liquidityRateRay: RAY / 25n, // 4% APR on the collateral
  variableBorrowRateRay: RAY / 50n, // 2% APR on the token debt
  liquidationThreshold: 0.85,
  liquidationPenaltyPct: 0.05,
  swapFeePct: 0.0005,
  tvlUsd: NaN,
};
const at = (price: number): LeveragedShortMarket => ({ ...market, price });
const USD = 1_000_000n;

/** Reserve change + equity change + costs of one step: 0 when value is conserved. */
function leak(before: LeveragedShortState, step: LeveragedShortStep, m: LeveragedShortMarket): bigint {
  return -step.moved.transferUnits + (equityUnits(step.state, m) - equityUnits(before, m)) + step.moved.costUnits;
}

describe('leveraged short venue', () => {
  it('opens as estimateOpenShort sizes it, and closes as estimateCloseShort does', () => {
    const open = openLeveragedShort(market, 1000n * USD, 3);
    const est = estimateOpenShort({ reserveUsd: 1000, leverage: 3, price: 3000, feePct: 0.0005, collateralFactor: 0.85 });
    expect(open.moved).toEqual({ transferUnits: 1000n * USD, collateralUnits: 3_998_500_000n, debtTokenUnits: 10n ** 18n, costUnits: 1_500_000n });
    expect(unitsToUsd(collateralUnits(open.state))).toBeCloseTo(est.totalCollateral, 6);
    expect(debtTokenUnits(open.state)).toBe(10n ** 18n);
    expect(healthFactorOf(open.state, market)).toBeCloseTo((est.totalCollateral * 0.85) / est.borrowedValue, 9);
    const close = closeLeveragedShort(market, open.state);
    const closeEst = estimateCloseShort({ collateralQuantity: est.totalCollateral, borrowedQuantity: 1, closeQuantity: 1, price: 3000, feePct: 0.0005 });
    expect(unitsToUsd(-close.moved.transferUnits)).toBeCloseTo(closeEst.totalCollateral, 5);
    expect(unitsToUsd(close.moved.costUnits)).toBeCloseTo(closeEst.lpFees, 5);
    expect(close.state.collateralScaled).toBe(0n);
    expect(close.state.debtScaled).toBe(0n);
  });

  it('refuses a leverage at or above the maximum and fractions outside (0, 1], naming the field', () => {
    expect(caughtUserError(() => openLeveragedShort(market, 1000n * USD, 6)).field).toBe('leverage');
    const { state } = openLeveragedShort(market, 1000n * USD, 2);
    expect(caughtUserError(() => reduceLeveragedShort(market, state, 0)).field).toBe('fraction');
    expect(caughtUserError(() => reduceLeveragedShort(market, state, 1.5)).field).toBe('fraction');
    expect(caughtUserError(() => closeLeveragedShort(at(20_000), state)).field).toBe('price');
  });

  it('accrues collateral linearly and debt compounded by the indexes', () => {
    const { state } = openLeveragedShort(market, 1000n * USD, 3);
    const year = accrueLeveragedShort(state, market, 365 * 86_400);
    expect(unitsToUsd(collateralUnits(year.state))).toBeCloseTo(3998.5 * 1.04, 4);
    // Aave's compounded interest (a 3-term expansion of per-second compounding)
    expect(debtTokenUnits(year.state)).toBe((10n ** 18n * compoundedInterestRay(RAY / 50n, 31_536_000n) + RAY / 2n) / RAY);
    expect(Number(debtTokenUnits(year.state)) / 1e18).toBeCloseTo(Math.exp(0.02), 5);
    expect(year.moved.transferUnits).toBe(0n);
    expect(year.moved.collateralUnits).toBe(collateralUnits(year.state) - collateralUnits(state));
    expect(year.moved.debtTokenUnits).toBe(debtTokenUnits(year.state) - debtTokenUnits(state));
  });

  it('books the liquidation penalty: seized collateral = repaid debt × (1 + penalty) at the price', () => {
    const { state } = openLeveragedShort(market, 1000n * USD, 4);
    const hf = healthFactorOf(state, at(3250));
    expect(hf).toBeGreaterThan(0.95);
    expect(hf).toBeLessThan(1);
    const liq = liquidateLeveragedShort(state, at(3250));
    expect(liq.moved.debtTokenUnits).toBe(-(debtTokenUnits(state) / 2n));
    const repaid = tokenValueUnits(at(3250), -liq.moved.debtTokenUnits, 'ceil');
    expect(Number(-liq.moved.collateralUnits)).toBeCloseTo(Number(repaid) * 1.05, -1);
    expect(Number(liq.moved.costUnits)).toBeCloseTo(Number(repaid) * 0.05, -1);
    expect(healthFactorOf(liq.state, at(3250))).toBeGreaterThan(hf);
  });

  it('observes equity, the liquidity that keeps the target health factor, and the net APY', () => {
    const { state } = openLeveragedShort(market, 1000n * USD, 3);
    const obs = observeLeveragedShort(state, market, 'eth-short', '2025-03-01T00:00:00.000Z', { targetHealthFactor: 1.05 });
    expect(obs.kind).toBe('leveraged_short');
    expect(obs.positionUsd).toBeCloseTo(unitsToUsd(equityUnits(state, market)), 6);
    expect(obs.tvlUsd).toBeNaN();
    const collateralUsd = unitsToUsd(collateralUnits(state));
    const debtUsd = 3000;
    expect(((collateralUsd - obs.availableLiquidityUsd) * 0.85) / debtUsd).toBeCloseTo(1.05, 6);
    expect(obs.apy).toBeCloseTo((collateralUsd * (Math.exp(0.04) - 1) - debtUsd * (Math.exp(0.02) - 1)) / obs.positionUsd, 6);
    expect(observeLeveragedShort(state, market, 'x', 'now', { targetHealthFactor: 2 }).availableLiquidityUsd).toBe(0);
  });
});

const stateArb = fc
  .record({ reserveUsd: fc.integer({ min: 1, max: 10_000_000 }), leverage: fc.double({ min: 0.1, max: 4.5, noNaN: true }), days: fc.integer({ min: 0, max: 400 }) })
  .map(({ reserveUsd, leverage, days }) => accrueLeveragedShort(openLeveragedShort(market, BigInt(reserveUsd) * USD, leverage).state, market, days * 86_400).state);
const priceArb = fc.double({ min: 500, max: 9000, noNaN: true });

describe('leveraged short properties', () => {
  it('conserves value: reserve change + equity change = − costs (to rounding), for every operation', () => {
    fc.assert(
      fc.property(stateArb, priceArb, fc.integer({ min: 1, max: 1_000_000 }), fc.double({ min: 0.01, max: 1, noNaN: true }), (state, price, addUsd, fraction) => {
        const m = at(price);
        const steps: LeveragedShortStep[] = [];
        if (healthFactorOf(state, m) > 1.2) steps.push(increaseLeveragedShort(m, state, BigInt(addUsd) * USD, 2));
        if (equityUnits(state, m) > 0n) {
          try {
            steps.push(reduceLeveragedShort(m, state, fraction), closeLeveragedShort(m, state));
          } catch {
            // under water: the buy-back cannot be paid (tested above)
          }
        }
        steps.push(liquidateLeveragedShort(state, m), withdrawLeveragedShort(m, state, BigInt(addUsd) * USD));
        for (const step of steps) {
          expect(step.moved.costUnits).toBeGreaterThanOrEqual(0n);
          const l = leak(state, step, m);
          expect(l >= -4n && l <= 4n, `leak ${l}`).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('has a health factor that falls as the price rises', () => {
    fc.assert(
      fc.property(stateArb, priceArb, priceArb, (state, p1, p2) => {
        const [lo, hi] = p1 <= p2 ? [p1, p2] : [p2, p1];
        expect(healthFactorOf(state, at(lo))).toBeGreaterThanOrEqual(healthFactorOf(state, at(hi)));
      }),
      { numRuns: 300 },
    );
  });

  it('liquidates only below a health factor of 1', () => {
    fc.assert(
      fc.property(stateArb, priceArb, (state, price) => {
        const m = at(price);
        const liq = liquidateLeveragedShort(state, m);
        if (healthFactorOf(state, m) >= 1) {
          expect(liq.state).toBe(state);
          expect(liq.moved).toEqual({ transferUnits: 0n, collateralUnits: 0n, debtTokenUnits: 0n, costUnits: 0n });
        } else {
          expect(liq.moved.debtTokenUnits).toBeLessThan(0n);
          expect(liq.moved.collateralUnits).toBeLessThan(0n);
          expect(liq.moved.transferUnits).toBe(0n);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('gives the same outputs for the same inputs and never mutates its input', () => {
    fc.assert(
      fc.property(stateArb, priceArb, (state, price) => {
        const m = at(price);
        const copy = structuredClone(state);
        const run = (): unknown[] => {
          const out: unknown[] = [accrueLeveragedShort(state, m, 86_400), liquidateLeveragedShort(state, m), observeLeveragedShort(state, m, 's', 'now'), increaseLeveragedShort(at(3000), state, USD, 1)];
          try {
            out.push(reduceLeveragedShort(m, state, 0.5));
          } catch (e) {
            out.push(String(e));
          }
          return out;
        };
        expect(run()).toEqual(run());
        expect(state).toEqual(copy);
      }),
      { numRuns: 100 },
    );
  });
});
