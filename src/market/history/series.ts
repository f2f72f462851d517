/**
 * A venue's history as plain typed arrays (pure): the shape a backtest reads, whatever store
 * it came from. Day `t` is `dates[t]`; `dailyReturn[t]` is the venue's growth from
 * `dates[t − 1]` to `dates[t]` minus 1 (exact: a rate's day of accrual, or the ratio of
 * consecutive index or share-price values), and `dailyReturn[0] = 0`: money placed on the
 * first day earns from day 1 on.
 */
import { UserError } from '../../core/errors.ts';

/**
 * One venue's daily history over consecutive days.
 *
 * @example
 * const h: VenueHistory = { venue: 'aave', dates: ['2024-06-06', '2024-06-07'], dailyReturn: Float64Array.of(0, 0.0003),
 *   apy: Float64Array.of(0.115, 0.116), tvlUsd: Float64Array.of(NaN, NaN), availableLiquidityUsd: Float64Array.of(1e8, 1e8), ageDays: Float64Array.of(0, 0) };
 */
export interface VenueHistory {
  venue: string;
  /** UTC dates (YYYY-MM-DD), one per day, consecutive. */
  dates: readonly string[];
  /** Growth from the previous day to this one, minus 1; 0 on day 0. */
  dailyReturn: Float64Array;
  /** The day's yield as a 0..1 APY; NaN when unknown. */
  apy: Float64Array;
  /** The venue's TVL, USD; NaN when unknown. */
  tvlUsd: Float64Array;
  /** What suppliers could withdraw that day, USD; NaN when unknown. */
  availableLiquidityUsd: Float64Array;
  /** Days since the observation behind the day (0: observed that day; k: carried forward k days). */
  ageDays: Float64Array;
}

/**
 * An asset's daily USD prices over consecutive days.
 *
 * @example const p: PriceHistory = { asset: 'BTC', dates: ['2022-01-02'], price: Float64Array.of(47000) };
 */
export interface PriceHistory {
  asset: string;
  dates: readonly string[];
  price: Float64Array;
}

/**
 * A stored series' span, for the horizon.
 *
 * @example const r: SeriesRange = { name: 'aave', firstDate: '2024-06-06', lastDate: '2025-06-05' };
 */
export interface SeriesRange {
  name: string;
  firstDate: string;
  lastDate: string;
}

/**
 * The days every named series covers, cut to [from, to] when given: the latest first date to
 * the earliest last date. No overlap is a {@link UserError} naming each series' range.
 *
 * @example commonHorizon([{ name: 'a', firstDate: '2024-01-01', lastDate: '2024-12-31' }, { name: 'b', firstDate: '2024-06-01', lastDate: '2025-06-01' }]) // { from: '2024-06-01', to: '2024-12-31' }
 */
export function commonHorizon(ranges: readonly SeriesRange[], from: string | null = null, to: string | null = null, field = 'market'): { from: string; to: string } {
  if (ranges.length === 0) throw new UserError({ field, message: 'names no series', hint: 'name at least one venue series' });
  let start = from ?? ranges[0].firstDate;
  let end = to ?? ranges[0].lastDate;
  for (const r of ranges) {
    if (r.firstDate > start) start = r.firstDate;
    if (r.lastDate < end) end = r.lastDate;
  }
  if (start > end) {
    const each = ranges.map((r) => `${r.name} ${r.firstDate}..${r.lastDate}`).join(', ');
    const asked = from !== null || to !== null ? `; asked ${from ?? '…'}..${to ?? '…'}` : '';
    throw new UserError({ field, message: `the series have no day in common: ${each}${asked}`, hint: 'pick series (and a from/to range) that overlap' });
  }
  return { from: start, to: end };
}

/**
 * The day-by-day growth factors of a history: `1` on day 0, then `1 + dailyReturn[t]`; their
 * running product is what one unit placed on day 0 is worth on day t.
 *
 * @example growthFactors(h) // Float64Array [1, 1.0003]
 */
export function growthFactors(history: Pick<VenueHistory, 'dailyReturn'>): Float64Array {
  const out = new Float64Array(history.dailyReturn.length);
  for (let t = 0; t < out.length; t++) out[t] = t === 0 ? 1 : 1 + history.dailyReturn[t];
  return out;
}

/**
 * What one unit placed on day 0 is worth on the last day: the product of the growth factors.
 *
 * @example compoundedGrowth(h) // 1.0003
 */
export function compoundedGrowth(history: Pick<VenueHistory, 'dailyReturn'>): number {
  let g = 1;
  for (let t = 1; t < history.dailyReturn.length; t++) g *= 1 + history.dailyReturn[t];
  return g;
}

/**
 * Checks dates are consecutive UTC days (a series stored with `--gaps drop` may have holes);
 * a hole is a {@link UserError} listing the missing dates.
 *
 * @example checkConsecutive('aave', ['2024-01-01', '2024-01-03']) // throws: aave: missing dates in the range: 2024-01-02
 */
export function checkConsecutive(name: string, dates: readonly string[], field = 'market'): void {
  const missing: string[] = [];
  for (let i = 1; i < dates.length; i++) {
    const prev = Date.parse(`${dates[i - 1]}T00:00:00Z`);
    const cur = Date.parse(`${dates[i]}T00:00:00Z`);
    for (let d = prev + 86_400_000; d < cur; d += 86_400_000) missing.push(new Date(d).toISOString().slice(0, 10));
  }
  if (missing.length > 0) {
    const shown = missing.length > 12 ? `${missing.slice(0, 12).join(', ')}, … (${missing.length} in all)` : missing.join(', ');
    throw new UserError({ field, message: `${name}: missing dates in the range: ${shown}`, hint: 're-import it with --gaps ffill, or pick a range without holes' });
  }
}
