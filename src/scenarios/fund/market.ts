/**
 * A fund run's market: each venue's daily path and the sleeve's price and funding, each drawn
 * from its own named stream (`Rng.named(seed, run, name)`), so adding, removing, reordering or
 * re-parameterising one venue leaves every other path exactly as it was.
 */
import { Rng, type Seed } from '../../core/rng.ts';
import { fillRateProcess } from '../../market/processes.ts';
import { gbmStep } from '../../market/prices.ts';
import type { SleeveMarket } from '../../venues/deltaNeutralSleeve.ts';
import type { FundSetup } from './setup.ts';
import type { FundHistory } from './history.ts';
import { bootstrapHistories, HISTORY_BOOTSTRAP_STREAM, resamplePrices } from '../../market/history/bootstrap.ts';
import type { DailyMarket } from '../../market/history/paths.ts';
import type { VenueHistory } from '../../market/history/series.ts';
import { DEFAULT_QUALITY, venueDataFlags, type DataFlag } from '../../market/history/quality.ts';
import { fundVenueKind } from './venueKinds.ts';
import { DAYS_PER_YEAR } from '../../core/time.ts';

/**
 * The market of one run: venue paths in rule order, and the sleeve's (null without one).
 *
 * @example sampleFundMarket(setup, 42, 0).venues.length // setup.venues.length
 */
export interface FundMarket {
  venues: unknown[];
  /** Per venue, the day's data flag (history only: stale or anomalous data takes no new money), or null without flags. */
  dataFlags: ((DataFlag | null)[] | null)[];
  sleeve: SleeveMarket | null;
}

/**
 * The stable stream name of a venue's market process.
 *
 * @example venueStreamName('aave-usdc') // 'venue:aave-usdc'
 */
export function venueStreamName(venue: string): string {
  return `venue:${venue}`;
}

/** The first `n` days of a history, as the venue modules' market reads it. */
function firstDays(h: VenueHistory, n: number): DailyMarket {
  return { dailyReturn: h.dailyReturn.subarray(0, n), apy: h.apy.subarray(0, n), tvlUsd: h.tvlUsd.subarray(0, n), availableLiquidityUsd: h.availableLiquidityUsd.subarray(0, n) };
}

/**
 * The venues' paths and the sleeve's prices from history: the history itself, or (with
 * `market.bootstrap`) run `run`'s stationary block bootstrap of the venues' joint days, the
 * sleeve's price moving along the same source days.
 */
function historyMarket(setup: FundSetup, history: FundHistory, seed: Seed, run: number): { venues: unknown[]; dataFlags: (DataFlag | null)[][]; sleevePrices: Float64Array | null } {
  const n = setup.days + 1;
  const names = Object.keys(history.venues);
  const priceSeries = setup.params.sleeve?.priceSeries;
  const prices = priceSeries === undefined ? null : history.prices[priceSeries];
  const bootstrap = setup.params.market?.bootstrap;
  const q = setup.params.market?.quality;
  const quality = { ...DEFAULT_QUALITY, ...(q?.maxStaleDays === undefined ? {} : { maxStaleDays: q.maxStaleDays }), ...(q?.madMultiple === undefined ? {} : { madMultiple: q.madMultiple }) };
  const flagsOf = Object.fromEntries(names.map((name) => [name, venueDataFlags(history.venues[name], quality)]));
  let byName: Record<string, DailyMarket>;
  let flagsByName: Record<string, (DataFlag | null)[]>;
  let sleevePrices: Float64Array | null;
  if (bootstrap === undefined) {
    byName = Object.fromEntries(names.map((name) => [name, firstDays(history.venues[name], n)]));
    flagsByName = flagsOf;
    sleevePrices = prices === null ? null : prices.price.slice(0, n);
  } else {
    const path = bootstrapHistories(names.map((name) => history.venues[name]), { days: setup.days, meanBlockDays: bootstrap.meanBlockDays }, Rng.named(seed, run, HISTORY_BOOTSTRAP_STREAM));
    byName = Object.fromEntries(path.venues.map((v) => [v.venue, v]));
    flagsByName = Object.fromEntries(names.map((name) => [name, Array.from(path.sourceDay, (day) => flagsOf[name][day])]));
    sleevePrices = prices === null ? null : resamplePrices(prices, path.sourceDay);
  }
  return {
    venues: setup.venues.map((p) => fundVenueKind(p).fromHistory(p, byName[p.series as string])),
    dataFlags: setup.venues.map((p) => flagsByName[p.series as string]),
    sleevePrices,
  };
}

/**
 * Samples run `run`'s market for master seed `seed`.
 *
 * @example sampleFundMarket(setup, 42, 0).sleeve?.prices.length // days + 1
 */
export function sampleFundMarket(setup: FundSetup, seed: Seed, run: number): FundMarket {
  const days = setup.days;
  const fromHistory = setup.history === null ? null : historyMarket(setup, setup.history, seed, run);
  const venues =
    fromHistory?.venues ??
    setup.venues.map((p, i) => {
      const name = setup.venueTerms[i].name;
      return fundVenueKind(p).sample(p, days, Rng.named(seed, run, venueStreamName(name)), `params.venues.${name}`);
    });
  const dataFlags = fromHistory?.dataFlags ?? venues.map(() => null);
  const s = setup.params.sleeve;
  if (setup.sleeve === null || s === undefined) return { venues, dataFlags, sleeve: null };
  let prices = fromHistory?.sleevePrices ?? null;
  if (prices === null) {
    prices = new Float64Array(days + 1);
    const priceRng = Rng.named(seed, run, 'sleeve:price');
    prices[0] = s.price.initialPrice;
    for (let t = 1; t <= days; t++) prices[t] = gbmStep(prices[t - 1], s.price.dailyVol, s.price.dailyDrift, priceRng.normal());
  }
  const fundingApr = fillRateProcess(new Float64Array(days + 1), s.funding, 1 / DAYS_PER_YEAR, Rng.named(seed, run, 'sleeve:funding'), 'params.sleeve.funding');
  return { venues, dataFlags, sleeve: { prices, fundingApr } };
}
