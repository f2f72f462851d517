/**
 * Yield manager: parks a fund's idle cash in yield venues (a lending reserve's credit supply,
 * ERC-4626 vaults) by an ordered rule list, and says why.
 *
 * The policy is pure and runs in two layers:
 * - {@link planYieldInto}: the kernel. Typed, already-validated input ({@link YieldPolicy} +
 *   {@link YieldState}), results written into a reusable {@link YieldWorkspace} of typed
 *   arrays; no allocation per call. A simulation calls this every step.
 * - {@link planYield}: the same kernel, then the result as plain objects (decisions with their
 *   explanation, trades in execution order) for `capflow plan` and library users.
 *
 * Semantics (ported from trade-executor's cash yield manager, faults fixed):
 * 1. Cash waterfall. cashLike = cash + Σ yield positions; tradeCashDiff = Σ directional buys −
 *    Σ synchronous directional sells × (1 − sellHaircutPct) (asynchronous sells release nothing
 *    this cycle); alwaysInCash = totalEquity × cashBufferPct;
 *    available = cashLike − tradeCashDiff − alwaysInCash − pendingRedemptions.
 * 2. Rule fill, in rule order. asked = max(available, 0) × maxConcentration, capped by the
 *    pool-participation cap (see {@link poolParticipationCapUsd}: our share of the venue's TVL
 *    after the trade ≤ maxPoolParticipation; the TVL includes our own position), by maxUsd and
 *    by what is left (`remainder`). The last rule has maxConcentration 1 and takes the rest,
 *    still capped; what no venue takes stays in cash (`unallocatedUsd`).
 * 3. Money that cannot leave a venue this cycle is locked: what exceeds the venue's instantly
 *    withdrawable liquidity (`availableLiquidityUsd`; for a venue with `withdrawDelayDays > 0`
 *    only its instant-redemption buffer, 0 by default). A venue's accepted amount never goes
 *    below its locked money (`liquidity`); locked money is taken from the budget first, so the
 *    other venues get less. A delayed venue still above its risk caps (concentration, pool
 *    participation, maxUsd) after this cycle gets a redemption request (a `redeem` trade with
 *    `settlesInDays`) for the excess not already queued; its cash is not counted this cycle.
 * 4. Shortfall. When the budget is negative (directional trades, reserve and redemptions need
 *    more than is free) nothing fails: every venue is drawn down to its locked money, the last
 *    rule first, and `shortfallUsd` is what the withdrawable positions cannot cover. Delayed
 *    venues then also request the redemption of locked money to cover it, the last rule first:
 *    what the shortfall needs beyond the money already queued and the excess requests of
 *    step 3, up to each venue's locked money not yet queued (`shortfallRedeemUsd`).
 * 5. Trades: delta = accepted − existing per venue; a desired amount below 1 USD counts as 0;
 *    no trade when |delta| ≤ cashChangeToleranceUsd. Credit supply is resized in place
 *    (`supply`/`withdraw`); vault trades (`deposit`/`redeem`) carry shares = deltaUsd / sharePrice.
 * 6. Break-even gate (only with `horizonDays`): a deposit of d into venue i is skipped when
 *    gain = d × ((1+apy_i)^(h/DAYS_PER_YEAR) − (1+apy_alt)^(h/DAYS_PER_YEAR)) < cost = entryCostUsd_i + d × exitCostPct_i.
 *    The alternative is where the money goes if the deposit is skipped: the remainder venue
 *    (last rule) for every other rule, cash (apy 0) for the last rule itself. The cost is the
 *    round trip (the money will leave again some day). Skipped money flows on to the next
 *    rules. Withdrawals and redemption requests are never gated: they serve caps, risk limits
 *    and cash needs. The gate depends only on the deposit, so planning again after the trades
 *    gives the same verdict.
 *
 * Planning again after applying the trades (cash, positions, queued redemptions and the TVL
 * moved by our own trades) gives no trades: every cap depends only on what our own trades do
 * not change (the available amount, the other holders' part of the TVL, locked money).
 */

