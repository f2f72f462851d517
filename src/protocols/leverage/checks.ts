/**
 * Input checks shared by the leverage estimates: numbers within bounds (errors name the
 * user's field), the maximum short leverage, and a position healthy after its fees.
 */
import { UserError } from '../../core/errors.ts';
import { checkNumber, type NumberBounds } from '../../core/validate.ts';
import { maxShortLeverage } from '../aave.ts';

/** Liquidation threshold of USDC-like collateral, used when none is given. @example maxShortLeverage(DEFAULT_COLLATERAL_FACTOR) // 5.666… */
export const DEFAULT_COLLATERAL_FACTOR = 0.85;

/**
 * Field names for errors: maps an input property to the name the user typed (a CLI flag or a
 * config path). Unmapped properties are reported under their own name.
 *
 * @example const fields: FieldNames<OpenShortInput> = { leverage: '--leverage' };
 */
export type FieldNames<T> = Partial<Record<keyof T, string>>;

/**
 * The number at `input[key]`, checked against `bounds`; errors name the field from `fields`.
 *
 * @example requireNumber({ price: 3000 }, 'price', {}, { gt: 0 }) // 3000
 */
export function requireNumber<T>(input: T, key: keyof T & string, fields: FieldNames<T>, bounds: NumberBounds): number {
  return checkNumber(fields[key] ?? key, input[key] as unknown as number, bounds);
}

/**
 * A number for an error message: at most 4 decimals, no trailing zeros.
 *
 * @example shortNumber(5.666666) // '5.6667'
 */
export function shortNumber(value: number): string {
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
      message: `Max short leverage for cf ${collateralFactor} is ${shortNumber(max)}, got ${leverage}`,
      hint: `use a leverage below ${shortNumber(max)} or a collateral with a higher liquidation threshold`,
    });
  }
}

/**
 * What an open looks like right after its swap fee, for {@link assertHealthyAfterFees}.
 * `maxFeePct` / `maxLeverage`: the largest fee at this leverage and leverage at this fee that
 * keep the health factor above 1.
 *
 * @example const o: OpenAfterFees = { side: 'short', reserveUsd: 1000, leverage: 3, feePct: 0.001, collateralFactor: 0.85, healthFactor: 1.13, maxFeePct: 0.04, maxLeverage: 5.6 };
 */
export interface OpenAfterFees {
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
 *
 * @example assertHealthyAfterFees(open, '--fee', '--leverage');
 */
export function assertHealthyAfterFees(o: OpenAfterFees, feeField: string, leverageField: string): void {
  const fix = `use ${feeField} below ${shortNumber(o.maxFeePct)} at this leverage, or ${leverageField} below ${shortNumber(o.maxLeverage)} at this fee`;
  const navUsd = o.reserveUsd * (1 - o.leverage * o.feePct);
  if (!(o.leverage * o.feePct < 1)) {
    throw new UserError({
      field: feeField,
      value: o.feePct,
      message: `the fee eats the whole reserve: NAV after fees = reserve·(1 − leverage·fee) = ${shortNumber(o.reserveUsd)}·(1 − ${shortNumber(o.leverage)}·${shortNumber(o.feePct)}) = ${shortNumber(navUsd)} USD ≤ 0`,
      hint: fix,
    });
  }
  if (!(o.healthFactor > 1)) {
    throw new UserError({
      field: feeField,
      value: o.feePct,
      message: `the ${o.side} would be liquidatable as soon as it is opened: health factor after fees ${shortNumber(o.healthFactor)} ≤ 1 (leverage ${shortNumber(o.leverage)}, fee ${shortNumber(o.feePct)}, cf ${o.collateralFactor})`,
      hint: fix,
    });
  }
}
