/**
 * `capflow/market`: price and rate processes (synthetic GBM/jump paths, CSV history,
 * mean-reverting and series rates), seeded investor flows, a lending reserve's and a vault's
 * sampled paths, history as a market (growth factors, the stationary bootstrap, data-quality
 * flags), and sample statistics.
 *
 * To add a public module of this layer: one `export` line below.
 *
 * @example
 * import { maxDrawdown, summarize } from 'capflow/market';
 * summarize(Float64Array.of(1, 2, 3, 4)).p50; // 2.5
 * maxDrawdown([100, 120, 90, 130]);            // -0.25
 *
 * @packageDocumentation
 */
export * from './flows.ts';
export * from './prices.ts';
export * from './processes.ts';
export * from './stats.ts';
export * from './venues.ts';
export * from './history/index.ts';
