/**
 * Monte Carlo from history: a seeded stationary block bootstrap (Politis & Romano, 1994) of
 * several venues' joint days. Every venue reads the same resampled source day, so the
 * venues' co-movement (correlation of returns, APYs and TVL changes) is kept; blocks of
 * consecutive days keep short-range dependence. Block lengths are geometric with mean
 * `meanBlockDays`; the source wraps around (circular), so every source day is equally likely.
 */
import { UserError } from '../../core/errors.ts';
import type { Rng } from '../../core/rng.ts';
import type { PriceHistory, VenueHistory } from './series.ts';

/** The stream name a run's bootstrap draws from: `Rng.named(seed, run, HISTORY_BOOTSTRAP_STREAM)`. */
export const HISTORY_BOOTSTRAP_STREAM = 'market:history-bootstrap';

/**
 * One venue's resampled path, `days + 1` values (t = 0…days) in the shape of
 * {@link VenueHistory} without dates.
 *
 * @example path.venues[0].dailyReturn[5] === source.dailyReturn[path.sourceDay[5]]
 */
export interface BootstrapVenuePath {
  venue: string;
  /** 0 on day 0, then the source day's return. */
  dailyReturn: Float64Array;
  apy: Float64Array;
  /** Starts at the first source day's TVL and moves by each source day's TVL ratio. */
  tvlUsd: Float64Array;
  /** The path's TVL times the source day's available share of TVL (the source level when TVL is unknown). */
  availableLiquidityUsd: Float64Array;
}

/**
 * A resampled joint path: which source day each day copies, and each venue's values.
 *
 * @example bootstrapHistories(histories, { days: 365, meanBlockDays: 20 }, rng).sourceDay.length // 366
 */
export interface BootstrapPath {
  /** Index into the source histories of the day each path day copies (1…n−1: days with a return). */
  sourceDay: Int32Array;
  venues: BootstrapVenuePath[];
}

/**
 * The stationary bootstrap's source-day indices: `length` indices into days `1…n−1` (day 0
 * has no return). The first is uniform; each next one continues the block (the next day,
 * wrapping from n−1 to 1) with probability 1 − 1/meanBlockDays, or starts a new block at a
 * uniform day.
 *
 * @example stationaryBootstrapIndices(366, 10, 20, Rng.named(42, 0, HISTORY_BOOTSTRAP_STREAM)) // Int32Array(10) in 1…365
 */
export function stationaryBootstrapIndices(n: number, length: number, meanBlockDays: number, rng: Rng): Int32Array {
  if (!Number.isInteger(n) || n < 2) throw new UserError({ field: 'history', value: n, message: `needs at least 2 days to resample, got ${n}`, hint: 'widen the from/to range' });
  if (!(meanBlockDays >= 1) || !Number.isFinite(meanBlockDays)) {
    throw new UserError({ field: 'meanBlockDays', value: meanBlockDays, message: `must be a number ≥ 1, got ${meanBlockDays}`, hint: 'e.g. 20 (days)' });
  }
  const span = n - 1;
  const pNew = 1 / meanBlockDays;
  const out = new Int32Array(length);
  for (let t = 0; t < length; t++) {
    if (t === 0 || rng.uniform() < pNew) out[t] = 1 + rng.int(span);
    else out[t] = out[t - 1] === n - 1 ? 1 : out[t - 1] + 1;
  }
  return out;
}

function resampleVenue(h: VenueHistory, sourceDay: Int32Array): BootstrapVenuePath {
  const len = sourceDay.length;
  const dailyReturn = new Float64Array(len);
  const apy = new Float64Array(len);
  const tvlUsd = new Float64Array(len);
  const availableLiquidityUsd = new Float64Array(len);
  for (let t = 0; t < len; t++) {
    const s = sourceDay[t];
    dailyReturn[t] = t === 0 ? 0 : h.dailyReturn[s];
    apy[t] = h.apy[s];
    const prevTvl = h.tvlUsd[s - 1];
    const moved = t > 0 && prevTvl > 0 && Number.isFinite(tvlUsd[t - 1]) ? (tvlUsd[t - 1] * h.tvlUsd[s]) / prevTvl : h.tvlUsd[s];
    tvlUsd[t] = moved;
    const share = h.tvlUsd[s] > 0 ? h.availableLiquidityUsd[s] / h.tvlUsd[s] : NaN;
    availableLiquidityUsd[t] = Number.isFinite(share) && Number.isFinite(moved) ? moved * share : h.availableLiquidityUsd[s];
  }
  return { venue: h.venue, dailyReturn, apy, tvlUsd, availableLiquidityUsd };
}

/**
 * Resamples the venues' joint history into a path of `days + 1` days (t = 0…days), every
 * venue copying the same source day. The histories must share their dates (load them over
 * one horizon).
 *
 * @example bootstrapHistories([aave, morpho], { days: 365, meanBlockDays: 20 }, Rng.named(42, run, HISTORY_BOOTSTRAP_STREAM))
 */
export function bootstrapHistories(histories: readonly VenueHistory[], opts: { days: number; meanBlockDays: number }, rng: Rng): BootstrapPath {
  if (histories.length === 0) throw new UserError({ field: 'market.venues', message: 'names no venue history to resample' });
  const n = histories[0].dates.length;
  for (const h of histories) {
    if (h.dates.length !== n || h.dates[0] !== histories[0].dates[0]) {
      throw new UserError({ field: 'market.venues', value: h.venue, message: `${h.venue} covers ${h.dates[0]}..${h.dates[h.dates.length - 1]}, not the same days as ${histories[0].venue}`, hint: 'load every venue over one horizon' });
    }
  }
  if (!Number.isInteger(opts.days) || opts.days < 0) throw new UserError({ field: 'days', value: opts.days, message: `must be an integer ≥ 0, got ${opts.days}` });
  const sourceDay = stationaryBootstrapIndices(n, opts.days + 1, opts.meanBlockDays, rng);
  return { sourceDay, venues: histories.map((h) => resampleVenue(h, sourceDay)) };
}

/**
 * An asset's prices along a bootstrapped path (`sourceDay` from {@link bootstrapHistories}, so
 * prices move with the venues): day 0 is the first source day's price, then each day moves by
 * its source day's price ratio. The history must cover the same days as the venues'.
 *
 * @example resamplePrices(eth, path.sourceDay)[0] === eth.price[path.sourceDay[0]]
 */
export function resamplePrices(prices: PriceHistory, sourceDay: Int32Array): Float64Array {
  const out = new Float64Array(sourceDay.length);
  for (let t = 0; t < out.length; t++) {
    const s = sourceDay[t];
    if (s < 1 || s >= prices.price.length) throw new UserError({ field: 'market.prices', value: prices.asset, message: `${prices.asset} has ${prices.price.length} days; the path copies day ${s}`, hint: 'load prices over the venues\' horizon' });
    out[t] = t === 0 ? prices.price[s] : (out[t - 1] * prices.price[s]) / prices.price[s - 1];
  }
  return out;
}
