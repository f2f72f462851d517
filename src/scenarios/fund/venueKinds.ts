/**
 * The fund scenario's venue kinds: for each, its venue module, its terms from the scenario's
 * parameters and how its market path is sampled. Adding a kind to the fund is one line here
 * (and its schema).
 */
import type { Rng } from '../../core/rng.ts';
import { sampleReservePath, sampleVaultPath } from '../../market/venues.ts';
import { asyncVault, type AsyncVaultTerms } from '../../venues/asyncVault.ts';
import { creditSupply } from '../../venues/creditSupply.ts';
import type { AnyVenueModule, VenueTerms } from '../../venues/types.ts';
import { vault } from '../../venues/vault.ts';
import type { FundVenueParams } from './schema.ts';

/** One kind's entry: its module, terms and market sampler. */
interface FundVenueKind<P extends FundVenueParams> {
  module: AnyVenueModule;
  terms(name: string, params: P): VenueTerms;
  sample(params: P, days: number, rng: Rng, field: string): unknown;
}

function commonTerms(name: string, p: FundVenueParams): VenueTerms {
  return { name, entryCostUsd: p.entryCostUsd, exitCostPct: p.exitCostPct, withdrawDelayDays: 0 };
}

type ParamsOf<K extends FundVenueParams['kind']> = Extract<FundVenueParams, { kind: K }>;

const KINDS: { [K in FundVenueParams['kind']]: FundVenueKind<ParamsOf<K>> } = {
  credit_supply: { module: creditSupply, terms: commonTerms, sample: sampleReservePath },
  vault: { module: vault, terms: commonTerms, sample: sampleVaultPath },
  async_vault: {
    module: asyncVault,
    terms: (name, p): AsyncVaultTerms => ({ ...commonTerms(name, p), withdrawDelayDays: p.withdrawDelayDays, instantLiquidityPct: p.instantLiquidityPct }),
    sample: sampleVaultPath,
  },
};

/**
 * The fund's entry for a venue's kind.
 *
 * @example fundVenueKind(params.venues.aave).sample(params.venues.aave, 365, rng, 'params.venues.aave')
 */
export function fundVenueKind(p: FundVenueParams): FundVenueKind<FundVenueParams> {
  return KINDS[p.kind] as FundVenueKind<FundVenueParams>;
}