import type { VenueKind } from '../venues/types.ts';
import { visitYieldTrades } from './yieldManager/order.ts';
import { DAYS_PER_YEAR } from '../core/time.ts';

/** How a venue holds money: a lending reserve's credit supply, an ERC-4626 vault, or an ERC-7540 (asynchronous) vault. */
export type YieldVenueKind = Extract<VenueKind, 'credit_supply' | 'vault' | 'async_vault'>;

/**
 * What limited a venue's accepted amount.
 * - `concentration`: available × maxConcentration.
 * - `poolParticipation`: our share of the venue's TVL after the trade would exceed
 *   maxPoolParticipation (see {@link poolParticipationCapUsd}).
 * - `maxUsd`: the rule's absolute cap.
 * - `remainder`: what earlier rules left.
 * - `liquidity`: money that cannot leave the venue this cycle kept it higher than the caps.
 * - `breakEven`: a deposit that would not pay its costs over the horizon was skipped.
 *
 * @example const b: YieldBoundBy = 'poolParticipation';
 */
export type YieldBoundBy = 'concentration' | 'poolParticipation' | 'maxUsd' | 'remainder' | 'liquidity' | 'breakEven';

/**
 * Codes of {@link YieldBoundBy} in {@link YieldWorkspace.boundBy}.
 *
 * @example YIELD_BOUND_BY[ws.boundBy[0]] // 'concentration'
 */
export const YIELD_BOUND_BY: readonly YieldBoundBy[] = ['concentration', 'poolParticipation', 'maxUsd', 'remainder', 'liquidity', 'breakEven'];

/**
 * Why a venue has no trade although its accepted amount differs from what it holds.
 * `tolerance`: |delta| ≤ cashChangeToleranceUsd; `breakEven`: the deposit did not pay its costs.
 *
 * @example const r: YieldNoTradeReason = 'tolerance';
 */
export type YieldNoTradeReason = 'tolerance' | 'breakEven';

const BOUND_CONCENTRATION = 0;
const BOUND_POOL = 1;
const BOUND_MAX_USD = 2;
const BOUND_REMAINDER = 3;
const BOUND_LIQUIDITY = 4;
const BOUND_BREAK_EVEN = 5;

const NO_TRADE_NONE = 0;
const NO_TRADE_TOLERANCE = 1;
const NO_TRADE_BREAK_EVEN = 2;

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
  /** Accepted amount: the venue's size after this cycle. */
  amountUsd: Float64Array;
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

/**
 * The cash waterfall: how much of the fund's cash-like money may sit in yield venues.
 *
 * @example availableForYield(10_000, 1_000, 500, 0) // 8500
 */
export function availableForYield(cashLikeUsd: number, tradeCashDiffUsd: number, alwaysInCashUsd: number, pendingRedemptionsUsd: number): number {
  return cashLikeUsd - tradeCashDiffUsd - alwaysInCashUsd - pendingRedemptionsUsd;
}

/**
 * Yield that `amountUsd` earns at `apy` (compounded annually) over `horizonDays`.
 *
 * @example horizonYieldUsd(10_000, 0.05, 365) // 500
 */
export function horizonYieldUsd(amountUsd: number, apy: number, horizonDays: number): number {
  return amountUsd * (Math.pow(1 + apy, horizonDays / DAYS_PER_YEAR) - 1);
}

/**
 * Money that cannot leave a venue this cycle: what exceeds the instantly withdrawable
 * liquidity, plus what is already queued for redemption.
 *
 * @example lockedUsd(1000, 300) // 700
 */
export function lockedUsd(existingUsd: number, availableLiquidityUsd: number, redeemQueuedUsd = 0): number {
  return existingUsd - Math.min(existingUsd - redeemQueuedUsd, Math.max(availableLiquidityUsd, 0));
}

