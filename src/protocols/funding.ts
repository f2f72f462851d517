/**
 * Perpetual-futures funding, accrued on the mark-price notional.
 *
 * Sign convention: `quantity` is signed (long > 0, short < 0) and a positive `fundingRate`
 * means longs pay shorts. {@link fundingPaymentUsd} returns what the position PAYS: positive is
 * cash out, negative is cash in. The rate is per unit of time and `dt` is in the same unit
 * (an annualised rate with dt in years, or a per-8-hour rate with dt in 8-hour periods).
 */

/**
 * Funding paid by a position over `dt`: quantity · markPrice · fundingRate · dt (USD).
 * Float and allocation-free, for hot loops.
 *
 * @example
 * fundingPaymentUsd(-2, 1500, 0.0001, 1) // -0.3: the short receives 0.30 USD
 * fundingPaymentUsd(2, 1500, 0.0001, 1)  //  0.3: the long pays 0.30 USD
 */
export function fundingPaymentUsd(quantity: number, markPrice: number, fundingRate: number, dt: number): number {
  return quantity * markPrice * fundingRate * dt;
}

/**
 * A constant position held over a series of funding intervals: interval i uses
 * markPrices[i] and fundingRates[i] and lasts `dt` (or dt[i]).
 *
 * @example const s: FundingSeries = { quantity: -2, markPrices: [1500, 1400], fundingRates: [0.0001, 0.0002], dt: 1 };
 */
export interface FundingSeries {
  /** Signed position size in tokens (long > 0, short < 0). */
  quantity: number;
  /** Mark price per interval, USD per token. */
  markPrices: ArrayLike<number>;
  /** Funding rate per interval, per unit of time. */
  fundingRates: ArrayLike<number>;
  /** Interval length(s) in the rate's unit of time. */
  dt: number | ArrayLike<number>;
}

/**
 * Total funding paid over a series (sum of {@link fundingPaymentUsd} per interval). When `out`
 * is given, out[i] receives the cumulative payment after interval i (no other allocation).
 * Throws a RangeError when the arrays' lengths differ.
 *
 * @example accrueFunding({ quantity: -2, markPrices: [1500, 1400], fundingRates: [0.0001, 0.0002], dt: 1 }) // -0.86
 */
export function accrueFunding(series: FundingSeries, out?: Float64Array): number {
  const { quantity, markPrices, fundingRates, dt } = series;
  const n = markPrices.length;
  const dtIsNumber = typeof dt === 'number';
  if (fundingRates.length !== n || (!dtIsNumber && dt.length !== n) || (out !== undefined && out.length < n)) {
    throw new RangeError(`funding series lengths differ: ${n} prices, ${fundingRates.length} rates${dtIsNumber ? '' : `, ${dt.length} dt`}${out === undefined ? '' : `, out ${out.length}`}`);
  }
  let total = 0;
  for (let i = 0; i < n; i++) {
    total += fundingPaymentUsd(quantity, markPrices[i], fundingRates[i], dtIsNumber ? dt : dt[i]);
    if (out !== undefined) out[i] = total;
  }
  return total;
}
