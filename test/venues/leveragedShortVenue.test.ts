import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RAY } from '../../src/core/fixedPoint.ts';
import { aprToApy } from '../../src/protocols/aave.ts';
import { collateralUnits, debtTokenUnits, equityUnits, healthFactorOf, liquidateLeveragedShort, type LeveragedShortState } from '../../src/venues/leveragedShort.ts';
import { leveragedShort, leveragedShortMarketOn, type LeveragedShortPath, type LeveragedShortTerms } from '../../src/venues/leveragedShortVenue.ts';
import { observeVenue } from '../../src/venues/observe.ts';
import { VENUE_MODULES } from '../../src/venues/registry.ts';
import { unitsToUsd } from '../../src/venues/units.ts';
import { caughtUserError } from '../helpers/errors.ts';

const DAYS = 30;
const terms: LeveragedShortTerms = { name: 'eth-short', entryCostUsd: 5, exitCostPct: 0.0005, withdrawDelayDays: 0, leverage: 2, targetHealthFactor: 1.5 };
function pathAt(prices: number[], rates = true): LeveragedShortPath {
  return {
    prices: Float64Array.from(prices),
    ...(rates ? { liquidityRateRay: prices.map(() => RAY / 25n), variableBorrowRateRay: prices.map(() => RAY / 50n) } : {}),
    tokenDecimals: 18,
    liquidationThreshold: 0.85,
    liquidationPenaltyPct: 0.05,
    swapFeePct: 0.0005,
  };
}
const flat = pathAt(Array.from({ length: DAYS + 1 }, (_, d) => 3000 * (1 + 0.02 * Math.sin(d))));
const USD = 1_000_000n;
const json = (x: unknown): string => JSON.stringify(x, (_, v) => (typeof v === 'bigint' ? v.toString() : v));
const leverageOf = (s: LeveragedShortState, day: number): number => {
  const m = leveragedShortMarketOn(flat, day);
  return unitsToUsd(collateralUnits(s)) / unitsToUsd(equityUnits(s, m)) - 1;
};

