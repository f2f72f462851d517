import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyTrades } from '../helpers/applyTrades.ts';
import {
  createYieldState,
  lockedUsd,
  planYield,
  poolParticipationCapUsd,
  YIELD_DUST_USD,
  type YieldPlan,
  type YieldPolicy,
  type YieldState,
  type YieldVenueRule,
} from '../../src/strategies/yieldManager.ts';

const EPS = 1e-6;
/** A number in [min, max] on a grid of 1e-6 of the range (fast-check's doubles cluster near 0). */
const num = (min: number, max: number) => fc.integer({ min: 0, max: 1_000_000 }).map((k) => min + ((max - min) * k) / 1_000_000);
const usd = (max: number) => num(0, max);

interface VenueCase {
  rule: YieldVenueRule;
  existingUsd: number;
  tvlUsd: number;
  sharePrice: number;
  liquidityUsd: number;
  queuedPct: number;
  apy: number;
}

function venueArb(index: number, last: boolean, withLocks: boolean): fc.Arbitrary<VenueCase> {
  return fc.record({
    kind: fc.constantFrom('credit_supply' as const, 'vault' as const),
    maxConcentration: last ? fc.constant(1) : fc.oneof(fc.constant(0), fc.constant(1), num(0, 1)),
    maxPoolParticipation: fc.option(num(0, 1), { nil: null }),
    maxUsd: fc.option(usd(1e6), { nil: null }),
    withdrawDelayDays: withLocks ? fc.oneof({ arbitrary: fc.constant(0), weight: 4 }, { arbitrary: fc.integer({ min: 1, max: 7 }), weight: 1 }) : fc.constant(0),
    entryCostUsd: usd(50),
    exitCostPct: num(0, 0.01),
    existingUsd: fc.oneof(fc.constant(0), usd(5e5)),
    tvlUsd: usd(1e7),
    sharePrice: num(0.5, 3),
    liquidityPct: withLocks ? fc.option(num(0, 1.2), { nil: null, freq: 2 }) : fc.constant(null),
    queuedPct: withLocks ? num(0, 1) : fc.constant(0),
    apy: num(-0.05, 0.3),
  }).map((r) => ({
    rule: {
      venue: `v${index}`,
      kind: r.kind,
      maxConcentration: r.maxConcentration,
      maxPoolParticipation: r.maxPoolParticipation,
      maxUsd: r.maxUsd,
      withdrawDelayDays: r.withdrawDelayDays,
      entryCostUsd: r.entryCostUsd,
      exitCostPct: r.exitCostPct,
    },
    existingUsd: r.existingUsd,
    tvlUsd: r.existingUsd + r.tvlUsd, // the TVL holds our own position
    sharePrice: r.sharePrice,
    liquidityUsd: r.liquidityPct === null ? (r.withdrawDelayDays > 0 ? 0 : Infinity) : r.liquidityPct * r.existingUsd,
    queuedPct: r.withdrawDelayDays > 0 ? r.queuedPct : 0,
    apy: r.apy,
  }));
}

/** A random policy and state: 1–6 venues, random caps, positions, trades, liquidity and delays. */
function caseArb(withLocks: boolean): fc.Arbitrary<{ policy: YieldPolicy; state: YieldState }> {
  return fc.integer({ min: 1, max: 6 }).chain((n) =>
    fc.record({
      venues: fc.tuple(...Array.from({ length: n }, (_, i) => venueArb(i, i === n - 1, withLocks))),
      cashBufferPct: num(0, 0.5),
      sellHaircutPct: num(0.001, 1),
      toleranceUsd: num(0.01, 100),
      horizonDays: fc.option(num(1, 365), { nil: null }),
      cashUsd: usd(1e6),
      otherEquityUsd: usd(3e5),
      pendingUsd: fc.oneof(fc.constant(0), usd(1e5)),
      buyUsd: fc.oneof(fc.constant(0), usd(3e5)),
      sellUsd: fc.oneof(fc.constant(0), usd(5e5)),
      asyncSellUsd: fc.oneof(fc.constant(0), usd(1e5)),
    }).map((c) => {
      const state = createYieldState(n);
      c.venues.forEach((v, i) => {
        state.existingUsd[i] = v.existingUsd;
        state.tvlUsd[i] = v.tvlUsd;
        state.sharePrice[i] = v.rule.kind === 'vault' ? v.sharePrice : NaN;
        state.availableLiquidityUsd[i] = v.liquidityUsd;
        state.redeemQueuedUsd[i] = v.queuedPct * v.existingUsd;
        state.apy[i] = v.apy;
      });
      state.cashUsd = c.cashUsd;
      state.totalEquityUsd = c.cashUsd + c.venues.reduce((s, v) => s + v.existingUsd, 0) + c.otherEquityUsd;
      state.pendingRedemptionsUsd = c.pendingUsd;
      state.directionalBuyUsd = c.buyUsd;
      state.directionalSellUsd = c.sellUsd;
      state.directionalAsyncSellUsd = c.asyncSellUsd;
      const policy: YieldPolicy = {
        rules: { cashBufferPct: c.cashBufferPct, sellHaircutPct: c.sellHaircutPct, cashChangeToleranceUsd: c.toleranceUsd, horizonDays: c.horizonDays },
        venues: c.venues.map((v) => v.rule),
      };
      return { policy, state };
    }),
  );
}

