/**
 * Rate impact of a trade on a venue read from the chain: an Aave V3 reserve's supply APY after
 * the deposit or withdrawal, from its own rate-strategy parameters (exact contract math); an
 * ERC-4626 / ERC-7540 vault without a known rate curve by TVL dilution (the same yield spread
 * over more assets, or over fewer).
 */
import { supplyApyAfter } from '../protocols/aaveV3Rates.ts';
import type { LiveVenueRead } from './chainSource.ts';
import type { VenueObservation } from './types.ts';

/**
 * How a venue's APY after a trade was modelled.
 *
 * @example const m: RateImpactModel = 'aave-v3-rate-strategy';
 */
export type RateImpactModel = 'aave-v3-rate-strategy' | 'tvl-dilution';

/**
 * A venue's APY before and after the fund's net trade (0..1).
 *
 * @example const r: VenueRateImpact = { venue: 'aave', deltaUnits: 10n ** 11n, apy: 0.031, apyAfter: 0.0298, model: 'aave-v3-rate-strategy' };
 */
export interface VenueRateImpact {
  venue: string;
  /** Net asset base units the trade moves into the venue now (< 0 out). */
  deltaUnits: bigint;
  apy: number;
  apyAfter: number;
  model: RateImpactModel;
}

/**
 * APY after moving `deltaUnits` of the fund asset into (> 0) or out of (< 0) the venue.
 * TVL dilution: apy × tvl / (tvl + delta) (an empty vault keeps its APY).
 *
 * @example venueApyAfter(liveRead.venues[0], liveRead.observation.venues[0], 10n ** 11n)
 */
export function venueApyAfter(read: LiveVenueRead, obs: VenueObservation, deltaUnits: bigint): VenueRateImpact {
  if (read.kind === 'aave-v3') {
    const r = read.reserve;
    const apyAfter = supplyApyAfter(r.rateStrategy, { availableLiquidity: r.availableLiquidity, totalVariableDebt: r.totalVariableDebt, totalStableDebt: r.totalStableDebt, unbacked: r.unbacked }, deltaUnits);
    return { venue: obs.venue, deltaUnits, apy: obs.apy, apyAfter, model: 'aave-v3-rate-strategy' };
  }
  const tvl = read.vault.totalAssets;
  const after = tvl + deltaUnits;
  const apyAfter = tvl === 0n || after <= 0n ? obs.apy : (obs.apy * Number(tvl)) / Number(after);
  return { venue: obs.venue, deltaUnits, apy: obs.apy, apyAfter, model: 'tvl-dilution' };
}
