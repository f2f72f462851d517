/**
 * The fund scenario's venue kinds: for each, its venue module, its terms from the scenario's
 * parameters, and its market path — sampled from its processes, or built from a history.
 * Adding a kind to the fund is one line here (and its schema).
 */
import type { Rng } from '../../core/rng.ts';
import type { RateProcess } from '../../market/processes.ts';
import { reservePathFromHistory, vaultPathFromHistory, type DailyMarket } from '../../market/history/paths.ts';
import { sampleReservePath, sampleVaultPath } from '../../market/venues.ts';
import { asyncVault, type AsyncVaultTerms } from '../../venues/asyncVault.ts';
import { creditSupply } from '../../venues/creditSupply.ts';
import type { AnyVenueModule, VenueTerms } from '../../venues/types.ts';
import { vault } from '../../venues/vault.ts';
import type { FundVenueParams } from './schema.ts';

/** One kind's entry: its module, terms and market path. */
interface FundVenueKind<P extends FundVenueParams> {
  module: AnyVenueModule;
  terms(name: string, params: P): VenueTerms;
  sample(params: P, days: number, rng: Rng, field: string): unknown;
  fromHistory(params: P, history: DailyMarket): unknown;
}

function commonTerms(name: string, p: FundVenueParams): VenueTerms {
  return { name, entryCostUsd: p.entryCostUsd, exitCostPct: p.exitCostPct, withdrawDelayDays: 0 };
}

/** A process the scenario checks gave (checkFundParams requires it without a history market). */
function given(process: RateProcess | undefined, field: string): RateProcess {
  if (process === undefined) throw new Error(`${field} is missing: checkFundParams should have refused the scenario`);
  return process;
}

type ParamsOf<K extends FundVenueParams['kind']> = Extract<FundVenueParams, { kind: K }>;

function sampleVault(p: ParamsOf<'vault' | 'async_vault'>, days: number, rng: Rng, field: string): unknown {
  return sampleVaultPath({ apy: given(p.apy, `${field}.apy`), tvlUsd: given(p.tvlUsd, `${field}.tvlUsd`), initialSharePrice: p.initialSharePrice }, days, rng, field);
}

const KINDS: { [K in FundVenueParams['kind']]: FundVenueKind<ParamsOf<K>> } = {
  credit_supply: {
    module: creditSupply,
    terms: commonTerms,
    sample: (p, days, rng, field) => sampleReservePath({ strategy: p.strategy, utilisation: given(p.utilisation, `${field}.utilisation`), tvlUsd: given(p.tvlUsd, `${field}.tvlUsd`) }, days, rng, field),
    fromHistory: (_p, h) => reservePathFromHistory(h),
  },
  vault: { module: vault, terms: commonTerms, sample: sampleVault, fromHistory: (p, h) => vaultPathFromHistory(h, p.initialSharePrice) },
  async_vault: {
    module: asyncVault,
    terms: (name, p): AsyncVaultTerms => ({ ...commonTerms(name, p), withdrawDelayDays: p.withdrawDelayDays, instantLiquidityPct: p.instantLiquidityPct }),
    sample: sampleVault,
    fromHistory: (p, h) => vaultPathFromHistory(h, p.initialSharePrice),
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
