import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadConfigFile } from '../../src/core/config.ts';
import { isUserError } from '../../src/core/errors.ts';
import { RAY, rayMul } from '../../src/core/fixedPoint.ts';
import { formatFeedLine, parseFeed } from '../../src/ledger/feed.ts';
import { applyEvent, createTreasury, holdingOf } from '../../src/ledger/treasury.ts';
import { CLAIMS_POSITION, RESERVE_POSITION, type BalanceUpdate, type LedgerEvent } from '../../src/ledger/types.ts';
import { linearInterestRay } from '../../src/protocols/aave.ts';
import { parseScenario } from '../../src/scenarios/index.ts';
import { FUND_TREASURY_CONFIG, MARK_REASON, createFundRun, runFundDay, simulateFundRun, type FundRun, type FundVenue } from '../../src/scenarios/fund/model.ts';
import type { CreditSupplyState } from '../../src/venues/creditSupply.ts';
import type { ReservePath } from '../../src/market/venues.ts';
import type { FundParams } from '../../src/scenarios/fund/schema.ts';
import type { YieldState } from '../../src/strategies/yieldManager.ts';
import { compileFund, SLEEVE_POSITION, type FundInputs, type FundSetup } from '../../src/scenarios/fund/setup.ts';
import { FUND_DAILY_COLUMNS } from '../../src/scenarios/fund/share.ts';
import { ROOT } from '../helpers/cli.ts';

type Doc = Record<string, any>;

/** examples/fund.yaml with changes, validated through the scenario registry. */
function fundDoc(change: (doc: Doc) => void = () => undefined): Doc {
  const doc = loadConfigFile(join(ROOT, 'examples/fund.yaml'), z.any()) as Doc;
  change(doc);
  return doc;
}

function setupOf(doc: Doc): FundSetup {
  const scenario = parseScenario(doc, 'fund.yaml');
  return compileFund(scenario.subsets[0] as FundParams, scenario.timesteps, scenario.inputs[0] as FundInputs);
}

const USDC = FUND_TREASURY_CONFIG.assetSymbol;
const units = (usd: number): bigint => BigInt(Math.round(usd * 1e6));

function valueOf(v: FundVenue, t: number): bigint {
  return v.mod.value(v.terms, v.market, v.state, t);
}

function claimsOwedUnits(sim: FundRun): bigint {
  return -holdingOf(sim.books.ledger, CLAIMS_POSITION, USDC);
}

/** The day's books: the ledger's NAV is what the fund holds, to the base unit. */
function checkBooks(sim: FundRun, t: number): void {
  const ledger = sim.books.ledger;
  const cash = holdingOf(ledger, RESERVE_POSITION, USDC);
  let positions = 0n;
  sim.venues.forEach((v) => {
    const held = holdingOf(ledger, v.terms.name, v.terms.name);
    expect(held, `${v.terms.name} on day ${t}`).toBe(valueOf(v, t));
    positions += held;
  });
  const sleeve = holdingOf(ledger, SLEEVE_POSITION, SLEEVE_POSITION);
  expect(sleeve).toBe(sim.sleeve === null ? 0n : valueOf(sim.sleeve, t));
  // NAV = cash + positions − debts (settled redemptions not yet paid)
  expect(ledger.totalAssets, `NAV on day ${t}`).toBe(cash + positions + sleeve - claimsOwedUnits(sim));
  expect(sim.series.navUsd[t]).toBe(Number(ledger.totalAssets) / 1e6);
  expect(sim.series.cashUsd[t]).toBe(Number(cash) / 1e6);
  checkCaps(sim, t);
}

/**
 * No venue above its caps, recomputed here from the day's inputs (the planner's input state,
 * the market paths and the scenario's rules), not taken from the policy's own `capUsd`:
 * cap = min(maxConcentration × max(available, 0), maxPoolParticipation × TVL, maxUsd) with
 * available = cash + positions − (buys − sells × (1 − sellHaircutPct)) − cashBufferPct × NAV −
 * pending redemptions. A venue may stay above its cap by the money that cannot leave it
 * (max(queued, held − withdrawable)), and by the trade tolerance (smaller moves are not made).
 * Together the venues hold at most max(available, Σ locked) plus a tolerance each.
 */
