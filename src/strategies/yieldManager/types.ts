/**
 * The yield manager's data: venue kinds and rules, the policy, the per-plan state and the
 * kernel's reusable workspace (typed arrays in rule order).
 */
import type { VenueKind } from '../../venues/types.ts';

/** How a venue holds money: a lending reserve's credit supply, an ERC-4626 vault, or an ERC-7540 (asynchronous) vault. */
export type YieldVenueKind = Extract<VenueKind, 'credit_supply' | 'vault' | 'async_vault'>;

import type { DataFlag } from '../../market/history/quality.ts';

/**
 * What limited a venue's accepted amount.
 * - `concentration`: available × maxConcentration.
 * - `poolParticipation`: our share of the venue's TVL after the trade would exceed
 *   maxPoolParticipation (see {@link poolParticipationCapUsd}).
 * - `maxUsd`: the rule's absolute cap.
 * - `remainder`: what earlier rules left.
 * - `liquidity`: money that cannot leave the venue this cycle kept it higher than the caps.
 * - `breakEven`: a deposit that would not pay its costs over the horizon was skipped.
 * - `stale` / `anomalous`: the venue's data is too old, or its APY too far off its recent
 *   median: it takes no new money this cycle (what it holds stays).
 *
 * @example const b: YieldBoundBy = 'poolParticipation';
 */
export type YieldBoundBy = 'concentration' | 'poolParticipation' | 'maxUsd' | 'remainder' | 'liquidity' | 'breakEven' | DataFlag;

/**
 * Codes of {@link YieldBoundBy} in {@link YieldWorkspace.boundBy}.
 *
 * @example YIELD_BOUND_BY[ws.boundBy[0]] // 'concentration'
 */
export const YIELD_BOUND_BY: readonly YieldBoundBy[] = ['concentration', 'poolParticipation', 'maxUsd', 'remainder', 'liquidity', 'breakEven', 'stale', 'anomalous'];

/**
 * Codes of the venue data flags in {@link YieldState.dataFlag}: 0 none, then these.
 *
 * @example VENUE_DATA_FLAGS[state.dataFlag[0] - 1] // 'stale'
 */
export const VENUE_DATA_FLAGS: readonly DataFlag[] = ['stale', 'anomalous'];

/**
 * Why a venue has no trade although its accepted amount differs from what it holds.
 * `tolerance`: |delta| ≤ cashChangeToleranceUsd; `breakEven`: the deposit did not pay its costs.
 *
 * @example const r: YieldNoTradeReason = 'tolerance';
 */
export type YieldNoTradeReason = 'tolerance' | 'breakEven';

/**
 * A desired amount below this many USD counts as 0 (the original's epsilon).
 *
 * @example if (amountUsd < YIELD_DUST_USD) amountUsd = 0;
 */
export const YIELD_DUST_USD = 1;

/**
 * The fund-wide rules.
 *
 * @example const rules: YieldRules = { cashBufferPct: 0.05, sellHaircutPct: 0.01, cashChangeToleranceUsd: 5, horizonDays: null };
 */
export interface YieldRules {
  /** Share [0, 1] of total equity always kept in cash (never put in yield venues). */
  cashBufferPct: number;
  /** Haircut (0, 1] on cash expected from synchronous directional sells (slippage margin). */
  sellHaircutPct: number;
  /** No trade when a venue's |delta| is at or below this many USD (> 0). */
  cashChangeToleranceUsd: number;
  /** Break-even horizon in days for the deposit gate; `null` turns the gate off. */
  horizonDays: number | null;
  /**
   * Days over which a plan converges to its targets: each plan moves min(1, √(dtDays /
   * convergenceDays)) of the way (see `yieldManager/convergence.ts` for what is not slowed);
   * absent or `null`: full speed.
   */
  convergenceDays?: number | null;
  /** Days between two plans (the cadence), for the convergence fraction; default 1. */
  dtDays?: number;
}

