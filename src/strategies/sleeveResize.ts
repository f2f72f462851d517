/**
 * The sleeve's sizing rule: keep the delta-neutral sleeve at a target share of NAV, checked
 * on a schedule, resized only when it is off by more than a band. Pure: it reads the fund's
 * NAV and the sleeve's observed value.
 */

/**
 * The rule's parameters.
 *
 * @example const p: SleeveResizeRule = { sharePct: 0.15, resizeEveryDays: 30, resizeBandPct: 0.1, minTradeUsd: 500 };
 */
export interface SleeveResizeRule {
  /** Target share (0..1) of NAV in the sleeve. */
  sharePct: number;
  /** Check the sleeve against its target every this many days. */
  resizeEveryDays: number;
  /** Resize only when |target − value| exceeds this share of the target. */
  resizeBandPct: number;
  /** An unopened sleeve opens only when its target is above this many USD. */
  minTradeUsd: number;
}

/**
 * The sleeve's resize on day `day` in USD: > 0 buys (puts cash in), < 0 sells, 0 none. A
 * sleeve holding nothing opens at its target on any day.
 *
 * @example sleeveResizeUsd(rule, 30, 5_000_000, 600_000) // 750000 − 600000 = 150000 (20% off, band 10%)
 */
export function sleeveResizeUsd(rule: SleeveResizeRule, day: number, navUsd: number, sleeveValueUsd: number): number {
  const target = rule.sharePct * navUsd;
  if (!(sleeveValueUsd > 0)) return target > rule.minTradeUsd ? target : 0;
  if (day % rule.resizeEveryDays !== 0) return 0;
  const off = target - sleeveValueUsd;
  return Math.abs(off) > rule.resizeBandPct * target ? off : 0;
}
