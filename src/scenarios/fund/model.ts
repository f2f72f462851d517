/**
 * One run of the fund, day by day, with its books kept by the treasury ledger. A day is small
 * composed steps (day 0 is inception: the seed deposit, the sleeve's opening, the first plan):
 *
 * 1. Market → accrue. Each venue's module accrues the day (a reserve's liquidity index at
 *    yesterday's supply rate in exact ray math; a vault's share price moves; redemptions that
 *    fall due in an async vault are claimed into the reserve; the sleeve steps its exact
 *    model), and the position is marked: its new value is an `interest` event.
 * 2. Fees: management fee shares minted daily, performance fee shares at crystallisation.
 * 3. Flows: investors' deposits and redemption requests; requests due today are settled at
 *    today's NAV per share and become claims.
 * 4. Observe: every venue's {@link VenueObservation} and the fund's cash, NAV and owed
 *    redemptions: the same {@link FundObservation} `capflow plan` reads from a snapshot.
 * 5. Plan: the sleeve's sizing rule, then the yield manager (one kernel for plan and fund).
 * 6. Execute, in the plan's order: withdrawals (last rule first), redemption requests,
 *    investor claims from cash (what cash cannot pay is the day's shortfall), the sleeve's
 *    resize, deposits. Costs (entry, exit, gas, the sleeve's fixed cost) are `cost` events.
 * 7. Record: positions are marked again (ERC-4626 and aToken rounding shows as ±1-unit
 *    interest) and the day's figures are written.
 */
import { pendingRedemptionsUsd } from '../../ledger/treasury.ts';
import { sleeveResizeUsd } from '../../strategies/sleeveResize.ts';
import { planYield, planYieldInto } from '../../strategies/yieldManager.ts';
import { yieldStateFromObservation } from '../../strategies/yieldManager/observation.ts';
import { visitYieldTrades } from '../../strategies/yieldManager/order.ts';
import { observeVenue } from '../../venues/observe.ts';
import type { DirectionalTrade, FundObservation, VenueObservation } from '../../venues/types.ts';
import { unitsToUsd, usdToUnits } from '../../venues/units.ts';
import { beginBooksDay, cashUnits, markPosition, positionUnits } from './books.ts';
import { endFeeDay, takeFees } from './fees.ts';
import { investorFlows, payClaims, settleDueRequests } from './investors.ts';
import { decisionRow, recordFundDay } from './record.ts';
import { createFundRun, type FundRun, type FundRunOptions, type FundVenue } from './run.ts';
import { accrueVenue, depositCostUnits, depositInto, requestRedeemFrom, withdrawFrom } from './trades.ts';
import type { FundSetup } from './setup.ts';

export { FUND_TREASURY_CONFIG, MARK_REASON } from './books.ts';
export { createFundRun, type FundRun, type FundRunOptions, type FundVenue } from './run.ts';

/** A venue's observation; its position is the marked value the books hold (the venue's own value, to the unit). */
function observe(run: FundRun, v: FundVenue): VenueObservation {
  const obs = observeVenue(v.mod, v.terms, v.market, v.state, run.books.day, run.books.timestamp, positionUnits(run.books, v.terms.name));
  const flag = v.dataFlags?.[run.books.day] ?? null;
  if (flag !== null) obs.dataFlag = flag;
  return obs;
}

function mark(run: FundRun, v: FundVenue): void {
  v.earnedUnits += markPosition(run.books, v.terms.name, v.mod.value(v.terms, v.market, v.state, run.books.day), v.mod.valueChange);
  v.markedState = v.state;
}

function eachVenue(run: FundRun, visit: (v: FundVenue) => void): void {
  for (const v of run.venues) visit(v);
  if (run.sleeve !== null) visit(run.sleeve);
}

/**
 * The fund as its policy sees it on the current day (after flows, before the plan), with the
 * directional trades already decided (the sleeve's resize).
 *
 * @example observeFund(run, []).venues.map((v) => v.positionUsd)
 */
export function observeFund(run: FundRun, directionalTrades: DirectionalTrade[]): FundObservation {
  return {
    asOf: run.books.timestamp,
    cashUsd: unitsToUsd(cashUnits(run.books)),
    totalEquityUsd: unitsToUsd(run.books.ledger.totalAssets),
    pendingRedemptionsUsd: pendingRedemptionsUsd(run.books.ledger, 1).totalUsd,
    directionalTrades,
    venues: run.venues.map((v) => observe(run, v)),
  };
}

/** The sleeve's resize today (USD, > 0 buys), from its rule and its observed value. */
function sleeveDecisionUsd(run: FundRun): number {
  const rule = run.setup.sleeveRule;
  if (run.sleeve === null || rule === null) return 0;
  return sleeveResizeUsd(rule, run.books.day, unitsToUsd(run.books.ledger.totalAssets), unitsToUsd(positionUnits(run.books, run.sleeve.terms.name)));
}

/**
 * Day `t` up to its plan: market, accrual, fees, flows; returns what the policy observes.
 *
 * @example const { observation, sleeveUsd } = prepareFundDay(run, 3);
 */
