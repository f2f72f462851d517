/**
 * A fund's market from history: the venue and price series its scenario names, read once in
 * the parent (from a history file, or from files imported on the fly with the same checks as
 * `capflow data import`) over the days they all cover. What workers get is plain typed arrays.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { relocateError, UserError } from '../../core/errors.ts';
import { importHistory } from '../../data/import.ts';
import { loadHistoryMarket } from '../../data/load.ts';
import { loadImportConfig, specFromConfig } from '../../data/spec.ts';
import type { PriceHistory, VenueHistory } from '../../market/history/series.ts';
import type { FundMarketParams, FundParams } from './schema.ts';

/**
 * The loaded history: its dates (day 0 first) and each named venue and price series over them.
 *
 * @example const h: FundHistory = { dates: ['2023-01-01', '2023-01-02'], venues: { 'lending-usdc': history }, prices: {} };
 */
export interface FundHistory {
  dates: string[];
  venues: Record<string, VenueHistory>;
  prices: Record<string, PriceHistory>;
}

/** Imports the scenario's files into a temporary history file; errors name `params.market.import[i]`. */
async function importAll(m: FundMarketParams, db: string): Promise<void> {
  for (const [i, entry] of (m.import ?? []).entries()) {
    try {
      const config = entry.config === undefined ? {} : loadImportConfig(entry.config);
      await importHistory(db, entry.file, specFromConfig(entry.as, entry.name, config));
    } catch (e) {
      throw relocateError(e, (field) => `params.market.import[${i}]${field === '' ? '' : ` (${field})`}`);
    }
  }
}

/**
 * Reads the history a fund with `market.source: history` needs for `days` days: the series
 * its venues and sleeve name, over the days they all cover (cut to market.from/to). Fewer days
 * than the horizon is an error naming `timesteps` and the range.
 *
 * @example const history = await loadFundHistory(params, 365);
 */
export async function loadFundHistory(params: FundParams, days: number): Promise<FundHistory> {
  const m = params.market as FundMarketParams;
  const venueSeries = [...new Set(Object.values(params.venues).map((v) => v.series as string))];
  const assets = params.sleeve?.priceSeries === undefined ? [] : [params.sleeve.priceSeries];
  const dir = m.db === undefined ? mkdtempSync(join(tmpdir(), 'capflow-history-')) : null;
  try {
    const db = dir === null ? (m.db as string) : join(dir, 'history.duckdb');
    if (dir !== null) await importAll(m, db);
    const market = await loadHistoryMarket({ db, venues: venueSeries, assets, from: m.from ?? null, to: m.to ?? null, field: 'params.market' });
    if (market.dates.length < days + 1) {
      throw new UserError({
        field: 'timesteps',
        value: days,
        message: `the history covers ${market.dates.length} days (${market.from} .. ${market.to}), so at most ${market.dates.length - 1} timesteps`,
        hint: `set timesteps to ${market.dates.length - 1} or less, or widen params.market.from/to`,
      });
    }
    return {
      dates: market.dates,
      venues: Object.fromEntries(market.venues.map((v) => [v.venue, v])),
      prices: Object.fromEntries(market.prices.map((p) => [p.asset, p])),
    };
  } finally {
    if (dir !== null) rmSync(dir, { recursive: true, force: true });
  }
}
