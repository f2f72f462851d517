/**
 * Loan risk on a lending protocol (Aave v3 definitions, float64 fractions): loan-to-value,
 * health factor, liquidation prices of a short and a long, maximum leverage.
 */

/**
 * Loan-to-value: debtUsd / collateralUsd (Infinity without collateral but with debt, 0 without debt).
 *
 * @example loanToValue(1800, 800) // 0.4444…
 */
export function loanToValue(collateralUsd: number, debtUsd: number): number {
  if (debtUsd === 0) return 0;
  return debtUsd / collateralUsd;
}

/**
 * Health factor: collateralUsd · liquidationThreshold / debtUsd (Infinity without debt).
 * Below 1 the position can be liquidated.
 *
 * @example healthFactor(1800, 800, 0.85) // 1.9125
 */
export function healthFactor(collateralUsd: number, debtUsd: number, liquidationThreshold: number): number {
  if (debtUsd === 0) return Infinity;
  return (collateralUsd * liquidationThreshold) / debtUsd;
}

/**
 * Price of the borrowed token at which the health factor reaches 1 (a short's liquidation
 * price): collateralUsd · liquidationThreshold / debtQuantity.
 *
 * @example debtLiquidationPrice(4000, 2, 0.85) // 1700
 */
export function debtLiquidationPrice(collateralUsd: number, debtQuantity: number, liquidationThreshold: number): number {
  return (collateralUsd * liquidationThreshold) / debtQuantity;
}

/**
 * Price of the collateral token at which the health factor reaches 1 (a long's liquidation
 * price): debtUsd / (collateralQuantity · liquidationThreshold).
 *
 * @example collateralLiquidationPrice(2, 2000, 0.8) // 1250
 */
export function collateralLiquidationPrice(collateralQuantity: number, debtUsd: number, liquidationThreshold: number): number {
  return debtUsd / (collateralQuantity * liquidationThreshold);
}

/**
 * Maximum long leverage (position value / equity) for collateral factor cf: 1 / (1 − cf).
 *
 * @example maxLongLeverage(0.85) // 6.666…
 */
export function maxLongLeverage(collateralFactor: number): number {
  return 1 / (1 - collateralFactor);
}

/**
 * Maximum short leverage (borrowed value / equity) for collateral factor cf: 1/(1 − cf) − 1.
 *
 * @example maxShortLeverage(0.85) // 5.666…
 */
export function maxShortLeverage(collateralFactor: number): number {
  return maxLongLeverage(collateralFactor) - 1;
}

