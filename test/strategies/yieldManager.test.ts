import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/core/config.ts';
import { UserError } from '../../src/core/errors.ts';
import {
  createYieldWorkspace,
  horizonYieldUsd,
  lockedUsd,
  planYield,
  planYieldInto,
  poolParticipationCapUsd,
  type YieldPlan,
} from '../../src/strategies/yieldManager.ts';
import { YieldSnapshotSchema, yieldInputFromSnapshot } from '../../src/strategies/yieldManager/snapshot.ts';
import { twoVenueRules, twoVenueSnapshot } from '../helpers/yieldSnapshot.ts';
import { caughtUserError } from '../helpers/errors.ts';

interface FixtureVector {
  id: string;
  snapshot: unknown;
  expected: {
    tradeCashDiffUsd?: number;
    availableForYieldUsd: number;
    amountsUsd: Record<string, number>;
    weights: Record<string, number>;
    boundBy?: Record<string, string>;
    trades?: { venue: string; action: string; deltaUsd: number; deltaShares: number | null }[];
  };
  tolerance: { rel?: number; abs?: number };
}

const fixture = JSON.parse(readFileSync(new URL('../fixtures/yield-manager.json', import.meta.url), 'utf8')) as { vectors: FixtureVector[] };

function planOf(snapshot: unknown): YieldPlan {
  const { policy, state } = yieldInputFromSnapshot(parseConfig(YieldSnapshotSchema, snapshot));
  return planYield(policy, state);
}

function decision(plan: YieldPlan, venue: string) {
  const d = plan.decisions.find((x) => x.venue === venue);
  if (d === undefined) throw new Error(`no decision for ${venue}`);
  return d;
}

function close(actual: number, expected: number, tol: { rel?: number; abs?: number }): void {
  const allowed = Math.max(tol.abs ?? 0, (tol.rel ?? 0) * Math.abs(expected));
  expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(allowed);
}

describe('yield manager: reference vectors', () => {
  for (const v of fixture.vectors) {
    it(`${v.id} matches the original`, () => {
      const plan = planOf(v.snapshot);
      close(plan.availableForYieldUsd, v.expected.availableForYieldUsd, v.tolerance);
      if (v.expected.tradeCashDiffUsd !== undefined) close(plan.tradeCashDiffUsd, v.expected.tradeCashDiffUsd, v.tolerance);
      expect(plan.decisions.map((d) => d.venue)).toEqual(Object.keys(v.expected.amountsUsd));
      for (const [venue, amount] of Object.entries(v.expected.amountsUsd)) close(decision(plan, venue).amountUsd, amount, v.tolerance);
      for (const [venue, weight] of Object.entries(v.expected.weights)) close(decision(plan, venue).weight, weight, { abs: 1e-9 });
      for (const [venue, bound] of Object.entries(v.expected.boundBy ?? {})) expect(decision(plan, venue).boundBy).toBe(bound);
      if (v.expected.trades !== undefined) {
        expect(plan.trades.map((t) => [t.venue, t.action])).toEqual(v.expected.trades.map((t) => [t.venue, t.action]));
        v.expected.trades.forEach((t, i) => {
          close(plan.trades[i].deltaUsd, t.deltaUsd, v.tolerance);
          if (t.deltaShares === null) expect(plan.trades[i].deltaShares).toBeNull();
          else close(plan.trades[i].deltaShares as number, t.deltaShares, v.tolerance);
        });
      }
    });
  }
});

