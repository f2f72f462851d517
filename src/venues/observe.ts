/**
 * The one place a venue's state becomes the {@link VenueObservation} a policy reads, whatever
 * the venue's kind.
 */
import type { VenueModule, VenueObservation, VenueTerms } from './types.ts';
import { unitsToUsd } from './units.ts';

/**
 * A venue's observation on `day`: the holder's position value, the TVL including it, the
 * venue's liquidity, APY, share price and queued redemptions, and its trade terms.
 *
 * @example observeVenue(creditSupply, terms, reservePath, state, 3, '2025-01-04T00:00:00.000Z').positionUsd
 */
export function observeVenue<T extends VenueTerms, M, S>(mod: VenueModule<T, M, S>, terms: T, market: M, state: S, day: number, asOf: string, valueUnits = mod.value(terms, market, state, day)): VenueObservation {
  const positionUsd = unitsToUsd(valueUnits);
  const r = mod.read(terms, market, state, day);
  return {
    venue: terms.name,
    kind: mod.kind,
    positionUsd,
    tvlUsd: r.othersTvlUsd + positionUsd,
    availableLiquidityUsd: r.availableLiquidityUsd,
    redeemQueuedUsd: r.redeemQueuedUsd,
    apy: r.apy,
    sharePrice: r.sharePrice,
    withdrawDelayDays: terms.withdrawDelayDays,
    entryCostUsd: terms.entryCostUsd,
    exitCostPct: terms.exitCostPct,
    asOf,
  };
}