/**
 * The pool-participation cap: the largest position whose share of the venue's TVL after the
 * trade is at most `maxPoolParticipation`. The TVL includes our own position (as on-chain TVL
 * does), so the other holders own tvl − existing and the cap p·(tvl − existing)/(1 − p) does not
 * move when our own trades change the TVL. p = 1: no cap; a TVL below our position counts as
 * no other holders (cap 0). A position is above it exactly when existing > p·tvl.
 *
 * @example poolParticipationCapUsd(0.1, 2_000_000, 320_000) // 186,666.67: 10% of 1,866,666.67
 */
export function poolParticipationCapUsd(maxPoolParticipation: number, tvlUsd: number, existingUsd: number): number {
  if (maxPoolParticipation >= 1) return Infinity;
  return (maxPoolParticipation * Math.max(tvlUsd - existingUsd, 0)) / (1 - maxPoolParticipation);
}

/**
 * The kernel: plans one cycle into `ws` (see the module doc for the semantics). Input must
 * be validated (use `yieldInputFromSnapshot` at the edge); nothing is allocated.
 *
 * @example
 * const ws = createYieldWorkspace(policy.venues.length);
 * planYieldInto(policy, state, ws);
 * ws.amountUsd[0]; // accepted amount of the first rule's venue
 */
export function planYieldInto(policy: YieldPolicy, state: YieldState, ws: YieldWorkspace): YieldWorkspace {
  const { rules, venues } = policy;
  const n = venues.length;
  const last = n - 1;
  const tol = rules.cashChangeToleranceUsd;
  const existing = state.existingUsd;

  let positionsUsd = 0;
  let lockedTotalUsd = 0;
  for (let i = 0; i < n; i++) {
    positionsUsd += existing[i];
    const locked = lockedUsd(existing[i], state.availableLiquidityUsd[i], state.redeemQueuedUsd[i]);
    ws.lockedUsd[i] = locked;
    lockedTotalUsd += locked;
  }
  const cashLikeUsd = state.cashUsd + positionsUsd;
  const tradeCashDiffUsd = state.directionalBuyUsd - state.directionalSellUsd * (1 - rules.sellHaircutPct);
  const alwaysInCashUsd = state.totalEquityUsd * rules.cashBufferPct;
  const available = availableForYield(cashLikeUsd, tradeCashDiffUsd, alwaysInCashUsd, state.pendingRedemptionsUsd);
  const base = Math.max(available, 0);

  let left = available - lockedTotalUsd; // budget beyond locked money
  let allocatedUsd = 0;
  let tradedUsd = 0;
  const horizonDays = rules.horizonDays;

  for (let i = 0; i < n; i++) {
    const v = venues[i];
    const held = existing[i];
    const locked = ws.lockedUsd[i];
    const asked = base * v.maxConcentration;
    let cap = asked;
    let bound = BOUND_CONCENTRATION;
    let tvlExcess = 0;
    if (v.maxPoolParticipation !== null) {
      const poolCap = poolParticipationCapUsd(v.maxPoolParticipation, state.tvlUsd[i], held);
      if (poolCap < cap) {
        cap = poolCap;
        bound = BOUND_POOL;
      }
      if (held > poolCap) tvlExcess = held - poolCap;
    }
    if (v.maxUsd !== null && v.maxUsd < cap) {
      cap = v.maxUsd;
      bound = BOUND_MAX_USD;
    }
    const riskCap = cap;
    const room = locked + left;
    if (room < cap) {
      cap = Math.max(room, 0);
      bound = BOUND_REMAINDER;
    }
    let amount = cap;
    if (amount < locked) {
      amount = locked;
      bound = BOUND_LIQUIDITY;
    }
    if (amount < YIELD_DUST_USD && locked === 0) amount = 0;

    let delta = amount - held;
    let gain = NaN;
    let cost = NaN;
    let noTrade = NO_TRADE_NONE;
    if (horizonDays !== null && delta > tol) {
      const alternativeApy = i === last ? 0 : state.apy[last];
      gain = horizonYieldUsd(delta, state.apy[i], horizonDays) - horizonYieldUsd(delta, alternativeApy, horizonDays);
      cost = v.entryCostUsd + delta * v.exitCostPct;
      if (cost > gain) {
        amount = held;
        delta = 0;
        bound = BOUND_BREAK_EVEN;
        noTrade = NO_TRADE_BREAK_EVEN;
      }
    }
    let trade = 0;
    if (Math.abs(delta) > tol) trade = delta;
    else if (delta !== 0) noTrade = NO_TRADE_TOLERANCE;

    let request = 0;
    if (v.withdrawDelayDays > 0) {
      const excess = amount - state.redeemQueuedUsd[i] - riskCap;
      if (excess > tol) request = excess;
    }

    left -= amount - locked;
    tradedUsd += trade;
    allocatedUsd += amount;
    ws.askedUsd[i] = asked;
    ws.capUsd[i] = cap;
    ws.amountUsd[i] = amount;
    ws.tvlExcessUsd[i] = tvlExcess;
    ws.deltaUsd[i] = delta;
    ws.tradeUsd[i] = trade;
    ws.redeemRequestUsd[i] = request;
    ws.gainUsd[i] = gain;
    ws.costUsd[i] = cost;
    ws.boundBy[i] = bound;
    ws.noTrade[i] = noTrade;
  }
  for (let i = 0; i < n; i++) ws.weight[i] = allocatedUsd > 0 ? ws.amountUsd[i] / allocatedUsd : 0;

  ws.cashLikeUsd = cashLikeUsd;
  ws.tradeCashDiffUsd = tradeCashDiffUsd;
  ws.alwaysInCashUsd = alwaysInCashUsd;
  ws.availableForYieldUsd = available;
  ws.allocatedUsd = allocatedUsd;
  // From the totals, not from `left`, so float noise in the fill never shows as a shortfall.
  ws.shortfallUsd = Math.max(lockedTotalUsd - available, 0);
  ws.unallocatedUsd = ws.shortfallUsd > 0 ? 0 : Math.max(left, 0);
  requestShortfallRedemptions(policy, state, ws);
  ws.cashAfterUsd = state.cashUsd - tradedUsd;
  return ws;
}