describe('yield manager: cash waterfall', () => {
  it('haircuts synchronous sells by sellHaircutPct, ignores asynchronous sells, subtracts redemptions', () => {
    const plan = planOf(
      twoVenueSnapshot({
        pendingRedemptionsUsd: 700,
        directionalTrades: [
          { side: 'buy', reserveUsd: 3000 },
          { side: 'sell', reserveUsd: 2000 },
          { side: 'sell', reserveUsd: 900, async: true },
        ],
        positionsUsd: { ipor: 1000, aave: 2000 },
        cashUsd: 7000,
      }),
    );
    expect(plan.cashLikeUsd).toBe(10000);
    close(plan.tradeCashDiffUsd, 3000 - 2000 * 0.99, { abs: 1e-9 });
    close(plan.alwaysInCashUsd, 500, { abs: 1e-9 });
    close(plan.availableForYieldUsd, 10000 - 1020 - 500 - 700, { abs: 1e-9 });
    expect(plan.directionalAsyncSellUsd).toBe(900);
  });

  it('leaves cash after the trades equal to what the waterfall keeps out of yield', () => {
    const plan = planOf(twoVenueSnapshot({ directionalTrades: [{ side: 'buy', reserveUsd: 1000 }], positionsUsd: { ipor: 4000, aave: 0 }, cashUsd: 6000 }));
    close(plan.cashAfterUsd, plan.tradeCashDiffUsd + plan.alwaysInCashUsd, { abs: 1e-6 });
  });
});

describe('yield manager: rule fill and caps', () => {
  it('caps our share of the TVL after the trade by maxPoolParticipation (the original ignored it)', () => {
    const snap = twoVenueSnapshot({ directionalTrades: [{ side: 'buy', reserveUsd: 1000 }] });
    snap.rules.weights[0].maxPoolParticipation = 0.2;
    snap.venues.ipor.tvlUsd = 4000;
    const plan = planOf(snap);
    // 1,000 deposited into a 4,000 pool is 1,000 / 5,000 = 20% of it
    expect(decision(plan, 'ipor')).toMatchObject({ askedUsd: 2805, capUsd: 1000, amountUsd: 1000, boundBy: 'poolParticipation' });
    expect(decision(plan, 'aave')).toMatchObject({ amountUsd: 7500, boundBy: 'remainder' });
    expect(poolParticipationCapUsd(0.2, 4000, 0)).toBe(1000);
    expect(poolParticipationCapUsd(0.2, 5000, 1000)).toBe(1000); // the TVL holds our own 1,000
    expect(poolParticipationCapUsd(1, 10, 5)).toBe(Infinity);
    expect(poolParticipationCapUsd(0.5, 10, 20)).toBe(0); // a TVL below our position: no other holders
  });

  it('tvlUsd includes our position: after our trades move the TVL, planning again gives no trades', () => {
    const snap = twoVenueSnapshot({ directionalTrades: [{ side: 'buy', reserveUsd: 1000 }] });
    snap.rules.weights[0].maxPoolParticipation = 0.2;
    snap.venues.ipor.tvlUsd = 4000;
    const first = planOf(snap);
    const after = twoVenueSnapshot({ cashUsd: 1500, positionsUsd: { ipor: 1000, aave: 7500 }, directionalTrades: [{ side: 'buy', reserveUsd: 1000 }] });
    after.rules.weights[0].maxPoolParticipation = 0.2;
    after.venues.ipor.tvlUsd = 4000 + (first.trades.find((t) => t.venue === 'ipor')?.deltaUsd ?? NaN);
    const again = planOf(after);
    expect(again.trades).toEqual([]);
    expect(decision(again, 'ipor')).toMatchObject({ capUsd: 1000, amountUsd: 1000, tvlExcessUsd: 0 });
  });

  it('caps by maxUsd, and keeps in cash what the capped last rule cannot take', () => {
    const snap = twoVenueSnapshot();
    snap.rules.weights[0].maxUsd = 1000;
    snap.rules.weights[1].maxUsd = 5000;
    const plan = planOf(snap);
    expect(decision(plan, 'ipor')).toMatchObject({ amountUsd: 1000, boundBy: 'maxUsd' });
    expect(decision(plan, 'aave')).toMatchObject({ amountUsd: 5000, boundBy: 'maxUsd' });
    close(plan.unallocatedUsd, 3500, { abs: 1e-9 });
    close(plan.cashAfterUsd, 4000, { abs: 1e-9 });
    close(decision(plan, 'ipor').weight + decision(plan, 'aave').weight, 1, { abs: 1e-12 });
    close(decision(plan, 'ipor').weight, 1000 / 6000, { abs: 1e-12 });
  });

  it('winds a venue down with maxConcentration 0', () => {
    const snap = twoVenueSnapshot({ positionsUsd: { ipor: 3000, aave: 0 }, cashUsd: 7000 });
    snap.rules.weights[0].maxConcentration = 0;
    const plan = planOf(snap);
    expect(decision(plan, 'ipor').trade).toMatchObject({ action: 'redeem', deltaUsd: -3000, deltaShares: -1500 });
  });
});

