/**
 * Loading history for a backtest (the edge: reads the history file): venue histories over
 * their common horizon as {@link VenueHistory} typed arrays, an asset's prices, and a venue's
 * per-day growth factors. Everything after loading is pure (`market/history`).
 */
import { dayNumber } from './cells.ts';
import { withHistoryStore, type HistoryStore, type StoredVenueDays } from './store.ts';
import { checkConsecutive, commonHorizon, growthFactors, type PriceHistory, type VenueHistory } from '../market/history/series.ts';

/**
 * What to load: venue names (and price assets) from `db`, cut to [from, to] when given.
 *
 * @example const r: HistoryRequest = { db: 'data.duckdb', venues: ['aave-usdc', 'morpho-steak'], assets: [], from: '2024-07-01', to: null };
 */
export interface HistoryRequest {
  db: string;
  venues: readonly string[];
  assets?: readonly string[];
  from?: string | null;
  to?: string | null;
  /** Config path or flag named in errors (default `market`). */
  field?: string;
}

/**
 * The loaded market: the horizon every series covers, each venue's history and each asset's prices over it.
 *
 * @example const m = await loadHistoryMarket(req); m.dates.length === m.venues[0].dailyReturn.length
 */
export interface HistoryMarket {
  from: string;
  to: string;
  dates: string[];
  venues: VenueHistory[];
  prices: PriceHistory[];
}

/**
 * A stored venue's days as a {@link VenueHistory}: `dailyReturn[0]` set to 0 (the horizon's
 * first day earns nothing), unknown values NaN, `ageDays` from each day's observation date.
 *
 * @example toVenueHistory('aave', await store.venueDays('aave', '2024-07-01', '2024-12-31'))
 */
export function toVenueHistory(venue: string, days: StoredVenueDays): VenueHistory {
  const dailyReturn = Float64Array.from(days.dailyReturn);
  if (dailyReturn.length > 0) dailyReturn[0] = 0;
  const ageDays = Float64Array.from(days.dates, (d, i) => dayNumber(d) - dayNumber(days.observedOn[i]));
  return { venue, dates: days.dates, dailyReturn, apy: days.apy, tvlUsd: days.tvlUsd, availableLiquidityUsd: days.availableLiquidityUsd, ageDays };
}

async function loadFrom(store: HistoryStore, req: HistoryRequest): Promise<HistoryMarket> {
  const field = req.field ?? 'market';
  const assets = req.assets ?? [];
  const infos = [
    ...(await Promise.all(req.venues.map((v) => store.info('venue', v, field)))),
    ...(await Promise.all(assets.map((a) => store.info('prices', a, field)))),
  ];
  const { from, to } = commonHorizon(infos.map((i) => ({ name: i.name, firstDate: i.firstDate, lastDate: i.lastDate })), req.from ?? null, req.to ?? null, field);
  const venues: VenueHistory[] = [];
  for (const v of req.venues) {
    const days = await store.venueDays(v, from, to);
    checkConsecutive(v, [from, ...days.dates, to].filter((d, i, all) => i === 0 || d !== all[i - 1]), field);
    venues.push(toVenueHistory(v, days));
  }
  const prices: PriceHistory[] = [];
  for (const a of assets) {
    const days = await store.priceDays(a, from, to);
    checkConsecutive(a, [from, ...days.dates, to].filter((d, i, all) => i === 0 || d !== all[i - 1]), field);
    prices.push({ asset: a, dates: days.dates, price: days.price });
  }
  const dates = venues[0]?.dates ?? prices[0]?.dates ?? [];
  return { from, to, dates: [...dates], venues, prices };
}

/**
 * Loads the named venues (and assets) from the history file over the days they all cover (cut
 * to from/to). No common day, an unknown name, or a hole inside the horizon is a UserError.
 *
 * @example const market = await loadHistoryMarket({ db: 'data.duckdb', venues: ['aave-usdc'], from: '2024-07-01', to: '2024-12-31' });
 */
export async function loadHistoryMarket(req: HistoryRequest): Promise<HistoryMarket> {
  return withHistoryStore(req.db, (store) => loadFrom(store, req), { field: req.field ?? 'market.db' });
}

/**
 * A venue's per-day growth factors over [from, to]: `dates[t]` and `factors[t]` (1 on the
 * first day, then 1 + that day's return). Their product is what 1 placed on `from` is worth on `to`.
 *
 * @example const { dates, factors } = await venueGrowthFactors('data.duckdb', 'aave-usdc', '2024-07-01', '2024-12-31');
 */
export async function venueGrowthFactors(db: string, venue: string, from: string | null = null, to: string | null = null): Promise<{ dates: string[]; factors: Float64Array }> {
  const market = await loadHistoryMarket({ db, venues: [venue], from, to });
  return { dates: market.dates, factors: growthFactors(market.venues[0]) };
}
