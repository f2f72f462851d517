/**
 * The marginal allocation mode on random markets (Aave-like reserves with their rate curve,
 * vaults diluted by TVL): it never breaks a cap the rule fill has, never yields less than the
 * rule fill, places the same money, and the rule fill with its tightened rules places it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planYield } from '../../src/strategies/yieldManager.ts';
import { allocateMarginal, curveApy, marginalApy, marginalRules, ruleFillBounds, type YieldCurve } from '../../src/strategies/yieldManager/marginal.ts';
import { YieldSnapshotSchema, yieldInputFromSnapshot, type YieldSnapshot } from '../../src/strategies/yieldManager/snapshot.ts';
import { poolParticipationCapUsd } from '../../src/strategies/yieldManager.ts';
import { twoVenueSnapshot } from '../helpers/yieldSnapshot.ts';

const num = (min: number, max: number) => fc.integer({ min: 0, max: 1_000_000 }).map((k) => min + ((max - min) * k) / 1_000_000);

const venueArb = (last: boolean) =>
  fc.record({
    kind: fc.constantFrom('credit_supply' as const, 'vault' as const),
    maxConcentration: last ? fc.constant(1) : num(0, 1),
    maxPoolParticipation: fc.option(num(0.01, 0.5), { nil: undefined }),
    maxUsd: fc.option(num(0, 2e6), { nil: undefined }),
    existingUsd: fc.oneof(fc.constant(0), num(0, 1e6)),
    othersTvlUsd: num(1e5, 2e7),
    utilisation: num(0, 0.98),
    apy: num(0, 0.2),
    slope1: num(0.01, 0.1),
    slope2: num(0.1, 1),
    optimal: num(0.5, 0.95),
    reserveFactor: num(0, 0.3),
  });

const marketArb = fc.integer({ min: 1, max: 5 }).chain((n) =>
  fc.record({ venues: fc.tuple(...Array.from({ length: n }, (_, i) => venueArb(i === n - 1))), cashUsd: num(0, 3e6) }),
);

type Market = { venues: any[]; cashUsd: number };

function snapshotOf(m: Market): YieldSnapshot {
  const names = m.venues.map((_, i) => `v${i}`);
  const doc = twoVenueSnapshot({
    rules: { ...twoVenueSnapshot().rules, cashChangeToleranceUsd: 1, weights: m.venues.map((v, i) => ({ venue: names[i], maxConcentration: v.maxConcentration, maxPoolParticipation: v.maxPoolParticipation, maxUsd: v.maxUsd })) },
    venues: Object.fromEntries(m.venues.map((v, i) => [names[i], { kind: v.kind, tvlUsd: v.othersTvlUsd + v.existingUsd, apy: v.apy, ...(v.kind === 'vault' ? { sharePrice: 1 } : {}) }])),
    cashUsd: m.cashUsd,
    positionsUsd: Object.fromEntries(m.venues.map((v, i) => [names[i], v.existingUsd])),
    totalEquityUsd: m.cashUsd + m.venues.reduce((s, v) => s + v.existingUsd, 0),
  });
  return YieldSnapshotSchema.parse(JSON.parse(JSON.stringify(doc)));
}

function curveOf(v: Market['venues'][number]): YieldCurve {
  if (v.kind === 'vault') return { kind: 'dilution', apy: v.apy, tvlUsd: v.othersTvlUsd + v.existingUsd, existingUsd: v.existingUsd };
  const tvl = v.othersTvlUsd + v.existingUsd;
  return {
    kind: 'aave',
    strategy: { baseVariableBorrowRate: 0, variableRateSlope1: v.slope1, variableRateSlope2: v.slope2, optimalUsageRatio: v.optimal, reserveFactor: v.reserveFactor },
    availableLiquidityUsd: tvl * (1 - v.utilisation),
    totalDebtUsd: tvl * v.utilisation,
    existingUsd: v.existingUsd,
  };
}

describe('marginal allocation (rules.mode: marginal)', () => {
  it('never breaks a cap and never yields less than the rule fill, on 100 random markets', () => {
    let improved = 0;
    fc.assert(
      fc.property(marketArb, (m) => {
        const s = snapshotOf(m as Market);
        const { policy, state } = yieldInputFromSnapshot(s);
        const plan = planYield(policy, state);
        const bounds = ruleFillBounds(s, plan);
        const venues = bounds.map((b, i) => ({ ...b, curve: curveOf((m as Market).venues[i]) }));
        const r = allocateMarginal(venues);
        expect(r.yieldUsd).toBeGreaterThanOrEqual(r.ruleFillYieldUsd);
        if (r.yieldUsd > r.ruleFillYieldUsd * (1 + 1e-9)) improved++;
        const total = bounds.reduce((sum, b) => sum + b.startUsd, 0);
        expect(Math.abs(r.amountsUsd.reduce((a, b) => a + b, 0) - total)).toBeLessThanOrEqual(1e-6 * Math.max(1, total));
        const available = Math.max(plan.availableForYieldUsd, 0);
        s.rules.weights.forEach((w, i) => {
          const x = r.amountsUsd[i];
          const d = plan.decisions[i];
          const slack = 1e-6 * Math.max(1, x);
          expect(x).toBeGreaterThanOrEqual(d.lockedUsd - slack);
          // a cap the rule fill kept, the marginal mode keeps (locked money above a cap stays where it is)
          const caps = [available * w.maxConcentration, w.maxUsd ?? Infinity, w.maxPoolParticipation === undefined ? Infinity : poolParticipationCapUsd(w.maxPoolParticipation, s.venues[w.venue].tvlUsd!, d.existingUsd)];
          for (const cap of caps) expect(x).toBeLessThanOrEqual(Math.max(cap, d.amountUsd, d.lockedUsd) + slack);
        });
        // the rule fill with the tightened rules places the marginal amounts
        const tightened = YieldSnapshotSchema.parse({ ...s, rules: marginalRules(s.rules, r.amountsUsd) });
        const again = planYield(...(Object.values(yieldInputFromSnapshot(tightened)) as [any, any]));
        again.decisions.forEach((d, i) => expect(Math.abs(d.amountUsd - r.amountsUsd[i])).toBeLessThanOrEqual(1 + 1e-6 * r.amountsUsd[i]));
      }),
      { numRuns: 100, seed: 13 },
    );
    expect(improved).toBeGreaterThan(10); // the search does move money (17 of these 100 markets)
  });

  it('equalises marginal APYs between two uncapped venues', () => {
    const a: YieldCurve = { kind: 'dilution', apy: 0.08, tvlUsd: 1e6, existingUsd: 0 };
    const b: YieldCurve = { kind: 'aave', strategy: { baseVariableBorrowRate: 0, variableRateSlope1: 0.06, variableRateSlope2: 0.6, optimalUsageRatio: 0.9, reserveFactor: 0.1 }, availableLiquidityUsd: 4e6, totalDebtUsd: 6e6, existingUsd: 0 };
    const r = allocateMarginal([
      { venue: 'a', curve: a, minUsd: 0, maxUsd: 5e6, startUsd: 0 },
      { venue: 'b', curve: b, minUsd: 0, maxUsd: 5e6, startUsd: 3e6 },
    ]);
    expect(r.amountsUsd[0]).toBeGreaterThan(0);
    expect(r.amountsUsd[1]).toBeGreaterThan(0);
    expect(Math.abs(marginalApy(a, r.amountsUsd[0]) - marginalApy(b, r.amountsUsd[1]))).toBeLessThan(1e-6);
    expect(r.yieldUsd).toBeGreaterThan(r.ruleFillYieldUsd);
    expect(curveApy(b, r.amountsUsd[1])).toBeLessThan(0.0216 * 1.01);
  });
});