describe('yield manager: trades', () => {
  it('resizes credit supply in place instead of closing and reopening it', () => {
    const plan = planOf(twoVenueSnapshot({ positionsUsd: { ipor: 3135, aave: 5000 }, cashUsd: 1865 }));
    expect(plan.trades).toEqual([{ venue: 'aave', kind: 'credit_supply', action: 'supply', deltaUsd: 1365, deltaShares: null, settlesInDays: 0 }]);
    expect(decision(plan, 'ipor').trade).toBeNull();
  });

  it('makes no trade when |delta| is at or below the tolerance, and says why', () => {
    const atTolerance = planOf(twoVenueSnapshot({ positionsUsd: { ipor: 3130, aave: 6370 }, cashUsd: 500 }));
    expect(atTolerance.trades).toEqual([]);
    expect(decision(atTolerance, 'ipor')).toMatchObject({ deltaUsd: 5, trade: null, noTradeReason: 'tolerance' });
    const above = planOf(twoVenueSnapshot({ positionsUsd: { ipor: 3129, aave: 6371 }, cashUsd: 500 }));
    expect(above.trades.map((t) => [t.venue, t.deltaUsd])).toEqual([
      ['aave', -6],
      ['ipor', 6],
    ]);
  });

  it('counts a desired amount below 1 USD as 0', () => {
    const plan = planOf(twoVenueSnapshot({ cashUsd: 10.5, totalEquityUsd: 10.5, positionsUsd: { ipor: 0, aave: 0 } }));
    // available = 10.5 − 0.525 = 9.975: ipor asks 3.29175, aave 6.68325 — both kept; now a tiny budget
    expect(decision(plan, 'ipor').amountUsd).toBeCloseTo(3.29175, 12);
    const tiny = planOf(twoVenueSnapshot({ cashUsd: 2, totalEquityUsd: 2, positionsUsd: { ipor: 0, aave: 0 } }));
    expect(decision(tiny, 'ipor')).toMatchObject({ askedUsd: 0.627, amountUsd: 0 });
    close(decision(tiny, 'aave').amountUsd, 1.9, { abs: 1e-12 });
  });

  it('orders trades: withdrawals from the last rule up, redemption requests, then deposits', () => {
    const snap = twoVenueSnapshot({ positionsUsd: { ipor: 0, aave: 9500, slow: 400 }, cashUsd: 100 });
    snap.rules.weights = [
      { venue: 'slow', maxConcentration: 0 },
      { venue: 'ipor', maxConcentration: 0.33 },
      { venue: 'aave', maxConcentration: 1 },
    ];
    snap.venues.slow = { kind: 'async_vault', sharePrice: 1, withdrawDelayDays: 7 };
    const plan = planOf(snap);
    expect(plan.trades.map((t) => `${t.action}:${t.venue}:${t.settlesInDays}`)).toEqual(['withdraw:aave:0', 'redeem:slow:7', 'deposit:ipor:0']);
  });
});

