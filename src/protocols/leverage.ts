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
import { UserError } from '../core/errors.ts';
import { checkNumber, type NumberBounds } from '../core/validate.ts';
import { collateralLiquidationPrice, debtLiquidationPrice, healthFactor, loanToValue, maxLongLeverage, maxShortLeverage } from './aave.ts';

/** Liquidation threshold of USDC-like collateral, used when none is given. @example maxShortLeverage(DEFAULT_COLLATERAL_FACTOR) // 5.666… */
export const DEFAULT_COLLATERAL_FACTOR = 0.85;

/**
 * Field names for errors: maps an input property to the name the user typed (a CLI flag or a
 * config path). Unmapped properties are reported under their own name.
 *
 * @example const fields: FieldNames<OpenShortInput> = { leverage: '--leverage' };
 */
export type FieldNames<T> = Partial<Record<keyof T, string>>;

function requireNumber<T>(input: T, key: keyof T & string, fields: FieldNames<T>, bounds: NumberBounds): number {
  return checkNumber(fields[key] ?? key, input[key] as unknown as number, bounds);
}

/** A number for an error message: at most 4 decimals, no trailing zeros. */
function short(value: number): string {
  return String(Number(value.toFixed(4)));
}

/**
 * Throws unless leverage < the maximum short leverage 1/(1 − cf) − 1 (strict, LEV-01; NaN fails).
 * Message: `Max short leverage for cf 0.85 is 5.6667, got 10`.
 *
 * @example assertShortLeverage(3, 0.85); // ok
 */
export function assertShortLeverage(leverage: number, collateralFactor: number, field = 'leverage'): void {
  const max = maxShortLeverage(collateralFactor);
  if (!(leverage < max)) {
    throw new UserError({
      field,
      value: leverage,
      message: `Max short leverage for cf ${collateralFactor} is ${short(max)}, got ${leverage}`,
      hint: `use a leverage below ${short(max)} or a collateral with a higher liquidation threshold`,
    });
  }
}

/**
 * What an open looks like right after its swap fee, for {@link assertHealthyAfterFees}.
 * `maxFeePct` / `maxLeverage`: the largest fee at this leverage and leverage at this fee that
 * keep the health factor above 1.
 */
interface OpenAfterFees {
  side: 'short' | 'long';
  reserveUsd: number;
  leverage: number;
  feePct: number;
  collateralFactor: number;
  healthFactor: number;
  maxFeePct: number;
  maxLeverage: number;
}

/**
 * Throws a {@link UserError} naming the fee field unless the position keeps a positive NAV
 * after its fee (reserve·(1 − L·fee) > 0, i.e. L·fee < 1) and is not liquidatable right after
 * opening (health factor after fees > 1). The hint gives the largest fee and leverage that work.
 */
function assertHealthyAfterFees(o: OpenAfterFees, feeField: string, leverageField: string): void {
  const fix = `use ${feeField} below ${short(o.maxFeePct)} at this leverage, or ${leverageField} below ${short(o.maxLeverage)} at this fee`;
  const navUsd = o.reserveUsd * (1 - o.leverage * o.feePct);
  if (!(o.leverage * o.feePct < 1)) {
    throw new UserError({
      field: feeField,
      value: o.feePct,
      message: `the fee eats the whole reserve: NAV after fees = reserve·(1 − leverage·fee) = ${short(o.reserveUsd)}·(1 − ${short(o.leverage)}·${short(o.feePct)}) = ${short(navUsd)} USD ≤ 0`,
      hint: fix,
    });
  }
  if (!(o.healthFactor > 1)) {
    throw new UserError({
      field: feeField,
      value: o.feePct,
      message: `the ${o.side} would be liquidatable as soon as it is opened: health factor after fees ${short(o.healthFactor)} ≤ 1 (leverage ${short(o.leverage)}, fee ${short(o.feePct)}, cf ${o.collateralFactor})`,
      hint: fix,
    });
  }
}