/**
 * Step 4's requests: with a shortfall, delayed venues (last rule first) also request the
 * redemption of locked money, for what the shortfall needs beyond the money already queued and
 * the excess requests, up to each venue's locked money not yet queued or requested. Requests
 * at or below the tolerance are dropped.
 */
function requestShortfallRedemptions(policy: YieldPolicy, state: YieldState, ws: YieldWorkspace): void {
  const { venues, rules } = policy;
  const n = venues.length;
  ws.shortfallRedeemUsd.fill(0);
  if (!(ws.shortfallUsd > 0)) return;
  let needUsd = ws.shortfallUsd;
  for (let i = 0; i < n; i++) needUsd -= state.redeemQueuedUsd[i] + ws.redeemRequestUsd[i];
  for (let i = n - 1; i >= 0 && needUsd > 0; i--) {
    if (venues[i].withdrawDelayDays === 0) continue;
    const roomUsd = ws.lockedUsd[i] - state.redeemQueuedUsd[i] - ws.redeemRequestUsd[i];
    const topUpUsd = Math.min(roomUsd, needUsd);
    if (!(topUpUsd > 0) || ws.redeemRequestUsd[i] + topUpUsd <= rules.cashChangeToleranceUsd) continue;
    ws.redeemRequestUsd[i] += topUpUsd;
    ws.shortfallRedeemUsd[i] = topUpUsd;
    needUsd -= topUpUsd;
  }
}

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
