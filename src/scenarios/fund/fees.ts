/**
 * Fund fees as vault curators take them (Lagoon, Yearn V3): shares minted to the fee receiver
 * without assets, so every holder is diluted as on chain.
 * - Management: `managementPct` a year of NAV, taken daily: the minted shares s are worth the
 *   day's fee f = managementPct / DAYS_PER_YEAR of NAV after the mint: s = S · f / (1 − f).
 * - Performance: every `crystallizeEveryDays`, `performancePct` of the share price's gain
 *   above its high-water mark: fee per share g = performancePct · (p − hwm), minted so the
 *   price after the mint is p − g: s = S · g / (p − g). The mark then moves to p − g. The
 *   mark starts at the share price of day 0 (after inception).
 * Shares minted round down (in the holders' favour). The gross share price (before fees) is
 * the net price times the accumulated dilution.
 */
import { WAD } from '../../core/fixedPoint.ts';
import { sharePriceOf } from '../../ledger/treasury.ts';
import { unitsToUsd } from '../../venues/units.ts';
import { book, type FundBooks } from './books.ts';
import type { FundFeeParams } from './schema.ts';
import { DAYS_PER_YEAR } from '../../core/time.ts';


/**
 * The fees' running state and today's figures.
 *
 * @example const fees = createFees();
 */
export interface FeeState {
  /** Share price high-water mark (asset units per share unit); NaN before day 0 ends. */
  highWaterMark: number;
  /** Value of today's minted shares, USD. */
  managementUsd: number;
  performanceUsd: number;
  /** Σ fee dilution since inception: the product of each day's price before / after its mints (1 without fees). */
  dilution: number;
}

/**
 * Fees before day 0.
 *
 * @example createFees().highWaterMark // NaN
 */
export function createFees(): FeeState {
  return { highWaterMark: NaN, managementUsd: 0, performanceUsd: 0, dilution: 1 };
}

/** Mints shares worth `fraction` (0..1) of NAV after the mint; returns their value in USD. */
function mintFraction(books: FundBooks, p: FundFeeParams, fraction: number, reason: 'management' | 'performance'): number {
  const s = books.ledger.totalShares;
  const fWad = BigInt(Math.floor(fraction * 1e18));
  if (s === 0n || fWad <= 0n || fWad >= WAD) return 0;
  const shares = (s * fWad) / (WAD - fWad);
  if (shares === 0n) return 0;
  book(books, { kind: 'fee', owner: p.receiver, shares, reason, blockNumber: books.block, timestamp: books.timestamp });
  return (unitsToUsd(books.ledger.totalAssets) * Number(shares)) / Number(s + shares);
}

/**
 * Takes day `day`'s fees (day 0 only sets the high-water mark).
 *
 * @example takeFees(books, params.fees, fees);
 */
export function takeFees(books: FundBooks, p: FundFeeParams, fees: FeeState): void {
  const day = books.day;
  fees.managementUsd = 0;
  fees.performanceUsd = 0;
  if (day === 0 || (p.managementPct === 0 && p.performancePct === 0)) return;
  const priceBefore = sharePriceOf(books.ledger);
  if (p.managementPct > 0) fees.managementUsd = mintFraction(books, p, p.managementPct / DAYS_PER_YEAR, 'management');
  if (p.performancePct > 0 && day % p.crystallizeEveryDays === 0) {
    const price = sharePriceOf(books.ledger);
    if (price > fees.highWaterMark) {
      const feePerShare = p.performancePct * (price - fees.highWaterMark);
      fees.performanceUsd = mintFraction(books, p, feePerShare / price, 'performance');
      fees.highWaterMark = sharePriceOf(books.ledger);
    }
  }
  if (fees.managementUsd > 0 || fees.performanceUsd > 0) fees.dilution *= priceBefore / sharePriceOf(books.ledger);
}

/**
 * Ends the day for the fees: day 0 sets the performance fee's high-water mark to the share price.
 *
 * @example endFeeDay(books, params.fees, fees);
 */
export function endFeeDay(books: FundBooks, p: FundFeeParams, fees: FeeState): void {
  if (books.day === 0 && p.performancePct > 0) fees.highWaterMark = sharePriceOf(books.ledger);
}