describe('yield manager: shortfall', () => {
  it('does not fail when directional trades need more than is free: withdraws everything and reports the rest', () => {
    const plan = planOf(twoVenueSnapshot({ positionsUsd: { ipor: 1000, aave: 2000 }, cashUsd: 500, totalEquityUsd: 20000, directionalTrades: [{ side: 'buy', reserveUsd: 4000 }] }));
    // cash-like 3500, needs 4000 + 1000 reserve → available −1500
    close(plan.availableForYieldUsd, -1500, { abs: 1e-9 });
    close(plan.shortfallUsd, 1500, { abs: 1e-9 });
    expect(plan.decisions.map((d) => d.amountUsd)).toEqual([0, 0]);
    expect(plan.trades.map((t) => [t.venue, t.deltaUsd])).toEqual([
      ['aave', -2000],
      ['ipor', -1000],
    ]);
  });

  it('draws the last rule (most liquid) first when only part of the yield book is needed', () => {
    const plan = planOf(twoVenueSnapshot({ positionsUsd: { ipor: 3135, aave: 6365 }, cashUsd: 500, directionalTrades: [{ side: 'buy', reserveUsd: 3000 }] }));
    close(decision(plan, 'aave').deltaUsd, -3000 + 0.33 * 3000, { abs: 1e-9 });
    expect(plan.shortfallUsd).toBe(0);
  });

  it('adds money that cannot be withdrawn this cycle to the shortfall', () => {
    const snap = twoVenueSnapshot({ positionsUsd: { ipor: 1000, aave: 2000 }, cashUsd: 500, totalEquityUsd: 20000, directionalTrades: [{ side: 'buy', reserveUsd: 4000 }] });
    snap.venues.aave.availableLiquidityUsd = 1500;
    const plan = planOf(snap);
    close(plan.shortfallUsd, 2000, { abs: 1e-9 });
    expect(decision(plan, 'aave')).toMatchObject({ amountUsd: 500, lockedUsd: 500, boundBy: 'liquidity' });
    expect(decision(plan, 'aave').trade?.deltaUsd).toBe(-1500);
  });
});

describe('yield manager: shortfall and delayed venues', () => {
  function shortfallSnapshot() {
    // ipor (3 d redemptions) 3,000; aave 4,000 of which only 1,000 is withdrawable; cash 500;
    // a 5,000 buy: available 7,500 − 5,000 − 500 = 2,000, locked 6,000 → shortfall 4,000
    const snap = twoVenueSnapshot({ positionsUsd: { ipor: 3000, aave: 4000 }, cashUsd: 500, directionalTrades: [{ side: 'buy', reserveUsd: 5000 }] });
    snap.venues.ipor.kind = 'async_vault';
    snap.venues.ipor.withdrawDelayDays = 3;
    snap.venues.aave.availableLiquidityUsd = 1000;
    return snap;
  }

  it('requests the locked money the shortfall needs, not just the excess over the caps', () => {
    const plan = planOf(shortfallSnapshot());
    close(plan.shortfallUsd, 4000, { abs: 1e-9 });
    const ipor = decision(plan, 'ipor');
    // caps alone: 3,000 − 0.33 × 2,000 = 2,340; the shortfall needs all 3,000 (660 more)
    expect(ipor.redeemRequest).toMatchObject({ action: 'redeem', settlesInDays: 3 });
    close(-(ipor.redeemRequest?.deltaUsd ?? 0), 3000, { abs: 1e-9 });
    close(ipor.shortfallRedeemUsd, 660, { abs: 1e-9 });
    expect(decision(plan, 'aave').trade?.deltaUsd).toBe(-1000);
    expect(decision(plan, 'aave').shortfallRedeemUsd).toBe(0);
  });

  it('counts money already queued towards the shortfall and does not request it twice', () => {
    const snap = shortfallSnapshot();
    snap.venues.ipor.redeemQueuedUsd = 2500;
    const plan = planOf(snap);
    close(-(decision(plan, 'ipor').redeemRequest?.deltaUsd ?? 0), 500, { abs: 1e-9 });
    snap.venues.ipor.redeemQueuedUsd = 3000;
    expect(planOf(snap).trades.filter((t) => t.settlesInDays > 0)).toEqual([]);
  });

  it('requests only what the shortfall needs when it is smaller than the locked money', () => {
    const snap = shortfallSnapshot();
    snap.directionalTrades = [{ side: 'buy', reserveUsd: 2000 }];
    snap.venues.ipor.redeemQueuedUsd = 0;
    snap.rules.weights[0].maxConcentration = 0.9; // ipor's cap 0.9 × 5,000 = 4,500: no excess
    const plan = planOf(snap);
    close(plan.shortfallUsd, 1000, { abs: 1e-9 }); // available 5,000, locked 6,000
    close(decision(plan, 'ipor').shortfallRedeemUsd, 1000, { abs: 1e-9 });
    close(-(decision(plan, 'ipor').redeemRequest?.deltaUsd ?? 0), 1000, { abs: 1e-9 });
  });
});

