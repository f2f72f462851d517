/**
 * Stale and anomalous venue data (pure): a day is `stale` when the observation behind it is
 * older than `maxStaleDays`, and `anomalous` when its APY lies further than `madMultiple`
 * median absolute deviations from the median of the trailing `windowDays` days. A flagged
 * venue takes no new deposits that day (money already there stays); the reason goes into the
 * explanation.
 */
import { UserError } from '../../core/errors.ts';

/** Why a day's data is not trusted. @example const r: DataFlag = 'stale'; */
export type DataFlag = 'stale' | 'anomalous';

/**
 * The thresholds.
 *
 * @example const q: QualityParams = { maxStaleDays: 2, madMultiple: 10, windowDays: 30, minWindowDays: 7, minMadApy: 0.005 };
 */
export interface QualityParams {
  /** A day whose observation is more than this many days old is stale. */
  maxStaleDays: number;
  /** How many median absolute deviations from the trailing median make a day anomalous. */
  madMultiple: number;
  /** Trailing window (days before the day itself). */
  windowDays: number;
  /** Fewer known APYs than this in the window: no anomaly test that day. */
  minWindowDays: number;
  /** The MAD used is at least this (0..1 APY), so a flat history does not flag every small move. */
  minMadApy: number;
}

/**
 * Defaults: 2 days of staleness, 10 MADs over a 30-day window (at least 7 days known), MAD
 * floor 50 bp of APY. On the DefiLlama 2024-25 series they flag the Morpho vaults' 0 % days
 * (missing values written as 0) and about 2-5 % of days (the December 2024 spikes among them).
 */
export const DEFAULT_QUALITY: QualityParams = { maxStaleDays: 2, madMultiple: 10, windowDays: 30, minWindowDays: 7, minMadApy: 0.005 };

function median(sorted: Float64Array | number[]): number {
  const n = sorted.length;
  const mid = n >> 1;
  return n % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function checkParams(p: QualityParams): void {
  const rules: [keyof QualityParams, boolean][] = [
    ['maxStaleDays', p.maxStaleDays >= 0],
    ['madMultiple', p.madMultiple > 0],
    ['windowDays', Number.isInteger(p.windowDays) && p.windowDays >= 2],
    ['minWindowDays', Number.isInteger(p.minWindowDays) && p.minWindowDays >= 2 && p.minWindowDays <= p.windowDays],
    ['minMadApy', p.minMadApy >= 0],
  ];
  for (const [field, ok] of rules) if (!ok) throw new UserError({ field, value: p[field], message: `out of range: ${p[field]}`, hint: 'maxStaleDays ≥ 0, madMultiple > 0, 2 ≤ minWindowDays ≤ windowDays (integers), minMadApy ≥ 0' });
}

/**
 * The day's trailing median and MAD of the known APYs in `apy[t − windowDays … t − 1]`, or
 * null when fewer than `minWindowDays` are known.
 *
 * @example trailingMedianMad(Float64Array.of(0.05, 0.05, 0.06, 0.2), 3, { ...DEFAULT_QUALITY, windowDays: 3, minWindowDays: 3 }) // { median: 0.05, mad: 0 }
 */
export function trailingMedianMad(apy: ArrayLike<number>, t: number, p: Pick<QualityParams, 'windowDays' | 'minWindowDays'>): { median: number; mad: number } | null {
  const window: number[] = [];
  for (let s = Math.max(0, t - p.windowDays); s < t; s++) if (Number.isFinite(apy[s])) window.push(apy[s]);
  if (window.length < p.minWindowDays) return null;
  window.sort((a, b) => a - b);
  const m = median(window);
  const dev = window.map((x) => Math.abs(x - m)).sort((a, b) => a - b);
  return { median: m, mad: median(dev) };
}

/**
 * Flags each day of a venue's history: `stale` (checked first), `anomalous`, or null.
 *
 * @example venueDataFlags({ apy, ageDays }, DEFAULT_QUALITY)[42] // 'anomalous' on a day the APY jumped from 5 % to 40 %
 */
export function venueDataFlags(history: { apy: ArrayLike<number>; ageDays: ArrayLike<number> }, params: QualityParams = DEFAULT_QUALITY): (DataFlag | null)[] {
  checkParams(params);
  const n = history.apy.length;
  const out: (DataFlag | null)[] = new Array<DataFlag | null>(n).fill(null);
  for (let t = 0; t < n; t++) {
    if (history.ageDays[t] > params.maxStaleDays) {
      out[t] = 'stale';
      continue;
    }
    const x = history.apy[t];
    if (!Number.isFinite(x)) continue;
    const stats = trailingMedianMad(history.apy, t, params);
    if (stats !== null && Math.abs(x - stats.median) > params.madMultiple * Math.max(stats.mad, params.minMadApy)) out[t] = 'anomalous';
  }
  return out;
}
