/**
 * Leveraged positions on a lending protocol, in float64 USD.
 *
 * A short deposits a stablecoin reserve as collateral (an aToken, priced 1 USD), borrows the
 * volatile token (a vToken debt) and sells it for more collateral. A long deposits the
 * volatile token, borrows the stablecoin and buys more of the token. The collateral factor
 * `cf` is the collateral asset's liquidation threshold (0.85 by default, as for USDC).
 *
 * Reference numbers: vectors LEV-01..05 and LOAN-01 in ../shared/vectors/leverage-lending.json.
 */

export { DEFAULT_COLLATERAL_FACTOR, assertShortLeverage, type FieldNames } from './leverage/checks.ts';
export * from './leverage/short.ts';
export * from './leverage/loan.ts';
export * from './leverage/long.ts';
