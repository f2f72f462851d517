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
export * from './protocols/uniswapV2.ts';
export * from './strategies/yieldManager.ts';
export * from './strategies/yieldManager/snapshot.ts';