describe('yield manager: withdrawable liquidity and delays', () => {
  it('never withdraws more than availableLiquidityUsd; the other venues get less', () => {
    const snap = twoVenueSnapshot({ positionsUsd: { ipor: 5000, aave: 4500 }, cashUsd: 500 });
    snap.venues.ipor.availableLiquidityUsd = 800;
    const plan = planOf(snap);
    expect(decision(plan, 'ipor')).toMatchObject({ askedUsd: 3135, amountUsd: 4200, lockedUsd: 4200, boundBy: 'liquidity' });
    expect(decision(plan, 'ipor').trade?.deltaUsd).toBe(-800);
    close(decision(plan, 'aave').amountUsd, 9500 - 4200, { abs: 1e-9 });
    expect(lockedUsd(5000, 800)).toBe(4200);
  });

  it('locks money behind withdrawDelayDays, requests its redemption, and does not request it twice', () => {
    const snap = twoVenueSnapshot({ positionsUsd: { ipor: 5000, aave: 4500 }, cashUsd: 500 });
    snap.venues.ipor.kind = 'async_vault';
    snap.venues.ipor.withdrawDelayDays = 3;
    const plan = planOf(snap);
    const ipor = decision(plan, 'ipor');
    expect(ipor).toMatchObject({ amountUsd: 5000, lockedUsd: 5000, boundBy: 'liquidity', trade: null });
    expect(ipor.redeemRequest).toEqual({ venue: 'ipor', kind: 'async_vault', action: 'redeem', deltaUsd: -1865, deltaShares: -932.5, settlesInDays: 3 });
    expect(decision(plan, 'aave').amountUsd).toBe(4500);
    snap.venues.ipor.redeemQueuedUsd = 1865;
    expect(planOf(snap).trades).toEqual([]);
  });

  it('withdraws a delayed venue instant buffer now and requests the rest', () => {
    const snap = twoVenueSnapshot({ positionsUsd: { ipor: 5000, aave: 4500 }, cashUsd: 500 });
    snap.venues.ipor.kind = 'async_vault';
    snap.venues.ipor.withdrawDelayDays = 3;
    snap.venues.ipor.availableLiquidityUsd = 1000;
    const ipor = decision(planOf(snap), 'ipor');
    expect(ipor.trade?.deltaUsd).toBe(-1000);
    expect(ipor.redeemRequest?.deltaUsd).toBe(-865);
  });
});

describe('yield manager: TVL shrink', () => {
  it('flags a position above its pool-participation cap and trims it', () => {
    const snap = twoVenueSnapshot({ positionsUsd: { ipor: 3000, aave: 6500 }, cashUsd: 500 });
    snap.rules.weights[0].maxPoolParticipation = 0.1;
    snap.venues.ipor.tvlUsd = 21000; // our 3,000 is 14.3% of it; 2,000 of the 20,000 left is 10%
    const ipor = decision(planOf(snap), 'ipor');
    expect(ipor).toMatchObject({ capUsd: 2000, amountUsd: 2000, boundBy: 'poolParticipation', tvlExcessUsd: 1000 });
    expect(ipor.trade?.deltaUsd).toBe(-1000);
  });
});

