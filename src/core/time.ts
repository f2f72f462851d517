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
