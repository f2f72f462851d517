/**
 * `capflow/protocols`: pure protocol math, no state and no I/O — Aave's rate strategy and
 * indexes, ERC-4626 share conversion (rounding against the user), Uniswap V2 swaps and LP
 * values, funding, lending-protocol leverage (open/close a short, liquidation prices) and
 * TVL-share size caps.
 *
 * To add a public module of this layer: one `export` line below.
 *
 * @example
 * import { getAmountOut, supplyAprAt, USDC_RATE_STRATEGY } from 'capflow/protocols';
 * supplyAprAt(USDC_RATE_STRATEGY, 0.45);            // 0.01215
 * getAmountOut(10n ** 18n, 10n ** 21n, 10n ** 21n); // 996006981039903216n
 *
 * @packageDocumentation
 */
export * from './aave.ts';
export * from './aaveV3Rates.ts';
export * from './erc4626.ts';
export * from './funding.ts';
export * from './leverage.ts';
export * from './sizeRisk.ts';
export * from './uniswapV2.ts';
