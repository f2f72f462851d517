/**
 * From a file's raw cells to one row per UTC day (pure): parse and check every cell, keep the
 * `--from/--to` range, resample intraday rows (`last` or `mean`), refuse duplicate dates when
 * no resampling was asked for, apply the gap policy, and turn the yield column into exact
 * daily returns (a rate: its day's accrual; an index or share price: the ratio of consecutive
 * values).
 */
import { UserError } from '../core/errors.ts';
import { DAYS_PER_YEAR } from '../core/time.ts';
import { cellField, checkFieldRange, dateOfDay, dayNumber, parseNumberCell, parseTimeCell, rateFraction, type Cell, type TimeKind } from './cells.ts';
import type { ImportSpec, MappedField } from './spec.ts';

/** Fields that carry numbers (every mapped field but the date). @example const f: ValueField = 'tvl'; */
export type ValueField = Exclude<MappedField, 'date'>;

/**
 * A file's cells as a reader hands them over: the time column and each mapped value column,
 * one cell per data row.
 *
 * @example const t: RawTable = { rows: 1, time: { column: 'date', kind: 'text', cells: ['2024-06-06'] }, fields: { apy: { column: 'apy', cells: ['5.2'] } } };
 */
export interface RawTable {
  rows: number;
  time: { column: string; kind: TimeKind; cells: Cell[] };
  fields: Partial<Record<ValueField, { column: string; cells: Cell[] }>>;
}

/**
 * One series, one entry per stored day (arrays share indexes). NaN marks an unknown value.
 *
 * @example daily.dates[0] // '2024-06-06'; daily.dailyReturn[0] is NaN (no day before it)
 */
export interface DailySeries {
  dates: string[];
  /** The yield column after units: a rate as a 0..1 fraction (its declared convention), an index, a share price, or a USD price. */
  value: Float64Array;
  /** The day's yield as a 0..1 APY (a rate converted; an index's trailing day annualised); NaN for prices and an index's first day. */
  apy: Float64Array;
  /** Growth from the previous stored day to this one, minus 1; NaN on the first day. */
  dailyReturn: Float64Array;
  tvlUsd: Float64Array;
  availableLiquidityUsd: Float64Array;
  utilisation: Float64Array;
  /** 1 where the day was carried forward (`--gaps ffill`). */
  filled: Uint8Array;
  /** The date of the observation behind each day (its own date unless filled). */
  observedOn: string[];
}

/** What an import did, beside the stored days. @example const s: DailyStats = { sourceRows: 9901, rowsOutOfRange: 0, rowsSkippedEmpty: 22, resampledDays: 461, gapsFilled: 0, gapsDropped: 0 }; */
export interface DailyStats {
  sourceRows: number;
  /** Rows outside `--from/--to`. */
  rowsOutOfRange: number;
  /** Rows whose yield cell was empty (`--nulls skip`). */
  rowsSkippedEmpty: number;
  /** Days built from more than one row. */
  resampledDays: number;
  gapsFilled: number;
  gapsDropped: number;
}

const LISTED = 12;

function listed(items: readonly string[]): string {
  return items.length <= LISTED ? items.join(', ') : `${items.slice(0, LISTED).join(', ')}, … (${items.length} in all)`;
}

interface Row {
  row: number;
  ms: number;
  values: Partial<Record<ValueField, number | null>>;
}

function yieldField(spec: ImportSpec): ValueField {
  if (spec.kind === 'prices') return 'price';
  return spec.map.apy !== undefined ? 'apy' : spec.map.index !== undefined ? 'index' : 'share_price';
}

