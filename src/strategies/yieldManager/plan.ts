/**
 * A yield plan as plain objects: one decision per rule with its explanation, and the trades in
 * execution order, from the kernel's workspace.
 */
import { planYieldInto } from './kernel.ts';
import { visitYieldTrades } from './order.ts';
import { createYieldWorkspace, YIELD_BOUND_BY, type YieldNoTradeReason, type YieldPolicy, type YieldState, type YieldVenueKind, type YieldVenueRule, type YieldWorkspace, type YieldBoundBy } from './types.ts';

/**
 * One trade of a plan.
 * `action`: `supply`/`withdraw` for credit supply (resized in place), `deposit`/`redeem` for vaults.
 *
 * @example const t: YieldTrade = { venue: 'ipor', kind: 'vault', action: 'deposit', deltaUsd: 3135, deltaShares: 1567.5, settlesInDays: 0 };
 */
export interface YieldTrade {
  venue: string;
  kind: YieldVenueKind;
  action: 'supply' | 'withdraw' | 'deposit' | 'redeem';
  /** Signed USD: > 0 puts money in, < 0 takes it out. */
  deltaUsd: number;
  /** Vault shares (deltaUsd / sharePrice); `null` for credit supply. */
  deltaShares: number | null;
  /** 0 for an immediate trade; > 0 for a redemption request that pays out after this many days. */
  settlesInDays: number;
}

/**
 * One venue's decision with its explanation.
 *
 * @example plan.decisions[0].boundBy // 'concentration'
 */
export interface YieldDecision {
  venue: string;
  kind: YieldVenueKind;
  /** 1-based position in the rule list. */
  rank: number;
  /** Share of the allocated amount (weights sum to 1 when anything is allocated). */
  weight: number;
  /** What the rule asked: max(available, 0) × maxConcentration. */
  askedUsd: number;
  /** The binding cap (asked, pool participation, maxUsd or remainder). */
  capUsd: number;
  /** Which limit set the accepted amount. */
  boundBy: YieldBoundBy;
  /** Accepted amount: the venue's size after this cycle. */
  amountUsd: number;
  /** The full-speed accepted amount; differs from `amountUsd` only with `rules.convergenceDays`. */
  targetUsd: number;
  existingUsd: number;
  /** Money that cannot leave the venue this cycle. */
  lockedUsd: number;
  deltaUsd: number;
  /** Position above its pool-participation cap because the venue's TVL fell (0 if not). */
  tvlExcessUsd: number;
  /** The break-even gate's numbers when it was evaluated. */
  breakEven: { gainUsd: number; costUsd: number } | null;
  /** The immediate trade, or `null`. */
  trade: YieldTrade | null;
  /** A redemption request (delayed venues), or `null`. */
  redeemRequest: YieldTrade | null;
  /** Part of `redeemRequest` (USD, ≥ 0) that covers the shortfall; the rest is the excess over the caps. */
  shortfallRedeemUsd: number;
  /** Why there is no trade although delta ≠ 0. */
  noTradeReason: YieldNoTradeReason | null;
}

/**
 * A plan: the cash waterfall, one decision per rule, and the trades in execution order
 * (immediate withdrawals from the last rule up, then redemption requests, then deposits in
 * rule order).
 *
 * @example planYield(policy, state).trades.map((t) => t.action)
 */
export interface YieldPlan {
  cashUsd: number;
  positionsUsd: number;
  cashLikeUsd: number;
  tradeCashDiffUsd: number;
  directionalAsyncSellUsd: number;
  alwaysInCashUsd: number;
  pendingRedemptionsUsd: number;
  availableForYieldUsd: number;
  allocatedUsd: number;
  unallocatedUsd: number;
  shortfallUsd: number;
  cashAfterUsd: number;
  decisions: YieldDecision[];
  trades: YieldTrade[];
}

/**
 * The action of a trade of `deltaUsd` (> 0 into the venue) on a venue of `kind`.
 *
 * @example yieldTradeAction('vault', -100) // 'redeem'
 */
