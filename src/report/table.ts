/**
 * Plain-text tables for the terminal: aligned columns, numbers right-aligned.
 */

/** A cell: text as is, numbers formatted with {@link formatNumber}. */
export type Cell = string | number | bigint | boolean | null | undefined;

/**
 * A number for people: up to `maxDecimals` decimals, thousands separated, no float noise.
 *
 * @example formatNumber(1234567.891) // '1,234,567.891'
 */
export function formatNumber(value: number, maxDecimals = 6): string {
  if (!Number.isFinite(value)) return String(value);
  if (value !== 0 && Math.abs(value) < 10 ** -maxDecimals) return value.toExponential(4);
  return numberFormat(maxDecimals).format(value);
}

/** One formatter per decimal count (what `toLocaleString('en-US', …)` builds anew on every call). */
const numberFormats = new Map<number, Intl.NumberFormat>();

function numberFormat(maxDecimals: number): Intl.NumberFormat {
  let f = numberFormats.get(maxDecimals);
  if (f === undefined) {
    f = new Intl.NumberFormat('en-US', { maximumFractionDigits: maxDecimals, useGrouping: true });
    numberFormats.set(maxDecimals, f);
  }
  return f;
}

function cellText(cell: Cell): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'number') return formatNumber(cell);
  return String(cell);
}

function isNumeric(cell: Cell): boolean {
  return typeof cell === 'number' || typeof cell === 'bigint';
}

/**
 * Renders rows under a header with aligned columns.
 *
 * @example renderTable(['venue', 'amount (USD)'], [['aave', 6365]])
 */
export function renderTable(headers: readonly string[], rows: ReadonlyArray<readonly Cell[]>): string {
  const texts = rows.map((row) => headers.map((_, i) => cellText(row[i])));
  const widths = headers.map((h, i) => Math.max(h.length, ...texts.map((r) => r[i].length)));
  const line = (cells: string[], numeric: boolean[]): string =>
    cells.map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  const out = [line([...headers], headers.map(() => false)), widths.map((w) => '-'.repeat(w)).join('  ')];
  rows.forEach((row, r) => out.push(line(texts[r], headers.map((_, i) => isNumeric(row[i])))));
  return out.join('\n');
}

/**
 * Renders `label  value  unit` lines, for a single result.
 *
 * @example renderKeyValues([['liquidation price', 1700, 'USD']])
 */
export function renderKeyValues(rows: ReadonlyArray<readonly [string, Cell, string?]>): string {
  return renderTable(['', 'value', 'unit'], rows.map(([k, v, unit]) => [k, v, unit ?? ''])).split('\n').slice(2).join('\n');
}
