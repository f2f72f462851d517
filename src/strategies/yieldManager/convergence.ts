/**
 * Gradual convergence of a yield plan (`rules.convergenceDays`): one plan moves a fraction
 * f = min(1, √(dtDays / convergenceDays)) of the way from each venue's position to its target,
 * as the capital allocation model's simulation does (`rebalanceRate`). `dtDays` is the plan's
 * cadence (default 1: one plan a day).
 *
 * What is slowed and what is not:
 * - Not slowed: withdrawals forced by a cap or by liquidity. A venue above its risk caps
 *   (concentration, pool participation, maxUsd; never below its locked money) comes down to
 *   them at once; redemption requests of delayed venues are never slowed.
 * - Not slowed: money needed for cash obligations (pending redemptions, a shortfall,
 *   directional buys, the cash buffer). After the gradual step, if the positions would still
 *   hold more than the available amount (or the locked money, whichever is more), the
 *   shrinking venues give up the difference at once, last rule first (the shortfall order),
 *   each at most down to its target.
 * - Slowed: re-allocation between venues (a venue shrinking because earlier rules take its
 *   place, one growing into room) and the deployment of idle cash: they move the fraction f of
 *   the remaining gap, and at least 2 × cashChangeToleranceUsd (or the whole gap), so every
 *   trade stays above the tolerance and convergence ends after finitely many plans.
 * The targets are the full-speed plan's accepted amounts (`targetUsd`); a venue whose gap is
 * within the tolerance, or whose deposit the break-even gate skipped, does not trade. The gate
 * weighs the whole gap (the money is on its way there), so a deposit step is not refused for
 * being small; once the remaining gap no longer pays its costs it is skipped, and (as at full
 * speed) the skipped money flows on to the later rules, whose targets then grow.
 *
 * Planning again after executing a converged plan is consistent: the targets do not move (they
 * depend only on what our own trades leave unchanged, unless the gate now skips a smaller
 * deposit), nothing is above a cap and the positions fit the available amount, so the next
 * plan only continues the gradual moves, each venue's gap shrunk to at most (1 − f) of what it
 * was.
 */
import type { YieldPolicy, YieldRules, YieldWorkspace } from './types.ts';

/**
 * The fraction of the way to target one plan moves: min(1, √(dtDays / convergenceDays)); 1
 * when `convergenceDays` is absent or null (full speed).
 *
 * @example convergenceFraction({ convergenceDays: 30, dtDays: 1 }) // 0.18257418583505536
 */
export function convergenceFraction(rules: Pick<YieldRules, 'convergenceDays' | 'dtDays'>): number {
  const days = rules.convergenceDays;
  if (days === undefined || days === null) return 1;
  return Math.min(1, Math.sqrt((rules.dtDays ?? 1) / days));
}

/** One gradual step of `gapUsd` (> tolerance): f of it, at least 2 × tolerance, at most all of it. */
function gradualStepUsd(gapUsd: number, fraction: number, toleranceUsd: number): number {
  return Math.min(gapUsd, Math.max(fraction * gapUsd, 2 * toleranceUsd));
}

/**
 * Turns the full-speed plan in `ws` (targets in `ws.targetUsd`, caps in `ws.riskCapUsd`) into
 * one converged step: rewrites `amountUsd`, `deltaUsd`, `tradeUsd` and `noTrade` (venues that
 * trade at full speed keep trading). `boundUsd` is what the positions may hold after this
 * cycle: max(available, Σ locked). Allocation-free.
 *
 * @example convergeYieldPlan(policy, existingUsd, ws, 0.18, Math.max(ws.availableForYieldUsd, lockedTotalUsd));
 */
export function convergeYieldPlan(policy: YieldPolicy, existingUsd: Float64Array, ws: YieldWorkspace, fraction: number, boundUsd: number): void {
  const n = policy.venues.length;
  const tol = policy.rules.cashChangeToleranceUsd;
  let totalUsd = 0;
  for (let i = 0; i < n; i++) {
    const held = existingUsd[i];
    const target = ws.targetUsd[i];
    let amount = held;
    if (ws.tradeUsd[i] === 0) amount = target; // no trade at full speed: tolerance or gate, as planned
    else if (target > held) amount = held + gradualStepUsd(target - held, fraction, tol);
    else {
      const forced = Math.max(target, Math.min(held, Math.max(ws.riskCapUsd[i], ws.lockedUsd[i])));
      const gap = forced - target;
      amount = gap > 0 ? forced - gradualStepUsd(gap, fraction, tol) : forced;
    }
    ws.amountUsd[i] = amount;
    totalUsd += amount;
  }
  // Cash obligations are not slowed: shrinking venues give up what the positions hold beyond the bound.
  let excessUsd = totalUsd - boundUsd;
  for (let i = n - 1; i >= 0 && excessUsd > 0; i--) {
    const room = ws.amountUsd[i] - ws.targetUsd[i];
    if (!(room > 0) || ws.tradeUsd[i] === 0) continue;
    const take = Math.min(room, excessUsd);
    ws.amountUsd[i] -= take;
    excessUsd -= take;
  }
  for (let i = 0; i < n; i++) {
    if (ws.tradeUsd[i] === 0) continue;
    const delta = ws.amountUsd[i] - existingUsd[i];
    ws.deltaUsd[i] = delta;
    ws.tradeUsd[i] = delta;
  }
}
