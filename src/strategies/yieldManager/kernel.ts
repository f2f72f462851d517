/**
 * The yield manager's kernel ({@link planYieldInto}): parks a fund's idle cash in yield venues
 * (a lending reserve's credit supply, ERC-4626 and ERC-7540 vaults) by an ordered rule list.
 * Typed, already-validated input ({@link YieldPolicy} + {@link YieldState}), results written
 * into a reusable {@link YieldWorkspace} of typed arrays; no allocation per call. `planYield`
 * (plan.ts) turns the workspace into decisions with their explanation and ordered trades.
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
 * 5. Trades: delta = accepted − existing per venue; a desired amount below 1 USD counts as 0
 *    (also what the break-even gate would keep: a sub-dollar holding is exited, not kept);
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
 * 7. Convergence (only with `convergenceDays`): the accepted amounts above are the targets
 *    (`targetUsd`); one plan moves f = min(1, √(dtDays / convergenceDays)) of the way to them.
 *    Withdrawals forced by caps or liquidity and money needed for cash obligations (pending
 *    redemptions, shortfall, directional buys, the cash buffer) are not slowed; re-allocation
 *    between venues and deployment of idle cash are. Details: `convergence.ts`.
 *
 * Planning again after applying the trades (cash, positions, queued redemptions and the TVL
 * moved by our own trades) gives no trades at full speed, and the next converged step with the
 * same targets otherwise: every cap depends only on what our own trades do
 * not change (the available amount, the other holders' part of the TVL, locked money).
 */

import { DAYS_PER_YEAR } from '../../core/time.ts';
import { convergeYieldPlan, convergenceFraction } from './convergence.ts';
import { YIELD_DUST_USD, type YieldPolicy, type YieldState, type YieldWorkspace } from './types.ts';

const BOUND_CONCENTRATION = 0;
const BOUND_POOL = 1;
const BOUND_MAX_USD = 2;
const BOUND_REMAINDER = 3;
const BOUND_LIQUIDITY = 4;
const BOUND_BREAK_EVEN = 5;
/** BOUND_STALE, BOUND_ANOMALOUS = BOUND_DATA_FLAG + the state's dataFlag code (1, 2). */
const BOUND_DATA_FLAG = 5;

const NO_TRADE_NONE = 0;
const NO_TRADE_TOLERANCE = 1;
const NO_TRADE_BREAK_EVEN = 2;

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
    if (state.dataFlag[i] !== 0 && held < cap) {
      cap = held; // flagged data: no new money, what is held stays
      bound = BOUND_DATA_FLAG + state.dataFlag[i];
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
        // the deposit is skipped; what the venue holds stays, unless it is itself dust (below 1 USD
        // counts as 0 here too, so a later plan that can no longer afford the deposit agrees)
        amount = held < YIELD_DUST_USD && locked === 0 ? 0 : held;
        delta = amount - held;
        bound = BOUND_BREAK_EVEN;
        if (delta === 0) noTrade = NO_TRADE_BREAK_EVEN;
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
    ws.targetUsd[i] = amount;
    ws.riskCapUsd[i] = riskCap;
    ws.tvlExcessUsd[i] = tvlExcess;
    ws.deltaUsd[i] = delta;
    ws.tradeUsd[i] = trade;
    ws.redeemRequestUsd[i] = request;
    ws.gainUsd[i] = gain;
    ws.costUsd[i] = cost;
    ws.boundBy[i] = bound;
    ws.noTrade[i] = noTrade;
  }
  const fraction = convergenceFraction(rules);
  if (fraction < 1) {
    convergeYieldPlan(policy, existing, ws, fraction, Math.max(available, lockedTotalUsd));
    allocatedUsd = 0;
    tradedUsd = 0;
    for (let i = 0; i < n; i++) {
      allocatedUsd += ws.amountUsd[i];
      tradedUsd += ws.tradeUsd[i];
    }
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