function parseRows(table: RawTable, spec: ImportSpec, stats: DailyStats): Row[] {
  const fromDay = spec.from === null ? -Infinity : dayNumber(spec.from);
  const toDay = spec.to === null ? Infinity : dayNumber(spec.to);
  const main = yieldField(spec);
  const rows: Row[] = [];
  for (let i = 0; i < table.rows; i++) {
    const row = i + 1;
    const ms = parseTimeCell(table.time.cells[i], table.time.kind, spec.epoch, row, table.time.column);
    const day = Math.floor(ms / 86_400_000);
    if (day < fromDay || day > toDay) {
      stats.rowsOutOfRange++;
      continue;
    }
    const values: Row['values'] = {};
    for (const [field, col] of Object.entries(table.fields) as [ValueField, { column: string; cells: Cell[] }][]) {
      let v = parseNumberCell(col.cells[i], row, col.column);
      if (v === null) {
        if (spec.nulls === 'error') throw new UserError({ field: cellField(row, col.column), message: 'empty cell', hint: 'fill it, or pass --nulls skip to count it as no observation' });
      } else {
        if (field === 'apy') v = rateFraction(v, spec.apyUnit ?? 'fraction');
        checkFieldRange(field, v, row, col.column);
      }
      values[field] = v;
    }
    if (values[main] === null) stats.rowsSkippedEmpty++;
    rows.push({ row, ms, values });
  }
  return rows;
}

function resampleDay(rows: readonly Row[], field: ValueField, how: 'last' | 'mean'): number {
  let sum = 0;
  let n = 0;
  let last = NaN;
  for (const r of rows) {
    const v = r.values[field];
    if (v === null || v === undefined) continue;
    sum += v;
    n++;
    last = v;
  }
  return n === 0 ? NaN : how === 'last' ? last : sum / n;
}

interface Day {
  day: number;
  values: Record<ValueField, number>;
  filled: boolean;
  observedDay: number;
}

function groupDays(rows: Row[], spec: ImportSpec, fields: readonly ValueField[], stats: DailyStats): Day[] {
  rows.sort((a, b) => a.ms - b.ms || a.row - b.row);
  const byDay = new Map<number, Row[]>();
  for (const r of rows) {
    const d = Math.floor(r.ms / 86_400_000);
    const list = byDay.get(d);
    if (list === undefined) byDay.set(d, [r]);
    else list.push(r);
  }
  const duplicates = [...byDay].filter(([, list]) => list.length > 1);
  if (spec.resample === null && duplicates.length > 0) {
    const shown = duplicates.map(([d, list]) => `${dateOfDay(d)} (rows ${list.map((r) => r.row).join(', ')})`);
    throw new UserError({ field: spec.map.date ?? 'date', message: `duplicate dates: ${listed(shown)}`, hint: 'remove the duplicates, or pass --resample last|mean if the file has intraday rows' });
  }
  stats.resampledDays = duplicates.length;
  const main = yieldField(spec);
  const days: Day[] = [];
  for (const [day, list] of byDay) {
    const values = {} as Record<ValueField, number>;
    for (const f of fields) values[f] = resampleDay(list, f, spec.resample ?? 'last');
    if (Number.isNaN(values[main])) continue; // no observation of the yield that day: a gap
    days.push({ day, values, filled: false, observedDay: day });
  }
  return days;
}

function applyGaps(days: Day[], spec: ImportSpec, stats: DailyStats): Day[] {
  const missing: number[] = [];
  for (let i = 1; i < days.length; i++) for (let d = days[i - 1].day + 1; d < days[i].day; d++) missing.push(d);
  if (missing.length === 0) return days;
  if (spec.gaps === 'error') {
    throw new UserError({ field: '--gaps', message: `${missing.length} missing date${missing.length === 1 ? '' : 's'}: ${listed(missing.map(dateOfDay))}`, hint: 'pass --gaps ffill (carry the previous day forward) or --gaps drop (leave them out)' });
  }
  if (spec.gaps === 'drop') {
    stats.gapsDropped = missing.length;
    return days;
  }
  stats.gapsFilled = missing.length;
  const out: Day[] = [];
  for (const d of days) {
    const prev = out[out.length - 1];
    if (prev !== undefined) for (let g = prev.day + 1; g < d.day; g++) out.push({ day: g, values: { ...prev.values }, filled: true, observedDay: prev.observedDay });
    out.push(d);
  }
  return out;
}

/**
 * A rate's growth over `days` days, minus 1: an APR accrues r/365 a day (compounded daily),
 * an APY (1 + r)^(1/365) a day.
 *
 * @example rateReturn(0.0365, 'apr', 1) // 0.0001
 */