export function prepareFundDay(run: FundRun, t: number): { observation: FundObservation; sleeveUsd: number } {
  beginBooksDay(run.books, t, run.setup.dates[t]);
  run.costsUnits = 0n;
  eachVenue(run, (v) => {
    v.flowUnits = 0n;
    v.costUnits = 0n;
    if (t === 0) return;
    accrueVenue(run, v);
    mark(run, v);
  });
  takeFees(run.books, run.setup.params.fees, run.fees);
  investorFlows(run.books, run.investors, run.setup);
  settleDueRequests(run.books, run.investors);
  const sleeveUsd = sleeveDecisionUsd(run);
  const directional: DirectionalTrade[] = sleeveUsd === 0 ? [] : [{ side: sleeveUsd > 0 ? 'buy' : 'sell', reserveUsd: Math.abs(sleeveUsd), async: false }];
  return { observation: observeFund(run, directional), sleeveUsd };
}

function trade(run: FundRun, day: number, venue: string, action: string, units: bigint): void {
  if (run.detail) run.series.trades.push({ day, venue, action, amountUsd: unitsToUsd(units) });
}

/** Executes the plan in its order; returns the claims cash could not pay (base units). */
function execute(run: FundRun, sleeveUsd: number): bigint {
  const { books, venues } = run;
  const day = books.day;
  const actionOf = (i: number, out: boolean): string => (run.setup.policy.venues[i].kind === 'credit_supply' ? (out ? 'withdraw' : 'supply') : out ? 'redeem' : 'deposit');
  let unpaid = 0n;
  const roomFor = (v: FundVenue): bigint => cashUnits(books) - unpaid - depositCostUnits(run, v);
  visitYieldTrades(run.ws, venues.length, {
    withdraw: (i, usd) => {
      const units = usdToUnits(usd);
      trade(run, day, venues[i].terms.name, actionOf(i, true), units);
      withdrawFrom(run, venues[i], units, `withdraw from ${venues[i].terms.name}`);
    },
    requestRedeem: (i, usd) => {
      trade(run, day, venues[i].terms.name, 'request redeem', usdToUnits(usd));
      requestRedeemFrom(run, venues[i], usdToUnits(usd));
    },
    beforeDeposits: () => {
      unpaid = payClaims(books, run.investors);
      const sleeve = run.sleeve;
      if (sleeve === null || sleeveUsd === 0) return;
      if (sleeveUsd < 0) return withdrawFrom(run, sleeve, usdToUnits(-sleeveUsd), 'defund sleeve');
      const room = roomFor(sleeve);
      const want = usdToUnits(sleeveUsd);
      depositInto(run, sleeve, want < room ? want : room, 'fund sleeve');
    },
    deposit: (i, usd) => {
      const room = roomFor(venues[i]);
      const want = usdToUnits(usd);
      const units = want < room ? want : room;
      if (units <= 0n) return;
      trade(run, day, venues[i].terms.name, actionOf(i, false), units);
      depositInto(run, venues[i], units, `${actionOf(i, false) === 'supply' ? 'supply to' : 'deposit into'} ${venues[i].terms.name}`);
    },
  });
  return unpaid;
}

/**
 * Runs day `t` (0 = inception; then 1…N in order) and records it.
 *
 * @example for (let t = 0; t <= setup.days; t++) runFundDay(run, t);
 */
export function runFundDay(run: FundRun, t: number): void {
  completeFundDay(run, prepareFundDay(run, t));
}

/**
 * The rest of the day {@link prepareFundDay} began: plan, execute, mark and record.
 *
 * @example const day = prepareFundDay(run, t); completeFundDay(run, day);
 */
export function completeFundDay(run: FundRun, { observation, sleeveUsd }: { observation: FundObservation; sleeveUsd: number }): void {
  const t = run.books.day;
  const { policy } = run.setup;
  yieldStateFromObservation(policy, observation, run.yieldState);
  if (run.detail) for (const d of planYield(policy, run.yieldState, run.ws).decisions) run.series.decisions.push(decisionRow(t, d));
  else planYieldInto(policy, run.yieldState, run.ws);
  const unpaid = execute(run, sleeveUsd);
  eachVenue(run, (v) => v.state !== v.markedState && mark(run, v)); // a venue no trade touched today is marked already
  endFeeDay(run.books, run.setup.params.fees, run.fees);
  recordFundDay(run, unpaid);
}

/**
 * Runs the whole horizon of run `run` (days 0…N) and returns it.
 *
 * @example simulateFundRun(setup, 42, 0, { detail: true }).series.sharePrice
 */
export function simulateFundRun(setup: FundSetup, seed: number, run: number, opts: FundRunOptions): FundRun & { events: FundRun['books']['events'] } {
  const r = createFundRun(setup, seed, run, opts);
  for (let t = 0; t <= setup.days; t++) runFundDay(r, t);
  return Object.assign(r, { events: r.books.events });
}
