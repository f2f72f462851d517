import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyTrades } from '../helpers/applyTrades.ts';
import { parseConfig } from '../../src/core/config.ts';
import { convergenceFraction, createYieldState, planYield, type YieldPlan, type YieldPolicy, type YieldState, type YieldVenueRule } from '../../src/strategies/yieldManager.ts';
import { YieldSnapshotSchema, yieldInputFromSnapshot } from '../../src/strategies/yieldManager/snapshot.ts';
import { twoVenueRules, twoVenueSnapshot } from '../helpers/yieldSnapshot.ts';

const num = (min: number, max: number) => fc.integer({ min: 0, max: 1_000_000 }).map((k) => min + ((max - min) * k) / 1_000_000);

/** A random policy and state: 1–4 venues (some delayed, some with little liquidity), cash, redemptions and buys. */
function caseArb(): fc.Arbitrary<{ policy: YieldPolicy; state: YieldState }> {
  return fc.integer({ min: 1, max: 4 }).chain((n) =>
    fc
      .record({
        venues: fc.tuple(
          ...Array.from({ length: n }, (_, i) =>
            fc.record({
              kind: fc.constantFrom('credit_supply' as const, 'vault' as const),
              maxConcentration: i === n - 1 ? fc.constant(1) : num(0, 1),
              maxPoolParticipation: fc.option(num(0.01, 1), { nil: null }),
              maxUsd: fc.option(num(0, 6e5), { nil: null }),
              delayed: fc.boolean(),
              existingUsd: fc.oneof(fc.constant(0), num(0, 5e5)),
              otherTvlUsd: num(0, 1e7),
              liquidityPct: fc.option(num(0, 1.2), { nil: null, freq: 2 }),
              apy: num(0, 0.2),
              entryCostUsd: num(0, 30),
            }),
          ),
        ),
        cashBufferPct: num(0, 0.3),
        toleranceUsd: num(0.01, 200),
        horizonDays: fc.option(num(1, 90), { nil: null }),
        convergenceDays: num(1.5, 60),
        cashUsd: num(0, 1e6),
        pendingUsd: fc.oneof(fc.constant(0), num(0, 4e5)),
        buyUsd: fc.oneof(fc.constant(0), num(0, 3e5)),
      })
      .map((c) => {
        const state = createYieldState(n);
        const venues: YieldVenueRule[] = c.venues.map((v, i) => {
          state.existingUsd[i] = v.existingUsd;
          state.tvlUsd[i] = v.existingUsd + v.otherTvlUsd;
          state.sharePrice[i] = v.kind === 'vault' ? 1.1 : NaN;
          state.availableLiquidityUsd[i] = v.delayed ? v.existingUsd * 0.1 : v.liquidityPct === null ? Infinity : v.liquidityPct * v.existingUsd;
          state.apy[i] = v.apy;
          return { venue: `v${i}`, kind: v.kind, maxConcentration: v.maxConcentration, maxPoolParticipation: v.maxPoolParticipation, maxUsd: v.maxUsd, withdrawDelayDays: v.delayed ? 3 : 0, entryCostUsd: v.entryCostUsd, exitCostPct: 0 };
        });
        state.cashUsd = c.cashUsd;
        state.totalEquityUsd = c.cashUsd + c.venues.reduce((s, v) => s + v.existingUsd, 0);
        state.pendingRedemptionsUsd = c.pendingUsd;
        state.directionalBuyUsd = c.buyUsd;
        const policy: YieldPolicy = {
          rules: { cashBufferPct: c.cashBufferPct, sellHaircutPct: 0.01, cashChangeToleranceUsd: c.toleranceUsd, horizonDays: c.horizonDays, convergenceDays: c.convergenceDays, dtDays: 1 },
          venues,
        };
        return { policy, state };
      }),
  );
}


const fullSpeed = (policy: YieldPolicy): YieldPolicy => ({ ...policy, rules: { ...policy.rules, convergenceDays: null } });
const eps = (plan: YieldPlan): number => 1e-6 * Math.max(1, plan.cashLikeUsd);
const RUNS = { numRuns: 300 };

