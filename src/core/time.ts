/**
 * Calendar constants shared by every layer: a year is 365 days (no leap years), as in Aave's
 * `SECONDS_PER_YEAR` and the QuantStats convention of 365 daily periods.
 */

/**
 * Days in a year: the one conversion between daily steps and annual rates (`dtYears = dtDays /
 * DAYS_PER_YEAR`, a yearly fee's daily part, an APY over a horizon).
 *
 * @example const dtYears = 1 / DAYS_PER_YEAR;
 */
export const DAYS_PER_YEAR = 365;

/**
 * Seconds in a day (UTC, no leap seconds).
 *
 * @example const dtSeconds = days * SECONDS_PER_DAY;
 */
export const SECONDS_PER_DAY = 86_400;

/**
 * True when `text` — a `YYYY-MM-DD` date or an ISO-8601 UTC time `YYYY-MM-DDTHH:MM:SS[.mmm]Z`
 * (the shape already checked) — names a real day and time: not 2024-02-30, month 13, hour 24
 * or minute 60, which `Date.parse` would roll over into another day or refuse.
 *
 * @example isCalendarTime('2024-02-29T23:59:59Z') // true
 * @example isCalendarTime('2024-02-30') // false
 */
export function isCalendarTime(text: string): boolean {
  const isDate = text.length === 10;
  const ms = Date.parse(isDate ? `${text}T00:00:00Z` : text);
  if (Number.isNaN(ms)) return false;
  return new Date(ms).toISOString().startsWith(isDate ? text : text.replace(/(\.\d{1,3})?Z$/, ''));
}