export function yieldTradeAction(kind: YieldVenueKind, deltaUsd: number): YieldTrade['action'] {
  const out = deltaUsd > 0;
  return kind === 'credit_supply' ? (out ? 'supply' : 'withdraw') : out ? 'deposit' : 'redeem';
}

function makeTrade(v: YieldVenueRule, deltaUsd: number, sharePrice: number, settlesInDays: number): YieldTrade {
  return { venue: v.venue, kind: v.kind, action: yieldTradeAction(v.kind, deltaUsd), deltaUsd, deltaShares: v.kind === 'credit_supply' ? null : deltaUsd / sharePrice, settlesInDays };
}

/**
 * Why a venue was not traded, indexed by the workspace's `noTrade` code (0 = it was, or no reason).
 *
 * @example NO_TRADE_REASONS[ws.noTrade[i]] // 'tolerance'
 */
export const NO_TRADE_REASONS: readonly (YieldNoTradeReason | null)[] = [null, 'tolerance', 'breakEven'];

/**
 * Plans one cycle and returns it as plain objects (decisions with explanations, trades in
 * execution order). Same kernel as {@link planYieldInto}.
 *
 * @example
 * const { policy, state } = yieldInputFromSnapshot(snapshot);
 * const plan = planYield(policy, state);
 * plan.decisions.map((d) => [d.venue, d.amountUsd, d.boundBy]);
 */
export function planYield(policy: YieldPolicy, state: YieldState, ws: YieldWorkspace = createYieldWorkspace(policy.venues.length)): YieldPlan {
  planYieldInto(policy, state, ws);
  const decisions = policy.venues.map((v, i): YieldDecision => {
    const price = state.sharePrice[i];
    return {
      venue: v.venue,
      kind: v.kind,
      rank: i + 1,
      weight: ws.weight[i],
      askedUsd: ws.askedUsd[i],
      capUsd: ws.capUsd[i],
      boundBy: YIELD_BOUND_BY[ws.boundBy[i]],
      amountUsd: ws.amountUsd[i],
      targetUsd: ws.targetUsd[i],
      existingUsd: state.existingUsd[i],
      lockedUsd: ws.lockedUsd[i],
      deltaUsd: ws.deltaUsd[i],
      tvlExcessUsd: ws.tvlExcessUsd[i],
      breakEven: Number.isNaN(ws.gainUsd[i]) ? null : { gainUsd: ws.gainUsd[i], costUsd: ws.costUsd[i] },
      trade: ws.tradeUsd[i] === 0 ? null : makeTrade(v, ws.tradeUsd[i], price, 0),
      redeemRequest: ws.redeemRequestUsd[i] === 0 ? null : makeTrade(v, -ws.redeemRequestUsd[i], price, v.withdrawDelayDays),
      shortfallRedeemUsd: ws.shortfallRedeemUsd[i],
      noTradeReason: NO_TRADE_REASONS[ws.noTrade[i]],
    };
  });
  const trades: YieldTrade[] = [];
  visitYieldTrades(ws, policy.venues.length, {
    withdraw: (i) => trades.push(decisions[i].trade as YieldTrade),
    requestRedeem: (i) => trades.push(decisions[i].redeemRequest as YieldTrade),
    beforeDeposits: () => undefined,
    deposit: (i) => trades.push(decisions[i].trade as YieldTrade),
  });
  return {
    cashUsd: state.cashUsd,
    positionsUsd: ws.cashLikeUsd - state.cashUsd,
    cashLikeUsd: ws.cashLikeUsd,
    tradeCashDiffUsd: ws.tradeCashDiffUsd,
    directionalAsyncSellUsd: state.directionalAsyncSellUsd,
    alwaysInCashUsd: ws.alwaysInCashUsd,
    pendingRedemptionsUsd: state.pendingRedemptionsUsd,
    availableForYieldUsd: ws.availableForYieldUsd,
    allocatedUsd: ws.allocatedUsd,
    unallocatedUsd: ws.unallocatedUsd,
    shortfallUsd: ws.shortfallUsd,
    cashAfterUsd: ws.cashAfterUsd,
    decisions,
    trades,
  };
}