const sum = (xs: number[]): number => xs.reduce((s, x) => s + x, 0);

/**
 * A case with a shortfall: the directional buy is set so that the available amount is
 * `frac` × the locked money (frac < 1), often positive so that the caps leave part of the
 * locked money inside them; half the time nothing is queued for redemption yet.
 */
function shortfallCaseArb(): fc.Arbitrary<{ policy: YieldPolicy; state: YieldState }> {
  const delays = fc.array(fc.boolean(), { minLength: 6, maxLength: 6 });
  return fc.tuple(caseArb(true), num(-0.5, 0.95), fc.boolean(), delays).map(([c, frac, nothingQueued, delayed]) => {
    const { state } = c;
    if (nothingQueued) state.redeemQueuedUsd.fill(0);
    // more delayed venues than caseArb makes: their locked money is what requests can free
    const venues = c.policy.venues.map((v, i) => (delayed[i] && v.withdrawDelayDays === 0 ? { ...v, withdrawDelayDays: 2 } : v));
    venues.forEach((v, i) => {
      if (v.withdrawDelayDays > 0) state.availableLiquidityUsd[i] = Math.min(state.availableLiquidityUsd[i], state.existingUsd[i] / 4);
    });
    const policy = { ...c.policy, venues };
    let lockedTotalUsd = 0;
    for (let i = 0; i < state.existingUsd.length; i++) lockedTotalUsd += lockedUsd(state.existingUsd[i], state.availableLiquidityUsd[i], state.redeemQueuedUsd[i]);
    const cashLikeUsd = state.cashUsd + sum(Array.from(state.existingUsd));
    const withoutBuyUsd = cashLikeUsd + state.directionalSellUsd * (1 - policy.rules.sellHaircutPct) - state.totalEquityUsd * policy.rules.cashBufferPct - state.pendingRedemptionsUsd;
    state.directionalBuyUsd = Math.max(withoutBuyUsd - frac * lockedTotalUsd, 0);
    return { policy, state };
  });
}
const scale = (plan: YieldPlan): number => EPS * Math.max(1, plan.cashLikeUsd);


const RUNS = { numRuns: 400 };

