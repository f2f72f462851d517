/**
 * Calendar and rolling views of a daily value series (a share price): monthly returns as a
 * year × month table, and rolling-window return and volatility.
 */

/** One year's row of the monthly returns table. @example monthlyReturns(dates, sharePrice)[0].months[0] // January's return */
export interface MonthlyReturnsRow {
  year: number;
  /** Return of each month (index 0 = January); null for months outside the series. */
  months: Array<number | null>;
  /** Return over the year's months in the series (their product). */
  yearReturn: number;
  /** Months only partly covered by the series (the first and last), index 0 = January. */
  partialMonths: number[];
}

function daysInMonth(year: number, month0: number): number {
  return new Date(Date.UTC(year, month0 + 1, 0)).getUTCDate();
}

/**
 * Monthly returns of a daily value series: a month's return is its last value / the last value
 * before it (the series' first value for the first month) − 1. `dates` are ISO `YYYY-MM-DD`,
 * one per value, in order.
 *
 * @example monthlyReturns(['2025-01-31', '2025-02-28'], [1, 1.01])[0].months[1] // ≈ 0.01
 */
export function monthlyReturns(dates: readonly string[], values: ArrayLike<number>): MonthlyReturnsRow[] {
  if (dates.length !== values.length) throw new Error(`monthlyReturns: ${dates.length} dates for ${values.length} values`);
  const rows: MonthlyReturnsRow[] = [];
  const day = (i: number): number => Number(dates[i].slice(8, 10));
  let a = 0; // first index of the current month
  for (let b = 0; b < dates.length; b++) {
    if (b + 1 < dates.length && dates[b + 1].slice(0, 7) === dates[b].slice(0, 7)) continue;
    // b is the month's last index in the series
    const year = Number(dates[b].slice(0, 4));
    const month0 = Number(dates[b].slice(5, 7)) - 1;
    let row = rows[rows.length - 1];
    if (row === undefined || row.year !== year) {
      row = { year, months: new Array<number | null>(12).fill(null), yearReturn: 0, partialMonths: [] };
      rows.push(row);
    }
    row.months[month0] = values[b] / values[a === 0 ? 0 : a - 1] - 1;
    if ((a === 0 && day(0) !== 1) || day(b) !== daysInMonth(year, month0)) row.partialMonths.push(month0);
    a = b + 1;
  }
  for (const r of rows) r.yearReturn = r.months.reduce<number>((g, m) => (m === null ? g : g * (1 + m)), 1) - 1;
  return rows;
}

/**
 * Return over the trailing `window` steps: v[t] / v[t − window] − 1 (NaN for t < window).
 *
 * @example rollingReturn([1, 1.1, 1.21], 2) // [NaN, NaN, 0.21]
 */
export function rollingReturn(values: ArrayLike<number>, window: number): Float64Array {
  const out = new Float64Array(values.length).fill(NaN);
  for (let t = window; t < values.length; t++) out[t] = values[t] / values[t - window] - 1;
  return out;
}

/**
 * Annualised volatility of the trailing `window` returns ending at each value: std(ddof 1)
 * of the returns v[s]/v[s−1] − 1 for s in (t − window, t], × √P (NaN for t < window).
 *
 * @example rollingVolatility([1, 1.01, 1, 1.01], 3, 365)[3] // ≈ 0.3287
 */
export function rollingVolatility(values: ArrayLike<number>, window: number, periodsPerYear = 365): Float64Array {
  const out = new Float64Array(values.length).fill(NaN);
  if (window < 2) return out;
  const r = new Float64Array(values.length);
  for (let t = 1; t < values.length; t++) r[t] = values[t] / values[t - 1] - 1;
  for (let t = window; t < values.length; t++) {
    let sum = 0;
    for (let s = t - window + 1; s <= t; s++) sum += r[s];
    const mean = sum / window;
    let sq = 0;
    for (let s = t - window + 1; s <= t; s++) sq += (r[s] - mean) ** 2;
    out[t] = Math.sqrt(sq / (window - 1)) * Math.sqrt(periodsPerYear);
  }
  return out;
}