describe('yield manager: break-even gate', () => {
  function gated(entryCostUsd: number, iporApy: number, aaveApy: number): YieldPlan {
    const snap = twoVenueSnapshot({ positionsUsd: { ipor: 3000, aave: 6000 }, cashUsd: 1000 });
    snap.rules.horizonDays = 30;
    snap.venues.ipor = { ...snap.venues.ipor, apy: iporApy, entryCostUsd, exitCostPct: 0.001 };
    snap.venues.aave = { ...snap.venues.aave, apy: aaveApy, entryCostUsd: 1 };
    return planOf(snap);
  }

  it('skips a deposit whose extra yield over the horizon does not pay its costs; the money flows on', () => {
    const plan = gated(20, 0.08, 0.04); // ipor +135: gain ≈ 0.43 USD < 20 + 0.135
    const ipor = decision(plan, 'ipor');
    expect(ipor).toMatchObject({ amountUsd: 3000, boundBy: 'breakEven', trade: null, noTradeReason: 'breakEven' });
    const gain = horizonYieldUsd(135, 0.08, 30) - horizonYieldUsd(135, 0.04, 30);
    close(ipor.breakEven?.gainUsd ?? NaN, gain, { abs: 1e-9 });
    close(ipor.breakEven?.costUsd ?? NaN, 20.135, { abs: 1e-9 });
    expect(decision(plan, 'aave')).toMatchObject({ amountUsd: 6500 });
  });

  it('lets a deposit through when it pays', () => {
    const plan = gated(0.1, 0.08, 0.04);
    expect(decision(plan, 'ipor').trade?.deltaUsd).toBeCloseTo(135, 9);
  });

  it('never holds back a withdrawal', () => {
    const snap = twoVenueSnapshot({ positionsUsd: { ipor: 4000, aave: 5500 }, cashUsd: 500 });
    snap.rules.horizonDays = 30;
    snap.venues.ipor = { ...snap.venues.ipor, apy: 0.2, exitCostPct: 0.05 };
    const ipor = decision(planOf(snap), 'ipor');
    expect(ipor.breakEven).toBeNull();
    expect(ipor.trade?.deltaUsd).toBe(-865);
  });

  it('compounds the APY over the horizon', () => {
    expect(horizonYieldUsd(10000, 0.05, 365)).toBeCloseTo(500, 9);
    expect(horizonYieldUsd(10000, 0.05, 30)).toBeCloseTo(10000 * (1.05 ** (30 / 365) - 1), 9);
  });
});

describe('yield manager: kernel', () => {
  it('writes into a reused workspace with the same numbers as planYield', () => {
    const { policy, state } = yieldInputFromSnapshot(parseConfig(YieldSnapshotSchema, twoVenueSnapshot()));
    const ws = createYieldWorkspace(2);
    const amounts = ws.amountUsd;
    planYieldInto(policy, state, ws);
    expect(ws.amountUsd).toBe(amounts);
    expect(Array.from(ws.amountUsd)).toEqual(planYield(policy, state).decisions.map((d) => d.amountUsd));
    state.cashUsd = 20000;
    state.totalEquityUsd = 20000;
    planYieldInto(policy, state, ws);
    close(ws.amountUsd[0], 0.33 * 19000, { abs: 1e-9 });
  });
});

function validationError(snapshot: unknown): UserError {
  return caughtUserError(() => parseConfig(YieldSnapshotSchema, snapshot));
}

