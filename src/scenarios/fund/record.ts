/**
 * The day's figures of a fund run, written into its series: NAV, share price (net and
 * gross of fees), flows, costs and fees, each venue's value, yield, terms of the plan, and the
 * sleeve's PnL split.
 */
import { pendingRedemptionsUsd, sharePriceOf } from '../../ledger/treasury.ts';
import { X_FUNDING, X_LIQUIDATION_LOSSES, X_LVR, X_POOL_FEES, X_POOL_PNL, X_SHORT_PNL, X_FIXED_COSTS, X_TRADE_FEES } from '../../strategies/deltaNeutral/exact.ts';
import type { YieldDecision } from '../../strategies/yieldManager.ts';
import type { SleeveState } from '../../venues/deltaNeutralSleeve.ts';
import { unitsToUsd } from '../../venues/units.ts';
import { cashUnits, positionUnits } from './books.ts';
import type { FundDecisionRow } from './result.ts';
import type { FundRun, FundVenue } from './run.ts';

const SHARE_UNITS = 1e18;

/**
 * A plan decision as a row of the fund's decisions table.
 *
 * @example decisionRow(3, plan.decisions[0]).action // 'supply'
 */
export function decisionRow(day: number, d: YieldDecision): FundDecisionRow {
  let action: string = d.trade === null ? 'none' : d.trade.action;
  if (d.redeemRequest !== null) action = action === 'none' ? 'request redeem' : `${action} + request redeem`;
  return {
    day,
    venue: d.venue,
    askedUsd: d.askedUsd,
    boundBy: d.boundBy,
    acceptedUsd: d.amountUsd,
    existingUsd: d.existingUsd,
    deltaUsd: d.deltaUsd,
    action,
    capUsd: d.capUsd,
    lockedUsd: d.lockedUsd,
    redeemRequestUsd: d.redeemRequest === null ? 0 : -d.redeemRequest.deltaUsd,
    noTradeReason: d.noTradeReason ?? '',
  };
}

/**
 * Records day `t` (after its trades) with `unpaidUnits` of claims cash could not pay: the
 * fund's figures, and each venue's and the sleeve's when the run keeps them (`venueSeries`).
 *
 * @example recordFundDay(run, 0n);
 */
export function recordFundDay(run: FundRun, unpaidUnits: bigint): void {
  const t = run.books.day;
  const r = run.series;
  const { ledger } = run.books;
  const inv = run.investors;
  r.navUsd[t] = unitsToUsd(ledger.totalAssets);
  r.sharePrice[t] = sharePriceOf(ledger);
  r.totalShares[t] = Number(ledger.totalShares) / SHARE_UNITS;
  r.cashUsd[t] = unitsToUsd(cashUnits(run.books));
  r.bufferUsd[t] = run.ws.alwaysInCashUsd;
  r.pendingRedemptionsUsd[t] = pendingRedemptionsUsd(ledger, 1).totalUsd;
  r.depositsUsd[t] = unitsToUsd(inv.depositsUnits);
  r.redemptionsPaidUsd[t] = unitsToUsd(inv.paidUnits);
  r.shortfallUsd[t] = unitsToUsd(unpaidUnits);
  r.costsUsd[t] = unitsToUsd(run.costsUnits);
  r.managementFeesUsd[t] = run.fees.managementUsd;
  r.performanceFeesUsd[t] = run.fees.performanceUsd;
  r.grossSharePrice[t] = r.sharePrice[t] * run.fees.dilution;
  if (!run.venueSeries) return;
  for (let i = 0; i < run.venues.length; i++) {
    const v = run.venues[i];
    const out = r.venues[i];
    out.valueUsd[t] = unitsToUsd(positionUnits(run.books, v.terms.name));
    out.yieldEarnedUsd[t] = unitsToUsd(v.earnedUnits);
    out.apy[t] = run.yieldState.apy[i];
    out.tvlUsd[t] = run.yieldState.tvlUsd[i];
    out.capUsd[t] = run.ws.capUsd[i];
    out.lockedUsd[t] = run.ws.lockedUsd[i];
    out.flowUsd[t] = unitsToUsd(v.flowUnits);
    out.costUsd[t] = unitsToUsd(v.costUnits);
  }
  if (run.sleeve !== null) recordSleeve(run, t, run.sleeve);
}

function recordSleeve(run: FundRun, t: number, sleeve: FundVenue): void {
  const s = (sleeve.state as SleeveState).slots;
  const sl = run.series.sleeve;
  sl.valueUsd[t] = unitsToUsd(positionUnits(run.books, sleeve.terms.name));
  sl.poolPnlUsd[t] = s[X_POOL_PNL];
  sl.shortPnlUsd[t] = s[X_SHORT_PNL];
  sl.feesUsd[t] = s[X_POOL_FEES];
  sl.fundingUsd[t] = s[X_FUNDING];
  sl.costsUsd[t] = s[X_TRADE_FEES] + s[X_FIXED_COSTS] + s[X_LIQUIDATION_LOSSES];
  sl.lvrUsd[t] = -s[X_LVR];
}
