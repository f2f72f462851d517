/**
 * Every venue kind's module, by kind: the one line to add for a new kind.
 */
import { asyncVault } from './asyncVault.ts';
import { cash } from './cash.ts';
import { creditSupply } from './creditSupply.ts';
import { deltaNeutralSleeve } from './deltaNeutralSleeve.ts';
import { leveragedShort } from './leveragedShortVenue.ts';
import type { AnyVenueModule, VenueKind } from './types.ts';
import { vault } from './vault.ts';

/**
 * The venue modules by kind.
 *
 * @example VENUE_MODULES.credit_supply.value(terms, path, state, day)
 */
export const VENUE_MODULES = {
  cash,
  credit_supply: creditSupply,
  vault,
  async_vault: asyncVault,
  delta_neutral_sleeve: deltaNeutralSleeve,
  leveraged_short: leveragedShort,
} as const satisfies Partial<Record<VenueKind, AnyVenueModule>>;