function checkCaps(sim: FundRun, t: number): void {
  const p = sim.setup.params;
  const s: YieldState = sim.yieldState;
  const venues = sim.series.venues;
  const tolerance = p.rules.cashChangeToleranceUsd;
  const dust = 1e-6; // one base unit
  const sleeveCost = p.sleeve?.fixedCostUsd ?? 0;
  // the inputs are today's: NAV moves after planning only by the day's costs (the sleeve's fixed cost among them) and rounding
  expect(Math.abs(s.totalEquityUsd - sim.series.navUsd[t]), `NAV planned on day ${t}`).toBeLessThanOrEqual(sim.series.costsUsd[t] + sleeveCost + 1e-4);
  const positionsUsd = s.existingUsd.reduce((a, b) => a + b, 0);
  const directionalUsd = s.directionalBuyUsd - s.directionalSellUsd * (1 - p.rules.sellHaircutPct);
  const available = s.cashUsd + positionsUsd - directionalUsd - p.rules.cashBufferPct * s.totalEquityUsd - s.pendingRedemptionsUsd;
  let lockedTotal = 0;
  let heldTotal = 0;
  venues.forEach((v, i) => {
    const rule = p.rules.weights.find((w) => w.venue === v.name)!;
    const terms = p.venues[v.name];
    const market = sim.venues[i].market as { tvlUsd: Float64Array; availableLiquidityUsd?: Float64Array };
    const tvl = market.tvlUsd[t];
    let withdrawable = Infinity;
    if (terms.kind === 'credit_supply') withdrawable = (market as ReservePath).availableLiquidityUsd[t];
    else if (terms.kind === 'async_vault') withdrawable = terms.instantLiquidityPct * tvl;
    const locked = Math.max(s.redeemQueuedUsd[i], s.existingUsd[i] - Math.max(withdrawable, 0));
    const caps = [rule.maxConcentration * Math.max(available, 0)];
    // The path is the other depositors' money; holding at most a share p of (others + ours) means ours ≤ p·others/(1 − p).
    if (rule.maxPoolParticipation !== undefined) caps.push((rule.maxPoolParticipation * tvl) / (1 - rule.maxPoolParticipation));
    if (rule.maxUsd !== undefined) caps.push(rule.maxUsd);
    const cap = Math.min(...caps);
    expect(v.valueUsd[t], `${v.name} on day ${t}: cap ${cap}, locked ${locked}`).toBeLessThanOrEqual(Math.max(cap, locked) + tolerance + dust);
    lockedTotal += locked;
    heldTotal += v.valueUsd[t];
  });
  expect(heldTotal, `all venues on day ${t}`).toBeLessThanOrEqual(Math.max(available, lockedTotal) + venues.length * (tolerance + dust));
}

function runChecked(setup: FundSetup, seed: number): FundRun {
  const sim = createFundRun(setup, seed, 0, { detail: true });
  for (let t = 0; t <= setup.days; t++) {
    runFundDay(sim, t);
    checkBooks(sim, t);
  }
  return sim;
}

function sumBy(updates: readonly BalanceUpdate[], keep: (u: BalanceUpdate) => boolean): bigint {
  let s = 0n;
  for (const u of updates) if (keep(u)) s += u.quantity;
  return s;
}

function sumSeries(xs: Float64Array): bigint {
  let s = 0n;
  for (const x of xs) s += units(x);
  return s;
}

const short = fundDoc((d) => (d.timesteps = 60));

