/**
 * capflow's public library API, layer by layer (see ../shared/DESIGN.md). The CLI uses only
 * what is exported here.
 */
// core/
export * from './core/config.ts';
export * from './core/errors.ts';
export * from './core/fixedPoint.ts';
export * from './core/rng.ts';
export * from './core/validate.ts';
// protocols/
export * from './protocols/aave.ts';
export * from './protocols/erc4626.ts';
export * from './protocols/funding.ts';
export * from './protocols/leverage.ts';
export * from './protocols/sizeRisk.ts';
export * from './protocols/uniswapV2.ts';
// market/
export * from './market/flows.ts';
export * from './market/prices.ts';
export * from './market/processes.ts';
export * from './market/stats.ts';
export * from './market/venues.ts';
export * from './market/history/index.ts';
// ledger/
export * from './ledger/feed.ts';
export * from './ledger/generate.ts';
export * from './ledger/source.ts';
export * from './ledger/store.ts';
export * from './ledger/sync.ts';
export * from './ledger/treasury.ts';
export * from './ledger/types.ts';
// data/ (history import and loading, beside the ledger's store)
export { importHistory, type ImportResult } from './data/import.ts';
export { loadHistoryMarket, toVenueHistory, venueGrowthFactors, type HistoryMarket, type HistoryRequest } from './data/load.ts';
export { HistoryStore, withHistoryStore, DEFAULT_DATA_DB, type SeriesInfo, type SeriesSummary, type StoredVenueDays } from './data/store.ts';
export { checkImportSpec, parseMapFlag, loadImportConfig, ImportConfigSchema, type ImportSpec, type ImportConfig, type MappedField, type SeriesKind } from './data/spec.ts';
export { toDailySeries, rateReturn, rateToApy, type DailySeries, type DailyStats, type RawTable } from './data/daily.ts';
// sim/
export * from './sim/index.ts';
// strategies/
export * from './strategies/capitalAllocation.ts';
export * from './strategies/deltaNeutral.ts';
export * from './strategies/yieldManager.ts';
export * from './strategies/yieldManager/snapshot.ts';
// scenarios/
export * from './scenarios/schemas.ts';
export * from './scenarios/cam.ts';
export * from './scenarios/deltaNeutral.ts';
export * from './scenarios/fund/index.ts';
export * from './scenarios/index.ts';
// report/
export * from './report/charts.ts';
export * from './report/fundReport.ts';
export * from './report/html.ts';
export * from './report/metrics.ts';
export * from './report/png.ts';
export * from './report/relative.ts';
export * from './report/calendar.ts';
export * from './report/liquidity.ts';
export * from './report/table.ts';

export * from './protocols/aaveV3Rates.ts';
export * from './chain/batch.ts';
export * from './chain/send.ts';
export * from './chain/venues/aaveAbi.ts';
export * from './chain/venues/read.ts';
export * from './chain/venues/aaveV3.ts';
export * from './chain/venues/erc4626.ts';
export * from './chain/devnet/aaveArtifacts.ts';
export * from './chain/devnet/aaveMarket.ts';
export * from './venues/chainSource.ts';
export * from './venues/chainRates.ts';
export * from './strategies/yieldManager/liveInput.ts';
export * from './strategies/yieldManager/liveTrades.ts';
export * from './strategies/yieldManager/liveBatch.ts';
export * from './strategies/yieldManager/liveModes.ts';
export * from './strategies/yieldManager/marginal.ts';
