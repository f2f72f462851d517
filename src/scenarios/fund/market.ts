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
import { fundVenueKind } from './venueKinds.ts';
import { DAYS_PER_YEAR } from '../../core/time.ts';

/**
 * The market of one run: venue paths in rule order, and the sleeve's (null without one).
 *
 * @example sampleFundMarket(setup, 42, 0).venues.length // setup.venues.length
 */
export interface FundMarket {
  venues: unknown[];
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

/**
 * Samples run `run`'s market for master seed `seed`.
 *
 * @example sampleFundMarket(setup, 42, 0).sleeve?.prices.length // days + 1
 */
export function sampleFundMarket(setup: FundSetup, seed: Seed, run: number): FundMarket {
  const days = setup.days;
  const venues = setup.venues.map((p, i) => {
    const name = setup.venueTerms[i].name;
    return fundVenueKind(p).sample(p, days, Rng.named(seed, run, venueStreamName(name)), `params.venues.${name}`);
  });
  const s = setup.params.sleeve;
  if (setup.sleeve === null || s === undefined) return { venues, sleeve: null };
  const prices = new Float64Array(days + 1);
  const priceRng = Rng.named(seed, run, 'sleeve:price');
  prices[0] = s.price.initialPrice;
  for (let t = 1; t <= days; t++) prices[t] = gbmStep(prices[t - 1], s.price.dailyVol, s.price.dailyDrift, priceRng.normal());
  const fundingApr = fillRateProcess(new Float64Array(days + 1), s.funding, 1 / DAYS_PER_YEAR, Rng.named(seed, run, 'sleeve:funding'), 'params.sleeve.funding');
  return { venues, sleeve: { prices, fundingApr } };
}
