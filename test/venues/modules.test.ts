import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import { sampleReservePath, sampleVaultPath } from '../../src/market/venues.ts';
import { USDC_RATE_STRATEGY } from '../../src/protocols/aave.ts';
import { asyncVault, queuedShares, type AsyncVaultState, type AsyncVaultTerms } from '../../src/venues/asyncVault.ts';
import { cash } from '../../src/venues/cash.ts';
import { creditSupply } from '../../src/venues/creditSupply.ts';
import { deltaNeutralSleeve, type SleeveTerms } from '../../src/venues/deltaNeutralSleeve.ts';
import { observeVenue } from '../../src/venues/observe.ts';
import { VENUE_MODULES } from '../../src/venues/registry.ts';
import type { AnyVenueModule, VenueTerms } from '../../src/venues/types.ts';
import { vault } from '../../src/venues/vault.ts';
import { EXACT_DEFAULTS } from '../../src/strategies/deltaNeutral/exact.ts';

const DAYS = 60;
const rng = (): Rng => Rng.stream(7, 0);
const reserve = sampleReservePath(
  { strategy: USDC_RATE_STRATEGY, utilisation: { kind: 'constant', value: 0.85 }, tvlUsd: { kind: 'constant', value: 1e8 } },
  DAYS,
  rng(),
);
const vaultPath = sampleVaultPath({ apy: { kind: 'meanReverting', level: 0.06, speed: 10, vol: 0.05 }, tvlUsd: { kind: 'constant', value: 2e7 }, initialSharePrice: 1.07 }, DAYS, rng());
const terms: VenueTerms = { name: 'v', entryCostUsd: 0, exitCostPct: 0, withdrawDelayDays: 0 };
const asyncTerms: AsyncVaultTerms = { ...terms, name: 'lagoon', withdrawDelayDays: 3, instantLiquidityPct: 0.01 };
const sleeveTerms: SleeveTerms = { ...terms, name: 'sleeve', exact: { ...EXACT_DEFAULTS, dtYears: 1 / 365, poolApr: 0.2, makerFeePct: 0.0002, takerFeePct: 0.0005, fixedCostUsd: 5, rebalanceEvery: 1 } };
const sleeveMarket = { prices: Float64Array.from({ length: DAYS + 1 }, (_, t) => 3000 * (1 + 0.01 * Math.sin(t))), fundingApr: new Float64Array(DAYS + 1).fill(0.05) };

/** Each instant venue with its terms and market. */
const INSTANT: [string, AnyVenueModule, VenueTerms, unknown][] = [
  ['credit supply', creditSupply, terms, reserve],
  ['vault', vault, terms, vaultPath],
  ['async vault (instant part)', asyncVault, asyncTerms, vaultPath],
  ['cash', cash, terms, null],
];

describe('venue modules', () => {
  for (const [name, mod, t, market] of INSTANT) {
    it(`${name}: a deposit then a full withdrawal moves the money exactly, never in the holder's favour, and leaves the inputs untouched`, () => {
      fc.assert(
        fc.property(fc.bigInt({ min: 1n, max: 10n ** 14n }), fc.integer({ min: 0, max: DAYS }), (units, day) => {
          const empty = mod.empty(t);
          const frozen = JSON.stringify(empty, (_, x) => (typeof x === 'bigint' ? x.toString() : x));
          const deposit = mod.deposit(t, market, empty, day, units);
          expect(deposit.moved).toEqual({ transferUnits: units, positionCostUnits: 0n });
          expect(JSON.stringify(empty, (_, x) => (typeof x === 'bigint' ? x.toString() : x))).toBe(frozen);
          const value = mod.value(t, market, deposit.state, day);
          expect(value).toBeLessThanOrEqual(units); // rounding in the venue's favour
          expect(units - value).toBeLessThanOrEqual(2n);
          const out = mod.withdraw(t, market, deposit.state, day, value);
          expect(-out.moved.transferUnits).toBe(value);
          expect(mod.value(t, market, out.state, day)).toBe(0n);
        }),
        { numRuns: 200 },
      );
    });
  }

  it('credit supply earns the reserve rate by its liquidity index', () => {
    let s = creditSupply.deposit(terms, reserve, creditSupply.empty(terms), 0, 10n ** 12n).state;
    for (let d = 1; d <= 30; d++) s = creditSupply.accrue(terms, reserve, s, d).state;
    const grown = Number(creditSupply.value(terms, reserve, s, 30)) / 1e12;
    let expected = 1;
    for (let d = 0; d < 30; d++) expected *= 1 + reserve.supplyApr[d] / 365;
    expect(grown).toBeCloseTo(expected, 9);
  });

  it('an async vault settles a request after its delay at that day\'s price, and the queue shows in the observation', () => {
    let s: AsyncVaultState = asyncVault.deposit(asyncTerms, vaultPath, asyncVault.empty(asyncTerms), 0, 10n ** 12n).state;
    s = asyncVault.requestRedeem(asyncTerms, vaultPath, s, 1, 4n * 10n ** 11n).state;
    expect(queuedShares(s)).toBeGreaterThan(0n);
    const obs = observeVenue(asyncVault, asyncTerms, vaultPath, s, 1, '2025-01-02T00:00:00.000Z');
    expect(obs.redeemQueuedUsd).toBeCloseTo(4e5, 0);
    expect(obs.availableLiquidityUsd).toBeCloseTo(0.01 * vaultPath.tvlUsd[1], 6);
    expect(obs.tvlUsd).toBeCloseTo(vaultPath.tvlUsd[1] + obs.positionUsd, 6);
    for (const d of [2, 3]) {
      const step = asyncVault.accrue(asyncTerms, vaultPath, s, d);
      expect(step.moved.transferUnits).toBe(0n);
      s = step.state;
    }
    const due = asyncVault.accrue(asyncTerms, vaultPath, s, 4);
    const paid = -due.moved.transferUnits;
    expect(Number(paid) / 4e11).toBeCloseTo(vaultPath.sharePrice[4] / vaultPath.sharePrice[1], 6);
    expect(due.state.queue).toEqual([]);
    // free shares only: the instant withdrawal cannot take queued money
    const again = asyncVault.requestRedeem(asyncTerms, vaultPath, due.state, 4, 10n ** 13n).state;
    expect(asyncVault.withdraw(asyncTerms, vaultPath, again, 4, 10n ** 13n).moved.transferUnits).toBe(0n);
  });

  it('the sleeve opens, pays its fixed cost out of its collateral and scales in kind', () => {
    const open = deltaNeutralSleeve.deposit(sleeveTerms, sleeveMarket, deltaNeutralSleeve.empty(sleeveTerms), 0, 10n ** 11n);
    expect(open.moved).toEqual({ transferUnits: 10n ** 11n, positionCostUnits: 5_000_000n });
    expect(Number(deltaNeutralSleeve.value(sleeveTerms, sleeveMarket, open.state, 0))).toBeCloseTo(1e11 - 5e6, -1);
    const day1 = deltaNeutralSleeve.accrue(sleeveTerms, sleeveMarket, open.state, 1).state;
    expect(day1.step).toBe(1);
    expect(open.state.step).toBe(0); // the input state is untouched
    const half = deltaNeutralSleeve.withdraw(sleeveTerms, sleeveMarket, day1, 1, 5n * 10n ** 10n);
    expect(half.moved.transferUnits).toBe(-5n * 10n ** 10n);
  });

  it('registers one module per kind under its own kind', () => {
    for (const [kind, mod] of Object.entries(VENUE_MODULES)) expect(mod.kind).toBe(kind);
  });
});