describe('yield manager: snapshot validation', () => {
  const cases: [string, () => unknown, string, RegExp][] = [
    ['sellHaircutPct 0', () => twoVenueSnapshot({ rules: twoVenueRules({ sellHaircutPct: 0 }) }), 'rules.sellHaircutPct', /0/],
    ['cashChangeToleranceUsd 0', () => twoVenueSnapshot({ rules: twoVenueRules({ cashChangeToleranceUsd: 0 }) }), 'rules.cashChangeToleranceUsd', /0/],
    ['cashBufferPct below 0', () => twoVenueSnapshot({ rules: twoVenueRules({ cashBufferPct: -0.1 }) }), 'rules.cashBufferPct', /-0\.1/],
    ['cashBufferPct above 1', () => twoVenueSnapshot({ rules: twoVenueRules({ cashBufferPct: 1.2 }) }), 'rules.cashBufferPct', /1\.2/],
    ['no rules', () => twoVenueSnapshot({ rules: twoVenueRules({ weights: [] }) }), 'rules.weights', /at least one rule/],
    ['last rule below 1', () => twoVenueSnapshot({ rules: twoVenueRules({ weights: [{ venue: 'ipor', maxConcentration: 0.33 }, { venue: 'aave', maxConcentration: 0.9 }] }) }), 'rules.weights[1].maxConcentration', /last rule must have maxConcentration 1/],
    ['unknown venue', () => twoVenueSnapshot({ rules: twoVenueRules({ weights: [{ venue: 'ipor', maxConcentration: 0.33 }, { venue: 'aave', maxConcentration: 1 }, { venue: 'euler', maxConcentration: 1 }] }) }), 'rules.weights[2].venue', /unknown venue "euler"/],
    ['fraction above 1', () => twoVenueSnapshot({ rules: twoVenueRules({ weights: [{ venue: 'ipor', maxConcentration: 0.33, maxPoolParticipation: 1.5 }, { venue: 'aave', maxConcentration: 1 }] }) }), 'rules.weights[0].maxPoolParticipation', /1\.5/],
    ['negative fraction', () => twoVenueSnapshot({ rules: twoVenueRules({ weights: [{ venue: 'ipor', maxConcentration: -0.1 }, { venue: 'aave', maxConcentration: 1 }] }) }), 'rules.weights[0].maxConcentration', /-0\.1/],
    ['duplicate venue', () => twoVenueSnapshot({ rules: twoVenueRules({ weights: [{ venue: 'ipor', maxConcentration: 0.3 }, { venue: 'aave', maxConcentration: 0.3 }, { venue: 'ipor', maxConcentration: 1 }] }) }), 'rules.weights[2].venue', /two rules/],
    ['venue without a rule', () => twoVenueSnapshot({ venues: { ...twoVenueSnapshot().venues, morpho: { kind: 'vault', sharePrice: 1 } } }), 'venues.morpho', /has no rule/],
    ['vault without share price', () => twoVenueSnapshot({ venues: { ipor: { kind: 'vault' }, aave: { kind: 'credit_supply' } } }), 'venues.ipor.sharePrice', /required for a vault/],
    ['credit supply with share price', () => twoVenueSnapshot({ venues: { ipor: { kind: 'vault', sharePrice: 2 }, aave: { kind: 'credit_supply', sharePrice: 1 } } }), 'venues.aave.sharePrice', /only vaults/],
    ['pool participation without TVL', () => twoVenueSnapshot({ rules: twoVenueRules({ weights: [{ venue: 'ipor', maxConcentration: 0.33, maxPoolParticipation: 0.1 }, { venue: 'aave', maxConcentration: 1 }] }) }), 'venues.ipor.tvlUsd', /maxPoolParticipation/],
    ['unknown kind', () => twoVenueSnapshot({ venues: { ipor: { kind: 'pool', sharePrice: 2 }, aave: { kind: 'credit_supply' } } }), 'venues.ipor.kind', /credit_supply/],
    ['negative cash', () => twoVenueSnapshot({ cashUsd: -1 }), 'cashUsd', /-1/],
    ['NaN equity', () => twoVenueSnapshot({ totalEquityUsd: NaN }), 'totalEquityUsd', /./],
    ['position in an unknown venue', () => twoVenueSnapshot({ positionsUsd: { ipor: 0, aave: 0, euler: 5 } }), 'positionsUsd.euler', /unknown venue/],
    ['negative position', () => twoVenueSnapshot({ positionsUsd: { ipor: -5, aave: 0 } }), 'positionsUsd.ipor', /-5/],
    ['unknown field', () => twoVenueSnapshot({ cash: 5 }), 'cash', /unknown field/],
    ['bad trade side', () => twoVenueSnapshot({ directionalTrades: [{ side: 'short', reserveUsd: 5 }] }), 'directionalTrades[0].side', /buy/],
    ['asynchronous buy', () => twoVenueSnapshot({ directionalTrades: [{ side: 'buy', reserveUsd: 5, async: true }] }), 'directionalTrades[0].async', /only a sell/],
    ['queued redemption on an instant venue', () => twoVenueSnapshot({ venues: { ipor: { kind: 'vault', sharePrice: 2, redeemQueuedUsd: 5 }, aave: { kind: 'credit_supply' } }, positionsUsd: { ipor: 10, aave: 0 } }), 'venues.ipor.redeemQueuedUsd', /withdrawDelayDays/],
    ['queued redemption above the position', () => twoVenueSnapshot({ venues: { ipor: { kind: 'async_vault', sharePrice: 2, withdrawDelayDays: 2, redeemQueuedUsd: 50 }, aave: { kind: 'credit_supply' } }, positionsUsd: { ipor: 10, aave: 0 } }), 'venues.ipor.redeemQueuedUsd', /exceeds the position/],
    ['share price 0', () => twoVenueSnapshot({ venues: { ipor: { kind: 'vault', sharePrice: 0 }, aave: { kind: 'credit_supply' } } }), 'venues.ipor.sharePrice', /0/],
    ['horizon 0', () => twoVenueSnapshot({ rules: twoVenueRules({ horizonDays: 0 }) }), 'rules.horizonDays', /0/],
    ['a TVL below our own position', () => twoVenueSnapshot({ cashUsd: 7000, positionsUsd: { ipor: 3000, aave: 0 }, venues: { ipor: { kind: 'vault', sharePrice: 2, tvlUsd: 2000 }, aave: { kind: 'credit_supply' } } }), 'venues.ipor.tvlUsd', /must be at least the fund's own position positionsUsd\.ipor = 3000 \(the TVL includes it\) \(got 2000\)$/],
    ['equity 0 with 10,000 of cash', () => twoVenueSnapshot({ totalEquityUsd: 0 }), 'totalEquityUsd', /^totalEquityUsd: must be at least cashUsd \+ Σ positionsUsd − pendingRedemptionsUsd = 10000 \(cash 10000 \+ yield positions 0 − owed 0\): .*redemptions owed \(got 0\)$/],
    ['equity below cash + yield positions', () => twoVenueSnapshot({ cashUsd: 500, positionsUsd: { ipor: 3000, aave: 6500 }, totalEquityUsd: 9999.5 }), 'totalEquityUsd', /= 10000 \(cash 500 \+ yield positions 9500 − owed 0\): .*\(got 9999\.5\)$/],
  ];
  for (const [name, make, field, message] of cases) {
    it(`rejects ${name}`, () => {
      const e = validationError(make());
      expect(e.field).toBe(field);
      expect(e.message).toMatch(message);
    });
  }

  it('accepts equity equal to cash + yield positions (despite float sums), or above it (directional positions)', () => {
    expect(parseConfig(YieldSnapshotSchema, twoVenueSnapshot({ cashUsd: 0.1, positionsUsd: { ipor: 0.2, aave: 0 }, totalEquityUsd: 0.3 })).totalEquityUsd).toBe(0.3);
    expect(parseConfig(YieldSnapshotSchema, twoVenueSnapshot({ totalEquityUsd: 25000 })).totalEquityUsd).toBe(25000);
  });

  it('accepts the issue example and fills defaults', () => {
    const s = parseConfig(YieldSnapshotSchema, twoVenueSnapshot({ positionsUsd: undefined }));
    expect(s.pendingRedemptionsUsd).toBe(0);
    expect(s.directionalTrades).toEqual([]);
    expect(s.venues.ipor).toMatchObject({ withdrawDelayDays: 0, apy: 0, entryCostUsd: 0, exitCostPct: 0, redeemQueuedUsd: 0 });
  });
});
