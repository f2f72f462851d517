/**
 * Opening a leveraged long, and a short's stop-loss / take-profit exit levels.
 */
import { UserError } from '../../core/errors.ts';
import { collateralLiquidationPrice, healthFactor, maxLongLeverage } from '../aave.ts';
import { DEFAULT_COLLATERAL_FACTOR, assertHealthyAfterFees, assertShortLeverage, requireNumber, type FieldNames } from './checks.ts';
import { shortLiquidationPriceAtOpen } from './short.ts';

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