describe('yield manager properties', () => {
  it('Σ amounts ≤ available (lock-free), and Σ amounts = available − unallocated + shortfall always', () => {
    fc.assert(
      fc.property(caseArb(false), ({ policy, state }) => {
        const plan = planYield(policy, state);
        const total = sum(plan.decisions.map((d) => d.amountUsd));
        expect(total).toBeLessThanOrEqual(Math.max(plan.availableForYieldUsd, 0) + scale(plan));
        expect(Math.abs(total - plan.allocatedUsd)).toBeLessThanOrEqual(scale(plan));
      }),
      RUNS,
    );
    fc.assert(
      fc.property(caseArb(true), ({ policy, state }) => {
        const plan = planYield(policy, state);
        const total = sum(plan.decisions.map((d) => d.amountUsd));
        expect(Math.abs(total + plan.unallocatedUsd - plan.shortfallUsd - plan.availableForYieldUsd)).toBeLessThanOrEqual(scale(plan));
        if (plan.shortfallUsd === 0) expect(total).toBeLessThanOrEqual(plan.availableForYieldUsd + scale(plan));
      }),
      RUNS,
    );
  });

  it('puts no venue above any cap, unless money cannot leave it this cycle (boundBy liquidity)', () => {
    fc.assert(
      fc.property(caseArb(true), ({ policy, state }) => {
        const plan = planYield(policy, state);
        plan.decisions.forEach((d, i) => {
          const v = policy.venues[i];
          const caps = [Math.max(plan.availableForYieldUsd, 0) * v.maxConcentration];
          if (v.maxPoolParticipation !== null) caps.push(poolParticipationCapUsd(v.maxPoolParticipation, state.tvlUsd[i], d.existingUsd));
          if (v.maxUsd !== null) caps.push(v.maxUsd);
          const cap = Math.min(...caps);
          expect(d.amountUsd).toBeGreaterThanOrEqual(d.lockedUsd - EPS);
          expect(d.amountUsd).toBeLessThanOrEqual(Math.max(cap, d.lockedUsd) + scale(plan));
          if (d.amountUsd > cap + scale(plan)) expect(d.boundBy).toBe('liquidity');
        });
      }),
      RUNS,
    );
  });

  it('gives weights that sum to 1 when something is allocated', () => {
    fc.assert(
      fc.property(caseArb(true), ({ policy, state }) => {
        const plan = planYield(policy, state);
        const weights = sum(plan.decisions.map((d) => d.weight));
        if (plan.allocatedUsd > 0) expect(weights).toBeCloseTo(1, 9);
        else expect(weights).toBe(0);
      }),
      RUNS,
    );
  });

  it('makes no trade at or below the tolerance', () => {
    fc.assert(
      fc.property(caseArb(true), ({ policy, state }) => {
        const plan = planYield(policy, state);
        for (const t of plan.trades) expect(Math.abs(t.deltaUsd)).toBeGreaterThan(policy.rules.cashChangeToleranceUsd);
        for (const d of plan.decisions) {
          if (d.trade === null && d.noTradeReason === 'tolerance') expect(Math.abs(d.deltaUsd)).toBeLessThanOrEqual(policy.rules.cashChangeToleranceUsd);
        }
      }),
      RUNS,
    );
  });

  it('plans no trades after its own trades are applied', () => {
    fc.assert(
      fc.property(caseArb(true), ({ policy, state }) => {
        const first = planYield(policy, state);
        const again = planYield(policy, applyTrades(state, first));
        expect(again.trades).toEqual([]);
      }),
      RUNS,
    );
  });

  it('covers a shortfall by drawing every venue down to its locked money', () => {
    fc.assert(
      fc.property(caseArb(true), ({ policy, state }) => {
        const plan = planYield(policy, state);
        const locked = sum(plan.decisions.map((d) => d.lockedUsd));
        expect(plan.shortfallUsd).toBeCloseTo(Math.max(locked - plan.availableForYieldUsd, 0), 6);
        if (plan.shortfallUsd > 0) for (const d of plan.decisions) expect(d.amountUsd).toBeCloseTo(d.lockedUsd, 6);
      }),
      RUNS,
    );
  });

  it('with a shortfall, redemption requests cover it as far as delayed venues hold locked money, and no more', () => {
    let shortfalls = 0;
    let topUps = 0;
    fc.assert(
      fc.property(fc.oneof(caseArb(true), shortfallCaseArb()), ({ policy, state }) => {
        const plan = planYield(policy, state);
        const tol = policy.rules.cashChangeToleranceUsd;
        const slack = scale(plan) + policy.venues.length * tol;
        const requested = sum(plan.decisions.map((d) => -(d.redeemRequest?.deltaUsd ?? 0)));
        plan.decisions.forEach((d, i) => {
          // a request never exceeds the locked money not yet queued; the shortfall part is within it
          expect(-(d.redeemRequest?.deltaUsd ?? 0)).toBeLessThanOrEqual(d.lockedUsd - state.redeemQueuedUsd[i] + scale(plan));
          expect(d.shortfallRedeemUsd).toBeGreaterThanOrEqual(0);
          expect(d.shortfallRedeemUsd).toBeLessThanOrEqual(-(d.redeemRequest?.deltaUsd ?? 0) + scale(plan));
          if (plan.shortfallUsd === 0 || policy.venues[i].withdrawDelayDays === 0) expect(d.shortfallRedeemUsd).toBe(0);
        });
        if (plan.shortfallUsd === 0) return;
        shortfalls++;
        if (plan.decisions.some((d) => d.shortfallRedeemUsd > 0)) topUps++;
        const withdrawn = sum(plan.trades.filter((t) => t.settlesInDays === 0).map((t) => -t.deltaUsd));
        const withdrawable = sum(plan.decisions.map((d) => d.existingUsd - d.lockedUsd));
        const queued = sum(Array.from(state.redeemQueuedUsd));
        const delayedLocked = sum(plan.decisions.filter((_, i) => policy.venues[i].withdrawDelayDays > 0).map((d) => d.lockedUsd));
        // money out now or later covers what is needed (withdrawn + shortfall), as far as the positions allow
        expect(withdrawn + queued + requested).toBeGreaterThanOrEqual(Math.min(withdrawn + plan.shortfallUsd, withdrawable + delayedLocked) - slack);
        // … and the shortfall part asks for no more than what queued money and excess requests leave open
        const excessRequested = requested - sum(plan.decisions.map((d) => d.shortfallRedeemUsd));
        expect(sum(plan.decisions.map((d) => d.shortfallRedeemUsd))).toBeLessThanOrEqual(Math.max(plan.shortfallUsd - queued - excessRequested, 0) + scale(plan));
      }),
      { numRuns: 1000 },
    );
    // the generator must reach the cases that matter: shortfalls, and ones the excess requests alone would not cover
    expect(shortfalls).toBeGreaterThan(200);
    expect(topUps).toBeGreaterThan(10);
  });

  it('never withdraws more than the withdrawable liquidity, and lists withdrawals before deposits', () => {
    fc.assert(
      fc.property(caseArb(true), ({ policy, state }) => {
        const plan = planYield(policy, state);
        plan.decisions.forEach((d, i) => {
          if (d.trade !== null && d.trade.deltaUsd < 0) {
            expect(-d.trade.deltaUsd).toBeLessThanOrEqual(state.availableLiquidityUsd[i] + EPS);
            expect(-d.trade.deltaUsd).toBeLessThanOrEqual(state.existingUsd[i] - state.redeemQueuedUsd[i] + EPS);
          }
        });
        const signs = plan.trades.filter((t) => t.settlesInDays === 0).map((t) => Math.sign(t.deltaUsd));
        expect(signs).toEqual([...signs].sort((a, b) => a - b));
      }),
      RUNS,
    );
  });

  it('only deposits what breaks even, and flags and trims positions above their pool cap', () => {
    fc.assert(
      fc.property(caseArb(true), ({ policy, state }) => {
        const plan = planYield(policy, state);
        plan.decisions.forEach((d, i) => {
          if (d.breakEven !== null) {
            if (d.boundBy === 'breakEven') expect(d.breakEven.costUsd).toBeGreaterThan(d.breakEven.gainUsd);
            else expect(d.breakEven.gainUsd).toBeGreaterThanOrEqual(d.breakEven.costUsd);
          }
          if (policy.rules.horizonDays === null) expect(d.breakEven).toBeNull();
          const v = policy.venues[i];
          if (v.maxPoolParticipation !== null) {
            const poolCap = poolParticipationCapUsd(v.maxPoolParticipation, state.tvlUsd[i], d.existingUsd);
            expect(d.tvlExcessUsd).toBeCloseTo(Math.max(d.existingUsd - poolCap, 0), 6);
            // above the cap exactly when our share of the TVL exceeds maxPoolParticipation
            expect(d.tvlExcessUsd > 0).toBe(d.existingUsd > v.maxPoolParticipation * state.tvlUsd[i]);
            if (d.tvlExcessUsd > 0) expect(d.amountUsd).toBeLessThanOrEqual(Math.max(poolCap, d.lockedUsd, YIELD_DUST_USD) + EPS);
          }
        });
      }),
      RUNS,
    );
  });
});