describe('fund scenario: the books', () => {
  const setup = setupOf(short);
  const sim = runChecked(setup, 42);
  const events = sim.books.events as LedgerEvent[];
  const updates = sim.books.updates as BalanceUpdate[];
  const ledger = sim.books.ledger;

  it('records flows, marks and costs that reconcile with the ledger totals', () => {
    const deposits = events.filter((e) => e.kind === 'deposit');
    const paid = events.filter((e) => e.kind === 'redeem');
    const depositedUnits = deposits.reduce((s, e) => s + (e.kind === 'deposit' ? e.assets : 0n), 0n);
    const paidUnits = paid.reduce((s, e) => s + (e.kind === 'redeem' ? e.assets : 0n), 0n);
    expect(depositedUnits).toBe(sumSeries(sim.series.depositsUsd));
    expect(paidUnits).toBe(sumSeries(sim.series.redemptionsPaidUsd));
    const settledUnits = -sumBy(updates, (u) => u.cause === 'settle' && u.position === 'claims');
    const isMark = (u: BalanceUpdate): boolean => u.cause === 'interest' || (u.cause === 'correction' && (u.notes === MARK_REASON || u.notes === `${SLEEVE_POSITION} pnl`));
    const marks = sumBy(updates, isMark);
    const transfers = sumBy(updates, (u) => u.cause === 'correction' && !isMark(u));
    const costs = sumBy(updates, (u) => u.cause === 'cost');
    expect(transfers).toBe(0n); // moving money between the reserve and positions creates none
    expect(settledUnits - paidUnits).toBe(claimsOwedUnits(sim));
    // Σ deposits − Σ redemptions + market value changes − costs = NAV
    expect(depositedUnits - paidUnits - claimsOwedUnits(sim) + marks + costs).toBe(ledger.totalAssets);
    expect(marks).toBeGreaterThan(0n);
    // every cost is booked, and is the day's costs series
    expect(costs).toBeLessThan(0n);
    expect(-costs).toBe(sumSeries(sim.series.costsUsd));
    expect(paid.length).toBeGreaterThan(10);
    // interest per venue is the venue's yield series
    sim.series.venues.forEach((v) => {
      const earned = sumBy(updates, (u) => u.position === v.name && (u.cause === 'interest' || (u.cause === 'correction' && u.notes === MARK_REASON)));
      expect(Number(earned) / 1e6).toBe(v.yieldEarnedUsd[setup.days]);
      expect(earned).toBeGreaterThan(0n);
    });
  });

  it('moves the share supply as the ledger says', () => {
    const minted = events.reduce((s, e) => s + (e.kind === 'deposit' ? e.shares : 0n), 0n);
    const burned = events.reduce((s, e) => s + (e.kind === 'settle' ? e.shares : 0n), 0n);
    expect(minted - burned).toBe(ledger.totalShares);
    expect(sim.series.totalShares[setup.days]).toBe(Number(ledger.totalShares) / 1e18);
    expect(events.some((e) => e.kind === 'redeem_request')).toBe(true);
    // deposits mint shares rounded down: never more than assets at the share price
    for (const e of events) if (e.kind === 'deposit') expect(e.shares).toBeLessThanOrEqual(e.assets * 10n ** 12n);
  });

  it('writes a feed that replays to the same books', () => {
    const { events: replayed } = parseFeed(events.map(formatFeedLine).join('\n'));
    const fresh = createTreasury(FUND_TREASURY_CONFIG);
    const sink: BalanceUpdate[] = [];
    for (const { event } of replayed) applyEvent(fresh, event, sink);
    expect(fresh.totalAssets).toBe(ledger.totalAssets);
    expect(fresh.totalShares).toBe(ledger.totalShares);
    expect(fresh.pendingShares).toBe(ledger.pendingShares);
  });

  it('accrues the Aave-like reserve by its liquidity index, exactly', () => {
    const v = sim.venues[setup.venues.findIndex((p) => p.kind === 'credit_supply')];
    const path = v.market as ReservePath;
    let index = RAY;
    for (let t = 1; t <= setup.days; t++) index = rayMul(linearInterestRay(path.liquidityRateRay[t - 1], 86_400n), index);
    const state = v.state as CreditSupplyState;
    expect(state.liquidityIndexRay).toBe(index);
    expect(valueOf(v, setup.days)).toBe(rayMul(state.scaledBalance, index));
  });

  it('splits the sleeve PnL into pool, short, fees, funding and costs', () => {
    const s = sim.series.sleeve;
    const n = setup.days;
    const funded = sumBy(updates, (u) => u.position === SLEEVE_POSITION && u.cause === 'correction' && u.notes !== MARK_REASON && u.notes !== `${SLEEVE_POSITION} pnl`);
    const split = s.poolPnlUsd[n] + s.shortPnlUsd[n] + s.feesUsd[n] + s.fundingUsd[n] + s.costsUsd[n];
    expect(s.valueUsd[n]).toBeCloseTo(Number(funded) / 1e6 + split, 4);
    expect(s.feesUsd[n]).toBeGreaterThan(0);
    expect(s.lvrUsd[n]).toBeLessThan(0);
    expect(s.costsUsd[n]).toBeLessThan(0);
    expect(s.valueUsd[0]).toBeGreaterThan(0.09 * sim.series.navUsd[0]);
  });

  it('explains every decision', () => {
    const d = sim.series.decisions;
    expect(d.length).toBe((setup.days + 1) * setup.venues.length);
    expect(new Set(d.map((x) => x.action))).toContain('none');
    expect(d.some((x) => x.action === 'supply' || x.action === 'deposit')).toBe(true);
    for (const x of d) expect(x.deltaUsd).toBeCloseTo(x.acceptedUsd - x.existingUsd, 6);
  });

  it('keeps the same books and series in a run that keeps no events (no tx hashes built), and the same books and fund columns without venue series, as in a detail run', () => {
    const text = (x: unknown): string => JSON.stringify(x, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v instanceof Map ? [...v] : ArrayBuffer.isView(v) ? [...(v as Float64Array)] : v));
    for (const [seed, run] of [[42, 0], [42, 5], [7, 3]]) {
      const kept = simulateFundRun(setup, seed, run, { detail: true });
      const lean = simulateFundRun(setup, seed, run, { detail: false });
      expect(lean.events).toBeNull();
      expect(text(lean.books.ledger)).toBe(text(kept.books.ledger));
      expect(text({ ...lean.series, decisions: [], trades: [] })).toBe(text({ ...kept.series, decisions: [], trades: [] }));
      const fundOnly = simulateFundRun(setup, seed, run, { detail: false, venueSeries: false }); // a study's run after run 0
      expect(text(fundOnly.books.ledger)).toBe(text(kept.books.ledger));
      for (const c of FUND_DAILY_COLUMNS) expect([...fundOnly.series[c]], c).toEqual([...kept.series[c]]);
      for (const v of fundOnly.series.venues) expect(v.valueUsd.every((x) => x === 0)).toBe(true);
    }
  });

  it('gives the same numbers for the same seed, other numbers for another', () => {
    const again = simulateFundRun(setup, 42, 0, { detail: false }).series;
    const other = simulateFundRun(setup, 43, 0, { detail: false }).series;
    expect([...again.navUsd]).toEqual([...sim.series.navUsd]);
    expect([...again.sleeve.valueUsd]).toEqual([...sim.series.sleeve.valueUsd]);
    expect([...other.navUsd]).not.toEqual([...sim.series.navUsd]);
  });
});

