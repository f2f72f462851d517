/**
 * Cell parsing for imports (pure): times to UTC epoch milliseconds, numbers strictly (a value
 * that is not a finite decimal number is an error naming its row and column), declared units
 * to 0..1 fractions, and the range checks each field has.
 */
import { UserError } from '../core/errors.ts';
import type { ApyUnit, EpochUnit, MappedField } from './spec.ts';

/** One cell as a reader hands it over: a number, text, or nothing. @example const c: Cell = '3.25'; */
export type Cell = number | string | null;

/** How a time column's cells are written: epoch milliseconds (typed columns), text, or bare numbers (need `--epoch`). @example const k: TimeKind = 'text'; */
export type TimeKind = 'epochMs' | 'text' | 'number';

/** Milliseconds in a day. */
export const DAY_MS = 86_400_000;

/**
 * Where a cell sits, for messages: `row 12, column "apy_base"` (row 1 is the first data row;
 * a CSV header is not counted).
 *
 * @example cellField(12, 'apy_base') // 'row 12, column "apy_base"'
 */
export function cellField(row: number, column: string): string {
  return `row ${row}, column ${JSON.stringify(column)}`;
}

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * A number cell: numbers as they are, decimal text parsed; '' and null are `null`. Anything
 * else (text, NaN, ±Infinity) is a {@link UserError} naming the row and column.
 *
 * @example parseNumberCell(' 5.6 ', 3, 'apy') // 5.6
 * @example parseNumberCell('inf', 3, 'apy') // throws: row 3, column "apy": not a finite number: "inf"
 */
export function parseNumberCell(cell: Cell, row: number, column: string): number | null {
  if (cell === null) return null;
  const value = typeof cell === 'number' ? cell : cell.trim() === '' ? null : DECIMAL.test(cell.trim()) ? Number(cell.trim()) : NaN;
  if (value === null) return null;
  if (!Number.isFinite(value)) {
    throw new UserError({ field: cellField(row, column), value: cell, message: `not a finite number: ${JSON.stringify(String(cell))}`, hint: 'fix or remove the row' });
  }
  return value;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function checkCalendar(y: number, m: number, d: number, row: number, column: string, cell: Cell): void {
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) {
    throw new UserError({ field: cellField(row, column), value: cell, message: `not a calendar date: ${JSON.stringify(cell)}` });
  }
}

/**
 * A time cell as UTC epoch milliseconds. Text is a date (`2024-06-06`, midnight UTC) or an
 * ISO-8601 date-time (`2024-06-06 13:00:00`, `…T13:00Z`, `…+02:00`); a time without a zone is
 * UTC. Bare numbers are epoch seconds or milliseconds as `epoch` declares (never guessed).
 *
 * @example parseTimeCell('2024-06-06 23:00:00', 'text', null, 1, 'date') // Date.UTC(2024, 5, 6, 23)
 * @example parseTimeCell(1717632000, 'number', 's', 1, 'ts') // Date.UTC(2024, 5, 6)
 */
