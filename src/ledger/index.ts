/**
 * `capflow/ledger`: the fund's books — treasury state (holdings, share supply, pending
 * redemptions) changed only by ledger events, exact in base units; event feeds (JSON lines)
 * and sources; the idempotent sync into a DuckDB store, and its verification.
 *
 * To add a public module of this layer: one `export` line below.
 *
 * @example
 * import { createTreasury, treasurySummary } from 'capflow/ledger';
 * const state = createTreasury({ assetSymbol: 'USDC', assetDecimals: 6, shareSymbol: 'cfUSD', shareDecimals: 18 });
 * treasurySummary(state).totalShares; // '0'
 *
 * @packageDocumentation
 */
export * from './feed.ts';
export * from './feedFile.ts';
export * from './generate.ts';
export * from './open.ts';
export * from './source.ts';
export * from './store.ts';
export * from './sync.ts';
export * from './treasury.ts';
export * from './types.ts';