/**
 * One rule with its venue's static terms, in rule order.
 *
 * @example const v: YieldVenueRule = { venue: 'aave', kind: 'credit_supply', maxConcentration: 1, maxPoolParticipation: null, maxUsd: null, withdrawDelayDays: 0, entryCostUsd: 0, exitCostPct: 0 };
 */
export interface YieldVenueRule {
  /** Venue name. */
  venue: string;
  kind: YieldVenueKind;
  /** Share [0,1] of the available amount this venue may get; the last rule has 1. */
  maxConcentration: number;
  /** Largest share [0,1] of the venue's TVL we may hold; `null` = no limit. */
  maxPoolParticipation: number | null;
  /** Absolute cap in USD; `null` = no limit. */
  maxUsd: number | null;
  /** Days a redemption takes to pay out; > 0 makes what exceeds the instant liquidity a request. */
  withdrawDelayDays: number;
  /** Fixed cost in USD of one deposit/supply (gas, fees), for the break-even gate. */
  entryCostUsd: number;
  /** Cost of a withdrawal as a 0..1 fraction of the amount, for the break-even gate. */
  exitCostPct: number;
}

/**
 * The static part of the policy: rules and venues in rule order. Build it once (see
 * `yieldInputFromSnapshot`), reuse it for every plan.
 *
 * @example const policy: YieldPolicy = { rules, venues: [ipor, aave] };
 */
export interface YieldPolicy {
  rules: YieldRules;
  venues: readonly YieldVenueRule[];
}

/**
 * What changes from one plan to the next. Per-venue arrays are in rule order (index i is
 * `policy.venues[i]`).
 *
 * @example const state = createYieldState(2); state.cashUsd = 10_000; state.totalEquityUsd = 10_000;
 */
export interface YieldState {
  /** Cash in hand (USD). */
  cashUsd: number;
  /** Total equity of the fund (USD). */
  totalEquityUsd: number;
  /** Redemptions queued by investors, to be paid in cash (USD). */
  pendingRedemptionsUsd: number;
  /** Σ planned directional buys (USD of reserve they consume). */
  directionalBuyUsd: number;
  /** Σ planned synchronous directional sells (USD of reserve they release). */
  directionalSellUsd: number;
  /** Σ planned sells from asynchronous vaults; they release nothing this cycle (reported only). */
  directionalAsyncSellUsd: number;
  /** Current value of each yield position (USD). */
  existingUsd: Float64Array;
  /** Venue TVL (USD); NaN when unknown. */
  tvlUsd: Float64Array;
  /** Vault share price (USD per share); NaN for credit supply. */
  sharePrice: Float64Array;
  /** What can be withdrawn right now (USD); Infinity when unlimited, 0 for a delayed venue without an instant buffer. */
  availableLiquidityUsd: Float64Array;
  /** Part of the position already queued for redemption (USD). */
  redeemQueuedUsd: Float64Array;
  /** Venue yield as a 0..1 annual percentage yield (for the break-even gate). */
  apy: Float64Array;
  /** The venue's data quality: 0 good, 1 stale, 2 anomalous (see {@link VENUE_DATA_FLAGS}); a flagged venue takes no new money. */
  dataFlag: Uint8Array;
}

/**
 * The kernel's results, reused between calls. Per-venue arrays are in rule order.
 *
 * @example const ws = createYieldWorkspace(policy.venues.length); planYieldInto(policy, state, ws); ws.amountUsd[0];
 */