describe('yield manager: gradual convergence', () => {
  it('moves min(1, √(dtDays / convergenceDays)) of the way', () => {
    expect(convergenceFraction({ convergenceDays: 30, dtDays: 1 })).toBeCloseTo(Math.sqrt(1 / 30), 15);
    expect(convergenceFraction({ convergenceDays: 4 })).toBe(0.5);
    expect(convergenceFraction({ convergenceDays: 0.5, dtDays: 1 })).toBe(1);
    expect(convergenceFraction({ convergenceDays: null })).toBe(1);
  });

  it('deploys idle cash by the fraction, but pays cash obligations at once', () => {
    const plan = (over: Record<string, unknown>): YieldPlan => {
      const { policy, state } = yieldInputFromSnapshot(parseConfig(YieldSnapshotSchema, twoVenueSnapshot({ rules: twoVenueRules({ convergenceDays: 4, weights: [{ venue: 'ipor', maxConcentration: 0 }, { venue: 'aave', maxConcentration: 1 }] }), ...over })));
      return planYield(policy, state);
    };
    // 10,000 cash, 5% buffer: the target is 9,500 in Aave; f = √(1/4) = 0.5 of the way
    const deploy = plan({});
    expect(deploy.decisions[1].targetUsd).toBeCloseTo(9500, 9);
    expect(deploy.decisions[1].amountUsd).toBeCloseTo(4750, 9);
    expect(deploy.trades).toEqual([{ venue: 'aave', kind: 'credit_supply', action: 'supply', deltaUsd: 4750, deltaShares: null, settlesInDays: 0 }]);
    // 8,000 in Aave, 2,000 cash, 3,000 redemptions due: 3,000 − (2,000 − 500) = 1,500 more cash is needed now
    const pay = plan({ cashUsd: 2000, positionsUsd: { ipor: 0, aave: 8000 }, pendingRedemptionsUsd: 3000, totalEquityUsd: 10000 });
    expect(pay.decisions[1].targetUsd).toBeCloseTo(6500, 9);
    expect(pay.trades.map((t) => t.deltaUsd)).toEqual([-1500]);
    // a venue above its cap (ipor, 3,000 with maxUsd 1,000) comes down at once; the freed money moves to Aave by half
    const capped = plan({ rules: twoVenueRules({ convergenceDays: 4, weights: [{ venue: 'ipor', maxConcentration: 1, maxUsd: 1000 }, { venue: 'aave', maxConcentration: 1 }] }), cashUsd: 7000, positionsUsd: { ipor: 3000, aave: 0 } });
    expect(capped.decisions[0].amountUsd).toBeCloseTo(1000, 9);
    expect(capped.decisions[1].targetUsd).toBeCloseTo(8500, 9);
    expect(capped.decisions[1].amountUsd).toBeCloseTo(4250, 9);
  });

  it('is the full-speed plan when the fraction is 1', () => {
    fc.assert(
      fc.property(caseArb(), ({ policy, state }) => {
        const one = { ...policy, rules: { ...policy.rules, convergenceDays: 0.5, dtDays: 1 } };
        expect(planYield(one, state)).toEqual(planYield(fullSpeed(policy), state));
      }),
      RUNS,
    );
  });

  it('keeps the full-speed targets, meets cash obligations and caps now, and shrinks every gap to at most (1 − f)', () => {
    fc.assert(
      fc.property(caseArb(), ({ policy, state }) => {
        const f = convergenceFraction(policy.rules);
        const first = planYield(policy, state);
        const full = planYield(fullSpeed(policy), state);
        first.decisions.forEach((d, i) => expect(d.targetUsd).toBe(full.decisions[i].amountUsd));
        expect(first.trades.filter((t) => t.settlesInDays > 0)).toEqual(full.trades.filter((t) => t.settlesInDays > 0));
        for (const t of first.trades) expect(Math.abs(t.deltaUsd)).toBeGreaterThan(policy.rules.cashChangeToleranceUsd);
        // cash obligations are met as at full speed: cash after the trades covers what the waterfall keeps out of yield
        // (or as much as the full-speed plan keeps, when trades within the tolerance leave it a hair short)
        if (full.shortfallUsd === 0) expect(first.cashAfterUsd).toBeGreaterThanOrEqual(Math.min(full.cashAfterUsd, full.tradeCashDiffUsd + full.alwaysInCashUsd + full.pendingRedemptionsUsd) - eps(first));
        else first.decisions.forEach((d, i) => expect(d.amountUsd).toBeCloseTo(full.decisions[i].amountUsd, 6));
        const next = applyTrades(state, first);
        const again = planYield(policy, next);
        const againFull = planYield(fullSpeed(policy), next);
        // the break-even gate may skip a deposit that has become small; the skipped money then flows to later rules
        const gateFlipped = again.decisions.some((d, i) => d.boundBy === 'breakEven' && first.decisions[i].boundBy !== 'breakEven');
        again.decisions.forEach((d, i) => {
          const before = first.decisions[i];
          // otherwise the targets do not move
          if (!gateFlipped) expect(d.targetUsd).toBeCloseTo(before.targetUsd, 6);
          // nothing above a cap: the full-speed plan would not trim anything beyond the gradual moves
          expect(Math.max(againFull.decisions[i].capUsd, d.lockedUsd)).toBeGreaterThanOrEqual(Math.min(d.existingUsd, againFull.decisions[i].amountUsd) - eps(first));
          if (!gateFlipped && before.trade !== null) expect(Math.abs(d.targetUsd - d.existingUsd)).toBeLessThanOrEqual((1 - f) * Math.abs(before.targetUsd - before.existingUsd) + eps(first));
        });
        // the positions fit the available amount: no cash is missing any more
        if (full.shortfallUsd === 0) expect(again.positionsUsd).toBeLessThanOrEqual(Math.max(again.availableForYieldUsd, 0) + policy.venues.length * policy.rules.cashChangeToleranceUsd + eps(first));
      }),
      RUNS,
    );
  });

  it('reaches its targets in finitely many plans, within the tolerance', () => {
    fc.assert(
      fc.property(caseArb(), ({ policy, state }) => {
        let s = state;
        let plan = planYield(policy, s);
        let plans = 0;
        while (plan.trades.some((t) => t.settlesInDays === 0) && plans < 500) {
          s = applyTrades(s, plan);
          plan = planYield(policy, s);
          plans++;
        }
        expect(plans).toBeLessThan(500);
        for (const d of plan.decisions) if (d.boundBy !== 'breakEven') expect(Math.abs(d.targetUsd - d.existingUsd)).toBeLessThanOrEqual(policy.rules.cashChangeToleranceUsd + eps(plan));
      }),
      { numRuns: 100 },
    );
  });
});