describe('yield manager: a sub-dollar position the break-even gate would keep (regression)', () => {
  it('is exited by the dust rule, so planning again after a delayed venue locks money trades nothing', () => {
    const venue = (name: string, maxConcentration: number, withdrawDelayDays = 0) => ({ venue: name, kind: 'credit_supply' as const, maxConcentration, maxPoolParticipation: null, maxUsd: null, withdrawDelayDays, entryCostUsd: 0, exitCostPct: 0 });
    const policy: YieldPolicy = {
      rules: { cashBufferPct: 0, sellHaircutPct: 0.001, cashChangeToleranceUsd: 0.01, horizonDays: 1, convergenceDays: null, dtDays: 1 },
      venues: [venue('v0', 1), venue('v1', 0), venue('v2', 0.000001), venue('v3', 1, 1), venue('v4', 1)],
    };
    const state = createYieldState(5);
    Object.assign(state, { cashUsd: 929822, totalEquityUsd: 929822.5, directionalSellUsd: 70248 });
    state.existingUsd.set([0, 0, 0.5, 0, 0]);
    state.tvlUsd.set([0, 0, 0.5, 0, 0]);
    state.availableLiquidityUsd.set([Infinity, Infinity, Infinity, 0, 0]);
    state.apy.set([-0.05, -0.05, -0.05, -0.05, 3e-7]);
    const first = planYield(policy, state);
    expect(first.decisions[2].amountUsd).toBe(0); // 0.5 USD of dust is not kept by the gate
    expect(planYield(policy, applyTrades(state, first)).trades).toEqual([]);
  });
});
