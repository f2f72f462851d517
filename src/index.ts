/**
 * capflow's public library API (`capflow`): every layer's public modules, from the bottom up
 * (see docs/ARCHITECTURE.md). Each layer is also a subpath of its own — `capflow/core`,
 * `capflow/protocols`, `capflow/market`, `capflow/ledger`, `capflow/data`, `capflow/venues`,
 * `capflow/strategies`, `capflow/sim`, `capflow/scenarios`, `capflow/report` — whose index
 * module decides what the layer makes public. A new public module is one `export` line in its
 * layer's index; a new layer is one line here and one entry in package.json's `exports`.
 *
 * @example
 * import { createTreasury, rebalancePlan, supplyAprAt, USDC_RATE_STRATEGY } from 'capflow';
 * supplyAprAt(USDC_RATE_STRATEGY, 0.45); // 0.01215
 * rebalancePlan([700, 300], [0.4, 0.6], 1).volume; // ≈ 300
 *
 * @packageDocumentation
 */
export * from './core/index.ts';
export * from './protocols/index.ts';
export * from './market/index.ts';
export * from './ledger/index.ts';
export * from './data/index.ts';
export * from './venues/index.ts';
export * from './sim/index.ts';
export * from './strategies/index.ts';
export * from './scenarios/index.ts';
export * from './report/index.ts';

// chain/ (no subpath yet): viem clients with retries, reads and adaptive log scans, venue
// readers, the trade batch and its sending. chain/devnet (anvil, solc, Aave's artifacts: dev
// dependencies) is test and demo tooling, not part of the API.
export * from './chain/abi.ts';
export * from './chain/client.ts';
export * from './chain/logs.ts';
export * from './chain/reads.ts';
export * from './chain/rpcUrl.ts';
export * from './chain/batch.ts';
export * from './chain/send.ts';
export * from './chain/venues/aaveAbi.ts';
export type { ReadContext } from './chain/venues/read.ts';
export * from './chain/venues/aaveV3.ts';
export * from './chain/venues/erc4626.ts';
