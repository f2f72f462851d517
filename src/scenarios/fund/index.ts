/**
 * The whole-fund scenario (`model: fund`): a USDC fund day by day — investor flows into the
 * treasury ledger, the yield manager's daily plan executed against an Aave-like reserve and
 * ERC-4626 vaults, a delta-neutral sleeve — as one run or a Monte Carlo study, with its
 * results in DuckDB. See model.ts for a day's steps and the README's fund section for the file.
 */
export * from './result.ts';
export * from './schema.ts';
export * from './setup.ts';
export * from './model.ts';
export * from './study.ts';
export * from './store.ts';
export * from './engine.ts';
