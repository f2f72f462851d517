/**
 * Opening and closing a lending-protocol short (see `leverage.ts`): sizes, fees, health factor
 * and liquidation price.
 */
import { UserError } from '../../core/errors.ts';
import { debtLiquidationPrice, healthFactor } from '../aave.ts';
import { DEFAULT_COLLATERAL_FACTOR, assertHealthyAfterFees, assertShortLeverage, requireNumber, type FieldNames } from './checks.ts';

/**
 * Liquidation price of a short opened at `price` with `leverage`: P·cf·(L + 1)/L. It is
 * {@link debtLiquidationPrice} of the pre-fee collateral R·(L + 1) against the debt R·L/P
 * (scale-free, so computed for R = 1).
 *
 * @example shortLiquidationPriceAtOpen(1500, 3, 0.85) // 1700
 */
export function shortLiquidationPriceAtOpen(price: number, leverage: number, collateralFactor: number): number {
  return debtLiquidationPrice(leverage + 1, leverage / price, collateralFactor);
}

/**
 * Inputs of {@link estimateOpenShort}.
 *
 * @example const input: OpenShortInput = { reserveUsd: 1000, leverage: 3, price: 1500 };
 */
export interface OpenShortInput {
  /** Own stablecoin put up as collateral, USD (> 0). */
  reserveUsd: number;
  /** Borrowed value / reserve, in (0, 1/(1 − cf) − 1). */
  leverage: number;
  /** Price of the borrowed token, USD per token (> 0). */
  price: number;
  /** Swap fee taken from the sold borrow, 0..1 (default 0). */
  feePct?: number;
  /** Liquidation threshold of the collateral (default 0.85). */
  collateralFactor?: number;
}

/**
 * What opening a short does (keys as in the CLI's JSON output).
 *
 * @example estimateOpenShort({ reserveUsd: 1000, leverage: 3, price: 1500 }).liquidationPrice // 1700
 */
export interface OpenShortEstimate {
  /** reserve · leverage, USD. */
  borrowedValue: number;
  /** borrowedValue / price, tokens borrowed (vToken). */
  borrowedQuantity: number;
  /** borrowedValue · (1 − fee): stablecoin received for the sold borrow, USD. */
  additionalCollateral: number;
  /** reserve + additionalCollateral, USD (aToken). */
  totalCollateral: number;
  /** borrowedValue · fee, USD. */
  lpFees: number;
  /** price · cf · (L + 1) / L, USD per token (from the pre-fee collateral reserve·(L + 1)). */
  liquidationPrice: number;
  /** Effective leverage after fees: borrowedValue / (totalCollateral − borrowedValue). */
  leverage: number;
}

/**
 * Estimates opening a short of `leverage`× on `reserveUsd` of collateral at `price`.
 *
 * - borrowedValue = R·L, borrowedQuantity = R·L/P
 * - additionalCollateral = R·L·(1 − f), lpFees = R·L·f, totalCollateral = R + R·L·(1 − f)
 * - liquidationPrice = P·cf·(L + 1)/L — the price at which cf·R·(L + 1) = debt·price, i.e. from
 *   the collateral before the fee (vector LEV-03)
 * - leverage = borrow / NAV at open = R·L / (R·(1 − L·f)) = L/(1 − L·f)
 *
 * Throws a {@link UserError} (named via `fields`) for a non-positive reserve or price, a fee
 * outside [0, 1), cf outside (0, 1), leverage ≥ the maximum short leverage, or a fee that
 * leaves no NAV (L·f ≥ 1) or a position liquidatable right after opening (health factor after
 * fees cf·(1 + L·(1 − f))/L ≤ 1; the fee is named). The liquidation price reported is the
 * pre-fee one (LEV-03); with the fee the position is liquidated a little earlier, at
 * P·cf·(1 + L·(1 − f))/L, which the check keeps above the price.
 *
 * @example
 * estimateOpenShort({ reserveUsd: 10_000, leverage: 3, price: 1500, feePct: 0.0005 })
 * // { borrowedValue: 30000, borrowedQuantity: 20, additionalCollateral: 29985, totalCollateral: 39985, lpFees: 15, liquidationPrice: 1700, leverage: 3.0045… }
 */
export function estimateOpenShort(input: OpenShortInput, fields: FieldNames<OpenShortInput> = {}): OpenShortEstimate {
  const full = { feePct: 0, collateralFactor: DEFAULT_COLLATERAL_FACTOR, ...input };
  const reserve = requireNumber(full, 'reserveUsd', fields, { gt: 0 });
  const price = requireNumber(full, 'price', fields, { gt: 0 });
  const fee = requireNumber(full, 'feePct', fields, { min: 0, lt: 1 });
  const cf = requireNumber(full, 'collateralFactor', fields, { gt: 0, lt: 1 });
  const leverage = requireNumber(full, 'leverage', fields, { gt: 0 });
  assertShortLeverage(leverage, cf, fields.leverage ?? 'leverage');

  const borrowedValue = reserve * leverage;
  const additionalCollateral = borrowedValue * (1 - fee);
  const totalCollateral = reserve + additionalCollateral;
  // Health after fees: cf·(1 + L·(1 − f))/L > 1 ⇔ f < 1 − 1/cf + 1/L ⇔ L < cf/(1 − cf·(1 − f)).
  assertHealthyAfterFees(
    {
      side: 'short',
      reserveUsd: reserve,
      leverage,
      feePct: fee,
      collateralFactor: cf,
      healthFactor: healthFactor(totalCollateral, borrowedValue, cf),
      maxFeePct: 1 - 1 / cf + 1 / leverage,
      maxLeverage: cf / (1 - cf * (1 - fee)),
    },
    fields.feePct ?? 'feePct',
    fields.leverage ?? 'leverage',
  );
  return {
    borrowedValue,
    borrowedQuantity: borrowedValue / price,
    additionalCollateral,
    totalCollateral,
    lpFees: borrowedValue * fee,
    liquidationPrice: shortLiquidationPriceAtOpen(price, leverage, cf),
    leverage: borrowedValue / (totalCollateral - borrowedValue),
  };
}

