/**
 * The fund's liquidity profile: how much of NAV could be withdrawn now and within 1, 7 and 30
 * days, from each venue's value, the part of it that could not leave that day (`lockedUsd`)
 * and its withdrawal delay.
 *
 * - now: cash + the delta-neutral sleeve (closed in one go) + Σ (venue value − locked)
 * - within h days: now + the locked value of venues whose redemptions pay out within h days
 *   (0 < withdrawDelayDays ≤ h; a queued request pays no later than that)
 * - locked value of an instant venue (a lending reserve's balance beyond its available
 *   liquidity) and of a venue whose delay is unknown counts in no horizon: when it frees up
 *   depends on borrowers, not on the fund.
 */
import type { FundRunSeries } from '../scenarios/fund/result.ts';

/** The horizons of the profile, in days (0 = now). @example LIQUIDITY_HORIZONS_DAYS[3] // 30 */
export const LIQUIDITY_HORIZONS_DAYS = [0, 1, 7, 30] as const;

/** Withdrawable value at each horizon on one day, USD and share of NAV. @example liquidityProfile(run, t).withdrawablePct[0] */
export interface LiquidityProfile {
  navUsd: number;
  /** USD withdrawable within each of {@link LIQUIDITY_HORIZONS_DAYS}, same order. */
  withdrawableUsd: number[];
  /** The same as shares of NAV (0..1, capped at 1). */
  withdrawablePct: number[];
}

/**
 * The liquidity profile of day `t` of a run.
 *
 * @example liquidityProfile(result.detail, result.days).withdrawablePct[0] // share of NAV withdrawable now
 */
export function liquidityProfile(run: Pick<FundRunSeries, 'navUsd' | 'cashUsd' | 'sleeve' | 'venues'>, t: number): LiquidityProfile {
  const withdrawableUsd = LIQUIDITY_HORIZONS_DAYS.map(() => run.cashUsd[t] + run.sleeve.valueUsd[t]);
  for (const v of run.venues) {
    const value = v.valueUsd[t];
    const locked = Math.min(Math.max(v.lockedUsd[t], 0), value);
    const delay = v.withdrawDelayDays;
    LIQUIDITY_HORIZONS_DAYS.forEach((h, i) => {
      withdrawableUsd[i] += value - locked;
      if (delay !== undefined && delay > 0 && delay <= h) withdrawableUsd[i] += locked;
    });
  }
  const navUsd = run.navUsd[t];
  return { navUsd, withdrawableUsd, withdrawablePct: withdrawableUsd.map((x) => (navUsd > 0 ? Math.min(1, x / navUsd) : NaN)) };
}

/**
 * The share of NAV withdrawable at each horizon, every day (one array per horizon).
 *
 * @example liquiditySeries(result.detail)[3][365] // share of NAV withdrawable within 30 days on day 365
 */
export function liquiditySeries(run: Pick<FundRunSeries, 'navUsd' | 'cashUsd' | 'sleeve' | 'venues'>): Float64Array[] {
  const n = run.navUsd.length;
  const out = LIQUIDITY_HORIZONS_DAYS.map(() => new Float64Array(n));
  for (let t = 0; t < n; t++) liquidityProfile(run, t).withdrawablePct.forEach((p, i) => (out[i][t] = p));
  return out;
}