// ---------------------------------------------------------------------------------------
// Open / close short
// ---------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------
// Loans
// ---------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------
// Long leverage and short exit levels
// ---------------------------------------------------------------------------------------

/**
 * Inputs of {@link estimateOpenLong}.
 *
 * @example const input: OpenLongInput = { reserveUsd: 1000, leverage: 3, price: 1500 };
 */
export interface OpenLongInput {
  /** Own capital, USD (> 0), turned into the token at `price`. */
  reserveUsd: number;
  /** Position value / equity, in [1, 1/(1 − cf)). */
  leverage: number;
  /** Token price, USD per token (> 0). */
  price: number;
  /** Swap fee on the bought tokens, 0..1 (default 0). */
  feePct?: number;
  /** Liquidation threshold of the token as collateral (default 0.85). */
  collateralFactor?: number;
}

/**
 * A leveraged long's sizes (USD, tokens).
 *
 * @example estimateOpenLong({ reserveUsd: 1000, leverage: 3, price: 1500 }).borrowedValue // 2000
 */
export interface OpenLongEstimate {
  /** reserve · (L − 1) of stablecoin debt, USD. */
  borrowedValue: number;
  /** Tokens held as collateral after buying with reserve + borrow (less the fee). */
  collateralQuantity: number;
  /** (reserve + borrowedValue) · fee, USD. */
  lpFees: number;
  /** borrowedValue / (collateralQuantity · cf), USD per token. */
  liquidationPrice: number;
  /** Effective leverage: collateral value / (collateral value − debt) at `price`. */
  leverage: number;
}

/**
 * Estimates a leveraged long: buy R·L/P tokens (less the fee) with the reserve plus a stablecoin
 * loan of R·(L − 1), posted as collateral. Liquidation when collateral value · cf = debt, i.e.
 * at price borrowedValue / (collateralQuantity · cf) (= P·(L − 1)/(L·cf) without fee).
 * Throws a {@link UserError} naming the fee when it leaves no NAV (L·f ≥ 1) or a position
 * liquidatable right after opening (health factor cf·L·(1 − f)/(L − 1) ≤ 1).
 *
 * @example estimateOpenLong({ reserveUsd: 1000, leverage: 3, price: 1500 }).liquidationPrice // 1176.47…
 */
export function estimateOpenLong(input: OpenLongInput, fields: FieldNames<OpenLongInput> = {}): OpenLongEstimate {
  const full = { feePct: 0, collateralFactor: DEFAULT_COLLATERAL_FACTOR, ...input };
  const reserve = requireNumber(full, 'reserveUsd', fields, { gt: 0 });
  const price = requireNumber(full, 'price', fields, { gt: 0 });
  const fee = requireNumber(full, 'feePct', fields, { min: 0, lt: 1 });
  const cf = requireNumber(full, 'collateralFactor', fields, { gt: 0, lt: 1 });
  const leverage = requireNumber(full, 'leverage', fields, { min: 1, lt: maxLongLeverage(cf) });
  const borrowedValue = reserve * (leverage - 1);
  const grossUsd = reserve + borrowedValue;
  const collateralQuantity = (grossUsd * (1 - fee)) / price;
  const collateralUsd = collateralQuantity * price;
  // Health after fees: cf·L·(1 − f)/(L − 1) > 1 ⇔ f < 1 − (L − 1)/(cf·L) ⇔ L < 1/(1 − cf·(1 − f)).
  assertHealthyAfterFees(
    {
      side: 'long',
      reserveUsd: reserve,
      leverage,
      feePct: fee,
      collateralFactor: cf,
      healthFactor: healthFactor(collateralUsd, borrowedValue, cf),
      maxFeePct: 1 - (leverage - 1) / (cf * leverage),
      maxLeverage: 1 / (1 - cf * (1 - fee)),
    },
    fields.feePct ?? 'feePct',
    fields.leverage ?? 'leverage',
  );
  return {
    borrowedValue,
    collateralQuantity,
    lpFees: grossUsd * fee,
    liquidationPrice: collateralLiquidationPrice(collateralQuantity, borrowedValue, cf),
    leverage: collateralUsd / (collateralUsd - borrowedValue),
  };
}

