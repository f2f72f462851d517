/**
 * A loan's value, leverage, LTV and health factor, and a short's unrealised PnL.
 */
import { healthFactor, loanToValue } from '../aave.ts';

/**
 * A loan: collateral and debt quantities with their prices (USD per token).
 *
 * @example const loan: Loan = { collateralQuantity: 1800, collateralPrice: 1, borrowedQuantity: 0.5333, borrowedPrice: 1500 };
 */
export interface Loan {
  collateralQuantity: number;
  collateralPrice: number;
  borrowedQuantity: number;
  borrowedPrice: number;
}

/** Collateral value, USD. @example loanCollateralUsd({ collateralQuantity: 1800, collateralPrice: 1, borrowedQuantity: 0, borrowedPrice: 1 }) // 1800 */
export function loanCollateralUsd(loan: Loan): number {
  return loan.collateralQuantity * loan.collateralPrice;
}

/** Debt value, USD. @example loanBorrowedUsd({ collateralQuantity: 0, collateralPrice: 1, borrowedQuantity: 2, borrowedPrice: 1400 }) // 2800 */
export function loanBorrowedUsd(loan: Loan): number {
  return loan.borrowedQuantity * loan.borrowedPrice;
}

/**
 * Net asset value of a loan: collateral value − debt value, USD (before any closing fee).
 *
 * @example loanNav({ collateralQuantity: 4000, collateralPrice: 1, borrowedQuantity: 2, borrowedPrice: 1400 }) // 1200
 */
export function loanNav(loan: Loan): number {
  return loanCollateralUsd(loan) - loanBorrowedUsd(loan);
}

/**
 * Short leverage of a loan: debt value / NAV.
 *
 * @example loanLeverage({ collateralQuantity: 1800, collateralPrice: 1, borrowedQuantity: 0.5333333333333333, borrowedPrice: 1500 }) // 0.8
 */
export function loanLeverage(loan: Loan): number {
  return loanBorrowedUsd(loan) / loanNav(loan);
}

/**
 * Loan-to-value of a loan: debt value / collateral value.
 *
 * @example loanLtv({ collateralQuantity: 1800, collateralPrice: 1, borrowedQuantity: 0.5333333333333333, borrowedPrice: 1500 }) // 0.444…
 */
export function loanLtv(loan: Loan): number {
  return loanToValue(loanCollateralUsd(loan), loanBorrowedUsd(loan));
}

/**
 * Health factor of a loan: collateral value · liquidation threshold / debt value.
 *
 * @example loanHealthFactor({ collateralQuantity: 1800, collateralPrice: 1, borrowedQuantity: 0.5333333333333333, borrowedPrice: 1500 }, 0.85) // 1.9125
 */
export function loanHealthFactor(loan: Loan, liquidationThreshold: number): number {
  return healthFactor(loanCollateralUsd(loan), loanBorrowedUsd(loan), liquidationThreshold);
}

/**
 * Unrealised profit of a short since open: borrowedQuantity · (openPrice − price), USD. The
 * collateral cancels out, so the open fee is not part of it (NAV now − NAV after open).
 *
 * @example shortUnrealisedPnl(20, 1500, 1400) // 2000
 */
export function shortUnrealisedPnl(borrowedQuantity: number, openPrice: number, price: number): number {
  return borrowedQuantity * (openPrice - price);
}