/**
 * Inputs of {@link estimateCloseShort}.
 *
 * @example const input: CloseShortInput = { collateralQuantity: 39985, borrowedQuantity: 20, closeQuantity: 20, price: 1500, feePct: 0.0005 };
 */
export interface CloseShortInput {
  /** Stablecoin collateral held (aToken), USD (≥ 0). */
  collateralQuantity: number;
  /** Token debt (vToken), tokens (> 0). */
  borrowedQuantity: number;
  /** Tokens to buy back and repay, in (0, borrowedQuantity]. */
  closeQuantity: number;
  /** Price of the borrowed token, USD per token (> 0). */
  price: number;
  /** Swap fee, 0..1 (default 0). */
  feePct?: number;
}

/**
 * What closing (part of) a short does (keys as in the CLI's JSON output).
 *
 * @example estimateCloseShort({ collateralQuantity: 4000, borrowedQuantity: 2, closeQuantity: 2, price: 1400 }).totalCollateral // 1200
 */
export interface CloseShortEstimate {
  /** collateral / (collateral − debt · price) after the close (1 when fully closed). */
  leverage: number;
  /** −closeQuantity: debt repaid, tokens. */
  borrowedQuantity: number;
  /** −P·q/(1 − f): collateral spent on the buy-back including the fee, USD. */
  additionalCollateral: number;
  /** Collateral left, USD. */
  totalCollateral: number;
  /** Debt left, tokens. */
  totalBorrowed: number;
  /** P·q·f/(1 − f), USD. */
  lpFees: number;
}

/**
 * Estimates buying back `closeQuantity` tokens at `price` with collateral and repaying them.
 *
 * - the buy-back costs P·q/(1 − f) of collateral (fee-inclusive: the fee is charged on the
 *   collateral sold), so additionalCollateral = −P·q/(1 − f) and lpFees = P·q·f/(1 − f)
 * - totalCollateral = C − P·q/(1 − f), totalBorrowed = D − q
 * - leverage = totalCollateral / (totalCollateral − totalBorrowed·P)
 *
 * Throws a {@link UserError} when the close exceeds the debt, the collateral cannot pay for
 * the buy-back, or what is left is under water.
 *
 * @example
 * estimateCloseShort({ collateralQuantity: 39985, borrowedQuantity: 20, closeQuantity: 20, price: 1500, feePct: 0.0005 })
 * // { leverage: 1, borrowedQuantity: -20, additionalCollateral: -30015.0075…, totalCollateral: 9969.9924…, totalBorrowed: 0, lpFees: 15.0075… }
 */
export function estimateCloseShort(input: CloseShortInput, fields: FieldNames<CloseShortInput> = {}): CloseShortEstimate {
  const full = { feePct: 0, ...input };
  const collateral = requireNumber(full, 'collateralQuantity', fields, { min: 0 });
  const borrowed = requireNumber(full, 'borrowedQuantity', fields, { gt: 0 });
  const close = requireNumber(full, 'closeQuantity', fields, { gt: 0 });
  const price = requireNumber(full, 'price', fields, { gt: 0 });
  const fee = requireNumber(full, 'feePct', fields, { min: 0, lt: 1 });
  if (close > borrowed) {
    throw new UserError({ field: fields.closeQuantity ?? 'closeQuantity', value: close, message: `cannot close more than the debt of ${borrowed}, got ${close}` });
  }
  const payment = (price * close) / (1 - fee);
  const totalCollateral = collateral - payment;
  // A full close leaves exactly zero debt (no float residue from D − q).
  const totalBorrowed = close === borrowed ? 0 : borrowed - close;
  if (totalCollateral < 0) {
    throw new UserError({
      field: fields.collateralQuantity ?? 'collateralQuantity',
      value: collateral,
      message: `collateral ${collateral} cannot pay the buy-back of ${payment} (price · close / (1 − fee))`,
    });
  }
  const navAfter = totalCollateral - totalBorrowed * price;
  if (!(navAfter > 0)) {
    throw new UserError({
      field: fields.price ?? 'price',
      value: price,
      message: `the remaining position is under water at this price (collateral ${totalCollateral} ≤ debt value ${totalBorrowed * price})`,
    });
  }
  return {
    leverage: totalCollateral / navAfter,
    borrowedQuantity: -close,
    additionalCollateral: -payment,
    totalCollateral,
    totalBorrowed,
    lpFees: payment - price * close,
  };
}
