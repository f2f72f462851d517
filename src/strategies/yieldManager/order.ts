/**
 * The execution order of a yield plan's trades, in one place for `capflow plan` and the fund:
 * immediate withdrawals from the last rule up, then redemption requests in rule order, then
 * (after whatever the caller pays in between: investor claims, directional trades) deposits in
 * rule order.
 */
import type { YieldWorkspace } from './types.ts';

/**
 * What to do with each trade, by venue index (rule order) and positive USD amount.
 *
 * @example const v: YieldTradeVisitor = { withdraw: (i, usd) => {}, requestRedeem: (i, usd) => {}, beforeDeposits: () => {}, deposit: (i, usd) => {} };
 */
export interface YieldTradeVisitor {
  withdraw(venue: number, amountUsd: number): void;
  requestRedeem(venue: number, amountUsd: number): void;
  /** Between the cash-raising trades and the deposits. */
  beforeDeposits(): void;
  deposit(venue: number, amountUsd: number): void;
}

/**
 * Visits a planned workspace's trades in execution order.
 *
 * @example visitYieldTrades(ws, policy.venues.length, executor);
 */
export function visitYieldTrades(ws: YieldWorkspace, venueCount: number, visit: YieldTradeVisitor): void {
  for (let i = venueCount - 1; i >= 0; i--) if (ws.tradeUsd[i] < 0) visit.withdraw(i, -ws.tradeUsd[i]);
  for (let i = 0; i < venueCount; i++) if (ws.redeemRequestUsd[i] > 0) visit.requestRedeem(i, ws.redeemRequestUsd[i]);
  visit.beforeDeposits();
  for (let i = 0; i < venueCount; i++) if (ws.tradeUsd[i] > 0) visit.deposit(i, ws.tradeUsd[i]);
}