describe('leveraged short venue module', () => {
  it('is registered under its kind, books value changes as pnl', () => {
    expect(VENUE_MODULES.leveraged_short).toBe(leveragedShort);
    expect(leveragedShort.kind).toBe('leveraged_short');
    expect(leveragedShort.valueChange).toBe('pnl');
    expect(leveragedShort.value(terms, flat, leveragedShort.empty(terms), 0)).toBe(0n);
  });

  it('deposit / withdraw conserve money net of fees, round in the protocol\'s favour and leave their inputs untouched', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 10n * USD, max: 10n ** 14n }), fc.bigInt({ min: 10n * USD, max: 10n ** 14n }), fc.double({ min: 0.01, max: 0.99, noNaN: true }), fc.integer({ min: 0, max: DAYS }), (first, second, part, day) => {
        const empty = leveragedShort.empty(terms);
        const frozenEmpty = json(empty);
        const open = leveragedShort.deposit(terms, flat, empty, day, first);
        expect(json(empty)).toBe(frozenEmpty);
        expect(open.moved.transferUnits).toBe(first);
        expect(open.moved.positionCostUnits).toBeGreaterThan(0n); // the swap fee
        const v1 = leveragedShort.value(terms, flat, open.state, day);
        // the value never exceeds what went in less the fee (protocol's favour), to a few units of rounding
        expect(v1 <= first - open.moved.positionCostUnits + 2n).toBe(true);
        expect(first - open.moved.positionCostUnits - v1 <= 3n).toBe(true);

        const frozenOpen = json(open.state);
        const more = leveragedShort.deposit(terms, flat, open.state, day, second);
        expect(json(open.state)).toBe(frozenOpen);
        const v2 = leveragedShort.value(terms, flat, more.state, day);
        const leak2 = v2 - v1 - second + more.moved.positionCostUnits;
        expect(leak2 >= -3n && leak2 <= 3n, `deposit leak ${leak2}`).toBe(true);
        expect(leverageOf(more.state, day)).toBeCloseTo(leverageOf(open.state, day), 4); // increase keeps the leverage

        const units = (v2 * BigInt(Math.round(part * 1e6))) / 1_000_000n;
        const frozenMore = json(more.state);
        const out = leveragedShort.withdraw(terms, flat, more.state, day, units);
        expect(json(more.state)).toBe(frozenMore);
        expect(out.moved.transferUnits).toBe(-units); // exactly what was asked, the fee paid by the position
        const v3 = leveragedShort.value(terms, flat, out.state, day);
        const leak3 = v3 - v2 + units + out.moved.positionCostUnits;
        expect(leak3 >= -3n && leak3 <= 3n, `withdraw leak ${leak3}`).toBe(true);
        expect(leverageOf(out.state, day)).toBeCloseTo(leverageOf(more.state, day), 4); // reduce keeps the leverage
        expect(healthFactorOf(out.state, leveragedShortMarketOn(flat, day))).toBeCloseTo(healthFactorOf(more.state, leveragedShortMarketOn(flat, day)), 4);

        const all = leveragedShort.withdraw(terms, flat, out.state, day, v3);
        expect(collateralUnits(all.state)).toBe(0n);
        expect(debtTokenUnits(all.state)).toBe(0n);
        expect(-all.moved.transferUnits + all.moved.positionCostUnits).toBe(v3); // the whole position, less the buy-back fee
        expect(leveragedShort.requestRedeem(terms, flat, out.state, day, v3)).toEqual(all);
      }),
      { numRuns: 200 },
    );
  });

  it('a withdrawal of more than a close pays closes the whole position; nothing moves for 0', () => {
    const open = leveragedShort.deposit(terms, flat, leveragedShort.empty(terms), 0, 1000n * USD).state;
    const v = leveragedShort.value(terms, flat, open, 0);
    const huge = leveragedShort.withdraw(terms, flat, open, 0, 10n * v);
    expect(-huge.moved.transferUnits).toBe(v - huge.moved.positionCostUnits);
    expect(huge.state.debtScaled).toBe(0n);
    expect(leveragedShort.withdraw(terms, flat, open, 0, 0n)).toEqual({ state: open, moved: { transferUnits: 0n, positionCostUnits: 0n } });
  });

  it('after a price move a withdrawal still pays what was asked, keeps debt / equity, and is refused (nothing moves) under water', () => {
    fc.assert(
      fc.property(fc.double({ min: 1000, max: 6000, noNaN: true }), fc.double({ min: 0.01, max: 0.99, noNaN: true }), (price, part) => {
        const path = pathAt([3000, price]);
        const open = leveragedShort.deposit(terms, path, leveragedShort.empty(terms), 0, 100_000n * USD).state;
        const m = leveragedShortMarketOn(path, 1);
        const value = leveragedShort.value(terms, path, open, 1);
        const units = (value * BigInt(Math.round(part * 1e6))) / 1_000_000n;
        const out = leveragedShort.withdraw(terms, path, open, 1, units);
        if (value === 0n) {
          expect(out).toEqual({ state: open, moved: { transferUnits: 0n, positionCostUnits: 0n } });
          return;
        }
        const ratio = (s: LeveragedShortState): number => unitsToUsd(collateralUnits(s)) / unitsToUsd(equityUnits(s, m));
        if (out.state.debtScaled > 0n) {
          expect(out.moved.transferUnits).toBe(-units);
          expect(ratio(out.state) / ratio(open)).toBeCloseTo(1, 5);
        }
        const leak = leveragedShort.value(terms, path, out.state, 1) - value - out.moved.transferUnits + out.moved.positionCostUnits;
        expect(leak >= -3n && leak <= 3n, `leak ${leak}`).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('accrues the indexes for the day and liquidates only below a health factor of 1, booking the penalty', () => {
    fc.assert(
      fc.property(fc.double({ min: 1000, max: 6000, noNaN: true }), fc.double({ min: 0.5, max: 4.5, noNaN: true }), (price, leverage) => {
        const path = pathAt([3000, price]);
        const t = { ...terms, leverage };
        const open = leveragedShort.deposit(t, path, leveragedShort.empty(t), 0, 1000n * USD).state;
        const frozen = json(open);
        const step = leveragedShort.accrue(t, path, open, 1);
        expect(json(open)).toBe(frozen);
        expect(step.moved.transferUnits).toBe(0n);
        expect(step.state.liquidityIndexRay).toBeGreaterThan(open.liquidityIndexRay);
        expect(step.state.variableBorrowIndexRay).toBeGreaterThan(open.variableBorrowIndexRay);
        const accruedOnly = { ...open, liquidityIndexRay: step.state.liquidityIndexRay, variableBorrowIndexRay: step.state.variableBorrowIndexRay };
        const m1 = leveragedShortMarketOn(path, 1);
        const liq = liquidateLeveragedShort(accruedOnly, m1);
        if (healthFactorOf(accruedOnly, m1) >= 1) {
          expect(step.moved.positionCostUnits).toBe(0n);
          expect(step.state.debtScaled).toBe(open.debtScaled);
          expect(step.state.collateralScaled).toBe(open.collateralScaled);
        } else {
          expect(step.state.debtScaled).toBeLessThan(open.debtScaled);
          expect(step.moved.positionCostUnits).toBeGreaterThan(0n);
          expect(step.moved.positionCostUnits).toBe(liq.moved.costUnits);
          // value lost to the liquidation = the penalty (to rounding)
          const lost = equityUnits(accruedOnly, m1) - equityUnits(step.state, m1);
          expect(Math.abs(Number(lost - step.moved.positionCostUnits))).toBeLessThanOrEqual(3);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('observeVenue gives a sensible observation', () => {
    const day = 5;
    const withTvl = { ...flat, othersTvlUsd: new Float64Array(DAYS + 1).fill(5e8) };
    const state = leveragedShort.deposit(terms, withTvl, leveragedShort.empty(terms), day, 100_000n * USD).state;
    const obs = observeVenue(leveragedShort, { ...terms, targetHealthFactor: 1.1 }, withTvl, state, day, '2025-01-06T00:00:00.000Z');
    const m = leveragedShortMarketOn(flat, day);
    const collateralUsd = unitsToUsd(collateralUnits(state));
    const equityUsd = unitsToUsd(equityUnits(state, m));
    const debtUsd = collateralUsd - equityUsd;
    expect(obs).toMatchObject({ venue: 'eth-short', kind: 'leveraged_short', redeemQueuedUsd: 0, withdrawDelayDays: 0, entryCostUsd: 5, exitCostPct: 0.0005, asOf: '2025-01-06T00:00:00.000Z' });
    expect(obs.positionUsd).toBeCloseTo(equityUsd, 6);
    expect(obs.positionUsd).toBeGreaterThan(99_000);
    expect(obs.tvlUsd).toBeCloseTo(5e8 + obs.positionUsd, 3);
    expect(obs.sharePrice).toBeNaN();
    // what can leave keeping HF 1.1: (collateral − available) × LT / debt = 1.1
    expect(obs.availableLiquidityUsd).toBeGreaterThan(0);
    expect(((collateralUsd - obs.availableLiquidityUsd) * 0.85) / debtUsd).toBeCloseTo(1.1, 6);
    expect(observeVenue(leveragedShort, terms, withTvl, state, day, 'now').availableLiquidityUsd).toBe(0); // HF 1.27 < 1.5: nothing
    expect(obs.availableLiquidityUsd).toBeLessThanOrEqual(obs.positionUsd);
    expect(obs.apy).toBeCloseTo((collateralUsd * aprToApy(0.04) - debtUsd * aprToApy(0.02)) / equityUsd, 9);

    const bare = pathAt(Array.from(flat.prices), false);
    const blind = observeVenue(leveragedShort, terms, bare, state, day, 'now');
    expect(blind.tvlUsd).toBeNaN();
    expect(blind.apy).toBeNaN();
    const empty = observeVenue(leveragedShort, terms, flat, leveragedShort.empty(terms), day, 'now');
    expect(empty.positionUsd).toBe(0);
    expect(empty.availableLiquidityUsd).toBe(0);
    expect(empty.apy).toBeCloseTo(3 * aprToApy(0.04) - 2 * aprToApy(0.02), 12); // a fresh position at terms.leverage
  });

  it('refuses a leverage at or above the maximum, naming the field', () => {
    expect(caughtUserError(() => leveragedShort.deposit({ ...terms, leverage: 6 }, flat, leveragedShort.empty(terms), 0, 1000n * USD)).field).toBe('leverage');
  });
});
