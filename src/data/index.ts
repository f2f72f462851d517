/**
 * `capflow/data`: history at the edge — import a venue's or a price's history from CSV,
 * Parquet or JSON into the history store (DuckDB; every cell checked, nothing written on a
 * rejection), turn raw rows into exact daily series, and load stored series back as a market
 * for backtests (`capflow/market` has the pure history math).
 *
 * To add a public name of this layer: one `export` line below.
 *
 * @example
 * import { rateReturn, rateToApy } from 'capflow/data';
 * rateToApy(0.0365, 'apr');     // (1.0001)^365 − 1 ≈ 0.03717
 * rateReturn(0.0365, 'apr', 1); // 0.0001, one day's growth
 *
 * @packageDocumentation
 */
export { importHistory, type ImportResult } from './import.ts';
export { loadHistoryMarket, toVenueHistory, venueGrowthFactors, type HistoryMarket, type HistoryRequest } from './load.ts';
export { HistoryStore, withHistoryStore, DEFAULT_DATA_DB, type SeriesInfo, type SeriesSummary, type StoredVenueDays } from './store.ts';
export { checkImportSpec, specFromConfig, parseMapFlag, loadImportConfig, ImportConfigSchema, type ImportSpec, type ImportConfig, type MappedField, type SeriesKind } from './spec.ts';
export { toDailySeries, rateReturn, rateToApy, type DailySeries, type DailyStats, type RawTable } from './daily.ts';