export function parseTimeCell(cell: Cell, kind: TimeKind, epoch: EpochUnit | null, row: number, column: string): number {
  if (cell === null || cell === '') throw new UserError({ field: cellField(row, column), message: 'empty time', hint: 'every row needs its date or timestamp' });
  if (kind === 'epochMs' && typeof cell === 'number') return cell;
  if (typeof cell === 'string' && DECIMAL.test(cell.trim())) return parseTimeCell(Number(cell.trim()), 'number', epoch, row, column);
  if (typeof cell === 'number') {
    if (epoch === null) throw new UserError({ field: '--epoch', message: `column ${JSON.stringify(column)} holds numbers; their unit is never guessed`, hint: 'pass --epoch s (Unix seconds) or --epoch ms' });
    if (!Number.isFinite(cell)) throw new UserError({ field: cellField(row, column), value: cell, message: `not a finite number: ${JSON.stringify(String(cell))}` });
    return epoch === 's' ? cell * 1000 : cell;
  }
  const text = cell.trim();
  const dateOnly = DATE_ONLY.exec(text);
  if (dateOnly !== null) {
    const [y, m, d] = [Number(dateOnly[1]), Number(dateOnly[2]), Number(dateOnly[3])];
    checkCalendar(y, m, d, row, column, cell);
    return Date.UTC(y, m - 1, d);
  }
  const dt = DATE_TIME.exec(text);
  if (dt === null) {
    throw new UserError({ field: cellField(row, column), value: cell, message: `not a date or ISO-8601 time: ${JSON.stringify(cell)}`, hint: 'write 2024-06-06 or 2024-06-06T13:00:00Z' });
  }
  checkCalendar(Number(dt[1]), Number(dt[2]), Number(dt[3]), row, column, cell);
  const zone = dt[8] === undefined ? 'Z' : dt[8].toUpperCase() === 'Z' ? 'Z' : dt[8].length === 5 ? `${dt[8].slice(0, 3)}:${dt[8].slice(3)}` : dt[8];
  const ms = Date.parse(`${dt[1]}-${dt[2]}-${dt[3]}T${dt[4]}:${dt[5]}:${dt[6] ?? '00'}${dt[7] ?? ''}${zone}`);
  if (!Number.isFinite(ms)) throw new UserError({ field: cellField(row, column), value: cell, message: `not a valid time: ${JSON.stringify(cell)}` });
  return ms;
}

/**
 * The UTC date (YYYY-MM-DD) of an epoch-millisecond time.
 *
 * @example utcDate(Date.UTC(2024, 5, 6, 23, 59)) // '2024-06-06'
 */
export function utcDate(ms: number): string {
  return new Date(Math.floor(ms / DAY_MS) * DAY_MS).toISOString().slice(0, 10);
}

/**
 * The day number (days since 1970-01-01 UTC) of a YYYY-MM-DD date or an epoch-ms time.
 *
 * @example dayNumber('1970-01-02') // 1
 */
export function dayNumber(date: string | number): number {
  const ms = typeof date === 'number' ? date : Date.parse(`${date}T00:00:00Z`);
  return Math.floor(ms / DAY_MS);
}

/**
 * The YYYY-MM-DD date of a day number.
 *
 * @example dateOfDay(1) // '1970-01-02'
 */
export function dateOfDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/**
 * A rate in its declared unit as a 0..1 fraction: percent / 100, ray / 1e27.
 *
 * @example rateFraction(5.25, 'percent') // 0.0525
 */
export function rateFraction(value: number, unit: ApyUnit): number {
  return unit === 'fraction' ? value : unit === 'percent' ? value / 100 : value / 1e27;
}

/**
 * Checks a field's value is in its range (rates above −100 %, indexes and prices > 0, USD
 * amounts ≥ 0, utilisation in [0, 1]); a value outside is a {@link UserError} naming the row
 * and column.
 *
 * @example checkFieldRange('utilisation', 1.2, 4, 'util') // throws: row 4, column "util": utilisation must be within [0, 1], got 1.2
 */
export function checkFieldRange(field: MappedField, value: number, row: number, column: string): void {
  const bad = (rule: string): never => {
    throw new UserError({ field: cellField(row, column), value, message: `${field} must be ${rule}, got ${value}` });
  };
  switch (field) {
    case 'apy':
      if (!(value > -1)) bad('> -1 (−100 %) as a fraction');
      return;
    case 'index':
    case 'share_price':
    case 'price':
      if (!(value > 0)) bad('> 0');
      return;
    case 'tvl':
    case 'available':
    case 'borrowed':
      if (!(value >= 0)) bad('≥ 0 USD');
      return;
    case 'utilisation':
      if (!(value >= 0 && value <= 1)) bad('within [0, 1]');
      return;
    case 'date':
      return;
  }
}