export function rateReturn(rate: number, convention: 'apr' | 'apy', days: number): number {
  const daily = convention === 'apr' ? rate / DAYS_PER_YEAR : Math.expm1(Math.log1p(rate) / DAYS_PER_YEAR);
  return days === 1 ? daily : Math.expm1(days * Math.log1p(daily));
}

/**
 * A rate as a 0..1 APY: an APR compounded daily over 365 days, an APY as it is.
 *
 * @example rateToApy(0.0365, 'apr') // (1.0001)^365 − 1 ≈ 0.03717
 */
export function rateToApy(rate: number, convention: 'apr' | 'apy'): number {
  return convention === 'apr' ? Math.expm1(DAYS_PER_YEAR * Math.log1p(rate / DAYS_PER_YEAR)) : rate;
}

/** A resampled value, NaN when the field is not mapped or had no value that day. */
function known(v: number | undefined): number {
  return v === undefined ? NaN : v;
}

function build(days: Day[], spec: ImportSpec): DailySeries {
  const n = days.length;
  const s: DailySeries = {
    dates: days.map((d) => dateOfDay(d.day)),
    value: new Float64Array(n),
    apy: new Float64Array(n).fill(NaN),
    dailyReturn: new Float64Array(n).fill(NaN),
    tvlUsd: new Float64Array(n).fill(NaN),
    availableLiquidityUsd: new Float64Array(n).fill(NaN),
    utilisation: new Float64Array(n).fill(NaN),
    filled: Uint8Array.from(days, (d) => (d.filled ? 1 : 0)),
    observedOn: days.map((d) => dateOfDay(d.observedDay)),
  };
  const main = yieldField(spec);
  for (let k = 0; k < n; k++) {
    const v = days[k].values;
    s.value[k] = v[main];
    if (spec.kind === 'prices') continue;
    const gap = k === 0 ? 0 : days[k].day - days[k - 1].day;
    if (main === 'apy') {
      const convention = spec.rate ?? 'apr';
      s.apy[k] = rateToApy(v.apy, convention);
      if (k > 0) s.dailyReturn[k] = rateReturn(days[k - 1].values.apy, convention, gap);
    } else if (k > 0) {
      const ratio = v[main] / days[k - 1].values[main];
      s.dailyReturn[k] = ratio - 1;
      s.apy[k] = Math.expm1((DAYS_PER_YEAR / gap) * Math.log(ratio));
    }
    const tvl = known(v.tvl);
    const borrowed = known(v.borrowed);
    const util = Number.isNaN(known(v.utilisation)) && tvl > 0 ? borrowed / tvl : known(v.utilisation);
    s.tvlUsd[k] = tvl;
    s.utilisation[k] = util;
    const available = known(v.available);
    s.availableLiquidityUsd[k] = !Number.isNaN(available) ? available : Number.isNaN(borrowed) ? tvl * (1 - util) : tvl - borrowed;
  }
  return s;
}

/**
 * Turns a file's cells into one row per UTC day under `spec` (see the module notes). Any bad
 * cell, duplicate date or refused gap throws a {@link UserError}, so nothing is stored.
 *
 * @example const { series, stats } = toDailySeries(table, spec); series.dates.length // days stored
 */
export function toDailySeries(table: RawTable, spec: ImportSpec): { series: DailySeries; stats: DailyStats } {
  const stats: DailyStats = { sourceRows: table.rows, rowsOutOfRange: 0, rowsSkippedEmpty: 0, resampledDays: 0, gapsFilled: 0, gapsDropped: 0 };
  const fields = Object.keys(table.fields) as ValueField[];
  const rows = parseRows(table, spec, stats);
  const days = applyGaps(groupDays(rows, spec, fields, stats), spec, stats);
  if (days.length === 0) {
    throw new UserError({ field: spec.from !== null || spec.to !== null ? '--from' : '--map', message: 'no day with a value to import', hint: 'check the mapped columns and the --from/--to range' });
  }
  return { series: build(days, spec), stats };
}
