/**
 * capflow's public library API. The CLI uses only what is exported here.
 */
export * from './core/errors.ts';
export * from './core/fixedPoint.ts';
export * from './core/rng.ts';
export * from './core/config.ts';
export * from './core/validate.ts';
export * from './protocols/aave.ts';
export * from './protocols/leverage.ts';
export * from './protocols/funding.ts';
export * from './protocols/sizeRisk.ts';
export * from './protocols/erc4626.ts';
export * from './ledger/types.ts';
export * from './ledger/feed.ts';
export * from './ledger/source.ts';
export * from './ledger/treasury.ts';
export * from './ledger/store.ts';
export * from './ledger/sync.ts';
export * from './ledger/generate.ts';
export * from './protocols/uniswapV2.ts';
export * from './strategies/yieldManager.ts';
export * from './strategies/yieldManager/snapshot.ts';
export * from './market/processes.ts';
export * from './sim/index.ts';
export * from './strategies/capitalAllocation.ts';
export * from './scenarios/cam.ts';
export * from './scenarios/index.ts';
export * from './scenarios/fund/index.ts';
export * from './market/venues.ts';
export * from './market/prices.ts';
export * from './market/stats.ts';
export * from './strategies/deltaNeutral.ts';
export * from './scenarios/deltaNeutral.ts';