describe('fund scenario: stress', () => {
  it('keeps the books through redemption shortfalls, locked vault money and any seed', () => {
    const stressed = setupOf(
      fundDoc((d) => {
        d.timesteps = 25;
        d.params.redemptions.settlementDays = 0;
        Object.assign(d.params.flows, { redemptionsPerDay: 3, redemptionMeanPct: 0.05, redemptionMaxPct: 0.3 });
        d.params.rules.weights[1] = { venue: 'lagoon-usdc', maxConcentration: 0.9 };
        Object.assign(d.params.venues['lagoon-usdc'], { withdrawDelayDays: 5, instantLiquidityPct: 0 });
        d.params.sleeve.resizeEveryDays = 2;
      }),
    );
    let shortfallDays = 0;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), (seed) => {
        const sim = runChecked(stressed, seed);
        shortfallDays += sim.series.shortfallUsd.filter((x) => x > 0).length;
      }),
      { numRuns: 4 },
    );
    expect(shortfallDays).toBeGreaterThan(0);
  });
});

describe('fund scenario: flows from a feed', () => {
  it('takes deposits and redemption requests from a JSON-lines feed in the ledger format', () => {
    const dir = mkdtempSync(join(tmpdir(), 'capflow-fund-'));
    const feedPath = join(dir, 'flows.jsonl');
    const owner = `0x${'ab'.repeat(20)}`;
    const line = (i: number, day: number, body: Record<string, unknown>): string =>
      JSON.stringify({ chainId: 1, blockNumber: 10 + i, txHash: `0x${i.toString(16).padStart(64, '0')}`, logIndex: 0, timestamp: `2025-01-0${day + 1}T12:00:00Z`, ...body });
    writeFileSync(
      feedPath,
      [
        line(1, 1, { kind: 'deposit', owner, assets: '250000000000', shares: '1' }),
        line(2, 2, { kind: 'interest', asset: 'aUSDC', balance: '5' }),
        line(3, 2, { kind: 'redeem_request', owner, shares: '100000000000000000000000' }),
        line(4, 3, { kind: 'deposit', owner, assets: '1000000', shares: '1' }),
      ].join('\n'),
    );
    const setup = setupOf(
      fundDoc((d) => {
        d.timesteps = 5;
        d.params.flows = { feed: feedPath };
      }),
    );
    expect(setup.feed?.used).toBe(3);
    expect(setup.feed?.skipped).toBe(1);
    const sim = runChecked(setup, 1);
    expect([...sim.series.depositsUsd]).toEqual([5_000_000, 250_000, 0, 1, 0, 0]);
    expect(sim.series.redemptionsPaidUsd[3]).toBeGreaterThan(99_000); // 1e5 shares settled on day 3, paid that day
  });

  it('names params.flows.feed when the feed is missing', () => {
    expect(() => setupOf(fundDoc((d) => (d.params.flows = { feed: '/nonexistent/flows.jsonl' })))).toThrow(/^params\.flows\.feed/);
  });
});