export interface YieldWorkspace {
  cashLikeUsd: number;
  tradeCashDiffUsd: number;
  alwaysInCashUsd: number;
  availableForYieldUsd: number;
  /** Σ accepted amounts (USD). */
  allocatedUsd: number;
  /** Budget that no venue could take; stays in cash (USD). */
  unallocatedUsd: number;
  /** What the withdrawable positions cannot cover this cycle (USD). */
  shortfallUsd: number;
  /** Cash in hand after this cycle's immediate yield trades (USD). */
  cashAfterUsd: number;
  /** max(available, 0) × maxConcentration. */
  askedUsd: Float64Array;
  /** The smallest of asked, pool-participation cap, maxUsd and remainder. */
  capUsd: Float64Array;
  /** Accepted amount: the venue's size after this cycle (with convergence, one step toward `targetUsd`). */
  amountUsd: Float64Array;
  /** The full-speed accepted amount (= amountUsd without convergence). */
  targetUsd: Float64Array;
  /** The smallest of the risk caps (asked, pool participation, maxUsd), before the remainder. */
  riskCapUsd: Float64Array;
  /** Money that cannot leave the venue this cycle. */
  lockedUsd: Float64Array;
  /** How far the position is above its pool-participation cap (TVL shrink), 0 if not. */
  tvlExcessUsd: Float64Array;
  /** amount / allocated (0 when nothing is allocated). */
  weight: Float64Array;
  /** amount − existing. */
  deltaUsd: Float64Array;
  /** Immediate trade (signed USD), 0 for none. */
  tradeUsd: Float64Array;
  /** Redemption request for a delayed venue (positive USD), 0 for none. */
  redeemRequestUsd: Float64Array;
  /** Part of the redemption request that covers the shortfall (beyond the excess over the caps). */
  shortfallRedeemUsd: Float64Array;
  /** Break-even gate: yield the deposit adds over the horizon (NaN when not evaluated). */
  gainUsd: Float64Array;
  /** Break-even gate: what the deposit costs (NaN when not evaluated). */
  costUsd: Float64Array;
  /** Index into {@link YIELD_BOUND_BY}. */
  boundBy: Uint8Array;
  /** 0 none, 1 tolerance, 2 breakEven. */
  noTrade: Uint8Array;
}

/**
 * A state for `venueCount` venues: zero cash, no positions, unknown TVL, unlimited liquidity.
 *
 * @example const state = createYieldState(3);
 */
export function createYieldState(venueCount: number): YieldState {
  return {
    cashUsd: 0,
    totalEquityUsd: 0,
    pendingRedemptionsUsd: 0,
    directionalBuyUsd: 0,
    directionalSellUsd: 0,
    directionalAsyncSellUsd: 0,
    existingUsd: new Float64Array(venueCount),
    tvlUsd: new Float64Array(venueCount).fill(NaN),
    sharePrice: new Float64Array(venueCount).fill(NaN),
    availableLiquidityUsd: new Float64Array(venueCount).fill(Infinity),
    redeemQueuedUsd: new Float64Array(venueCount),
    apy: new Float64Array(venueCount),
    dataFlag: new Uint8Array(venueCount),
  };
}

/**
 * A workspace for `venueCount` venues.
 *
 * @example const ws = createYieldWorkspace(policy.venues.length);
 */
export function createYieldWorkspace(venueCount: number): YieldWorkspace {
  const f = (): Float64Array => new Float64Array(venueCount);
  return {
    cashLikeUsd: 0,
    tradeCashDiffUsd: 0,
    alwaysInCashUsd: 0,
    availableForYieldUsd: 0,
    allocatedUsd: 0,
    unallocatedUsd: 0,
    shortfallUsd: 0,
    cashAfterUsd: 0,
    askedUsd: f(),
    capUsd: f(),
    amountUsd: f(),
    targetUsd: f(),
    riskCapUsd: f(),
    lockedUsd: f(),
    tvlExcessUsd: f(),
    weight: f(),
    deltaUsd: f(),
    tradeUsd: f(),
    redeemRequestUsd: f(),
    shortfallRedeemUsd: f(),
    gainUsd: f(),
    costUsd: f(),
    boundBy: new Uint8Array(venueCount),
    noTrade: new Uint8Array(venueCount),
  };
}
