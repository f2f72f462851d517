/**
 * Trade and position size caps as a share of a pool's or venue's TVL (USD), so that a
 * strategy never trades or holds more than the venue can absorb (vectors SIZE-01, SIZE-02).
 *
 * Buys and sells are capped per trade (`perTradeCapPct` of TVL); holdings per position
 * (`perPositionCapPct` of TVL). The default caps are 1 (100 % of TVL: effectively uncapped).
 */
import { UserError } from '../core/errors.ts';
import { checkNumber } from '../core/validate.ts';

/**
 * Caps as 0..1 fractions of TVL.
 *
 * @example const caps: TvlSizeCaps = { perTradeCapPct: 0.02, perPositionCapPct: 0.05 };
 */
export interface TvlSizeCaps {
  /** Largest single buy or sell, as a share of TVL, in (0, 1]. */
  perTradeCapPct: number;
  /** Largest position held, as a share of TVL, in (0, 1]. */
  perPositionCapPct: number;
}

/** Caps at 100 % of TVL (SIZE-01). @example capBuy(10_000, 150_000, UNCAPPED).acceptedSize // 10000 */
export const UNCAPPED: Readonly<TvlSizeCaps> = Object.freeze({ perTradeCapPct: 1, perPositionCapPct: 1 });

/** Which cap applies: per trade for buys and sells, per position for holds. @example const t: SizingType = 'hold'; */
export type SizingType = 'buy' | 'sell' | 'hold';

/**
 * A size decision with the numbers behind it (USD; quantities in tokens for sells).
 *
 * @example capHold(10_000, 150_000, { perTradeCapPct: 0.02, perPositionCapPct: 0.05 }).acceptedSize // 7500
 */
export interface SizeRisk {
  sizingType: SizingType;
  /** What was asked, USD. */
  askedSize: number;
  /** min(asked, cap · TVL), USD. */
  acceptedSize: number;
  /** Tokens asked (sells only). */
  askedQuantity?: number;
  /** Tokens accepted = acceptedSize / price (sells only). */
  acceptedQuantity?: number;
  /** True when the cap bound (accepted < asked). */
  capped: boolean;
  diagnostics: { capPct: number; tvl: number };
}

function requireCap(field: string, value: number): void {
  if (!(value > 0 && value <= 1)) throw new UserError({ field, value, message: `must be a fraction in (0, 1], got ${value}` });
}

function capUsd(sizingType: SizingType, askedUsd: number, tvlUsd: number, capPct: number, capField: string): SizeRisk {
  checkNumber('askedUsd', askedUsd, { min: 0 });
  checkNumber('tvlUsd', tvlUsd, { min: 0 });
  requireCap(capField, capPct);
  const acceptedSize = Math.min(askedUsd, capPct * tvlUsd);
  return { sizingType, askedSize: askedUsd, acceptedSize, capped: acceptedSize < askedUsd, diagnostics: { capPct, tvl: tvlUsd } };
}

/**
 * Caps a buy of `askedUsd` at perTradeCapPct · TVL.
 *
 * @example capBuy(10_000, 150_000, { perTradeCapPct: 0.02, perPositionCapPct: 0.05 }).acceptedSize // 3000
 */
export function capBuy(askedUsd: number, tvlUsd: number, caps: TvlSizeCaps = UNCAPPED): SizeRisk {
  return capUsd('buy', askedUsd, tvlUsd, caps.perTradeCapPct, 'perTradeCapPct');
}

/**
 * Caps a sell of `askedQuantity` tokens at `price` at perTradeCapPct · TVL (in USD), and
 * converts back to tokens.
 *
 * @example capSell(3, 1500, 150_000, { perTradeCapPct: 0.02, perPositionCapPct: 0.05 }).acceptedQuantity // 2
 */
export function capSell(askedQuantity: number, price: number, tvlUsd: number, caps: TvlSizeCaps = UNCAPPED): SizeRisk {
  checkNumber('askedQuantity', askedQuantity, { min: 0 });
  checkNumber('price', price, { gt: 0 });
  const usd = capUsd('sell', askedQuantity * price, tvlUsd, caps.perTradeCapPct, 'perTradeCapPct');
  const acceptedQuantity = usd.capped ? usd.acceptedSize / price : askedQuantity;
  return { ...usd, askedQuantity, acceptedQuantity };
}

/**
 * Caps a position of `askedUsd` at perPositionCapPct · TVL.
 *
 * @example capHold(10_000, 150_000, { perTradeCapPct: 0.02, perPositionCapPct: 0.05 }).diagnostics // { capPct: 0.05, tvl: 150000 }
 */
export function capHold(askedUsd: number, tvlUsd: number, caps: TvlSizeCaps = UNCAPPED): SizeRisk {
  return capUsd('hold', askedUsd, tvlUsd, caps.perPositionCapPct, 'perPositionCapPct');
}