describe('fund scenario file errors', () => {
  const cases: [string, (d: Doc) => void, string][] = [
    ['unknown key', (d) => (d.params.rules.buffer = 0.1), 'params.rules.buffer'],
    ['negative amount', (d) => (d.params.initialDepositUsd = -5), 'params.initialDepositUsd'],
    ['sleeve share + buffer above 1', (d) => (d.params.sleeve.sharePct = 0.98), 'params.sleeve.sharePct'],
    ['unknown venue in a rule', (d) => (d.params.rules.weights[0].venue = 'nowhere'), 'params.rules.weights[0].venue'],
    ['last rule not taking the rest', (d) => (d.params.rules.weights[2].maxConcentration = 0.5), 'params.rules.weights[2].maxConcentration'],
    ['series shorter than the horizon', (d) => (d.params.venues['aave-usdc'].utilisation = { kind: 'series', values: [0.5] }), 'params.venues.aave-usdc.utilisation.values'],
    ['reserved venue name', (d) => (d.params.venues.sleeve = d.params.venues['aave-usdc']), 'params.venues.sleeve'],
    ['leverage above the maximum', (d) => (d.params.sleeve.shortLeverage = 9), 'params.sleeve.shortLeverage'],
    ['mean redemption above its cap', (d) => (d.params.flows.redemptionMeanPct = 0.5), 'params.flows.redemptionMeanPct'],
    ['a feed with process fields', (d) => (d.params.flows.feed = 'flows.jsonl'), 'params.flows.depositsPerDay'],
    ['a month 13', (d) => (d.params.startDate = '2025-13-01'), 'params.startDate'],
    ['a day the month does not have', (d) => (d.params.startDate = '2025-02-29'), 'params.startDate'],
  ];
  for (const [name, change, field] of cases) {
    it(`refuses ${name}, naming ${field}`, () => {
      try {
        parseScenario(fundDoc(change), 'fund.yaml');
        expect.unreachable();
      } catch (e) {
        expect(isUserError(e)).toBe(true);
        expect((e as { field: string }).field).toBe(field);
      }
    });
  }
});