/**
 * Inputs of {@link shortExitLevels}. Percentages follow the long-side convention mirrored
 * about the entry: a level is price · (2 − pct), so stopLossPct 0.95 puts the stop 5 % above
 * the entry and takeProfitPct 1.1 puts the take-profit 10 % below it.
 *
 * @example const input: ShortExitInput = { price: 1500, leverage: 4, stopLossPct: 0.95, takeProfitPct: 1.1 };
 */
export interface ShortExitInput {
  price: number;
  leverage: number;
  collateralFactor?: number;
  /** In (0, 1): stop at price · (2 − stopLossPct), which must lie below the liquidation price. */
  stopLossPct?: number;
  /** In (1, 2): take profit at price · (2 − takeProfitPct). */
  takeProfitPct?: number;
}

/**
 * Liquidation, stop-loss and take-profit levels of a short (USD per token).
 *
 * @example shortExitLevels({ price: 1500, leverage: 4 }).liquidationDistancePct // 0.0625
 */
export interface ShortExitLevels {
  /** price · cf · (L + 1)/L. */
  liquidationPrice: number;
  /** (liquidationPrice − price) / price. */
  liquidationDistancePct: number;
  /** price · (2 − stopLossPct), or null when no stop loss was asked. */
  stopLossPrice: number | null;
  /** price · (2 − takeProfitPct), or null when no take profit was asked. */
  takeProfitPrice: number | null;
}

/**
 * Exit levels of a short opened at `price` with `leverage`. A stop loss must trigger before
 * liquidation: (1 − stopLossPct) < liquidationDistance, else a {@link UserError} with
 * `stopLossPct: must be bigger than liquidation distance 0.9375, got 0.6` (LEV-01, at 4×, cf 0.85).
 *
 * @example shortExitLevels({ price: 1500, leverage: 4, stopLossPct: 0.95 }).stopLossPrice // 1575
 */
export function shortExitLevels(input: ShortExitInput, fields: FieldNames<ShortExitInput> = {}): ShortExitLevels {
  const full = { collateralFactor: DEFAULT_COLLATERAL_FACTOR, ...input };
  const price = requireNumber(full, 'price', fields, { gt: 0 });
  const cf = requireNumber(full, 'collateralFactor', fields, { gt: 0, lt: 1 });
  const leverage = requireNumber(full, 'leverage', fields, { gt: 0 });
  assertShortLeverage(leverage, cf, fields.leverage ?? 'leverage');
  const liquidationPrice = shortLiquidationPriceAtOpen(price, leverage, cf);
  const liquidationDistancePct = (liquidationPrice - price) / price;
  let stopLossPrice: number | null = null;
  if (full.stopLossPct !== undefined) {
    const stopLossPct = requireNumber(full, 'stopLossPct', fields, { gt: 0, lt: 1 });
    if (!(1 - stopLossPct < liquidationDistancePct)) {
      throw new UserError({
        field: fields.stopLossPct ?? 'stopLossPct',
        value: stopLossPct,
        message: `must be bigger than liquidation distance ${1 - liquidationDistancePct}, got ${stopLossPct}`,
        hint: 'the stop loss must trigger before the position is liquidated',
      });
    }
    stopLossPrice = price * (2 - stopLossPct);
  }
  let takeProfitPrice: number | null = null;
  if (full.takeProfitPct !== undefined) {
    const takeProfitPct = requireNumber(full, 'takeProfitPct', fields, { gt: 1, lt: 2 });
    takeProfitPrice = price * (2 - takeProfitPct);
  }
  return { liquidationPrice, liquidationDistancePct, stopLossPrice, takeProfitPrice };
}
