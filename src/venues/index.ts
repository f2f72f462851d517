/**
 * `capflow/venues`: the places a fund's money sits, one module per kind (cash, credit
 * supply, ERC-4626 vault, ERC-7540 async vault, delta-neutral sleeve, leveraged short), each
 * a plain state plus functions returning the new state and what moved; and the one
 * {@link VenueObservation} a policy reads, whether the venue is simulated, from a snapshot,
 * historical or read live from a chain.
 *
 * To add a public module of this layer: one `export` line below.
 *
 * @example
 * import { cash, observeVenue, usdToUnits, type VenueObservation } from 'capflow/venues';
 * const terms = { name: 'reserve', entryCostUsd: 0, exitCostPct: 0, withdrawDelayDays: 0 };
 * const obs: VenueObservation = observeVenue(cash, terms, null, { units: usdToUnits(5_000) }, 0, '2025-01-01T00:00:00.000Z');
 * obs.positionUsd; // 5000
 *
 * @packageDocumentation
 */
export * from './types.ts';
export * from './asyncVault.ts';
export * from './cash.ts';
export * from './creditSupply.ts';
export * from './deltaNeutralSleeve.ts';
export * from './leveragedShort.ts';
export * from './leveragedShortVenue.ts';
export * from './vault.ts';
export * from './observe.ts';
export * from './registry.ts';
export * from './units.ts';
export * from './chainSource.ts';
export * from './chainRates.ts';
