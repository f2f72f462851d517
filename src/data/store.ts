/**
 * The history store: imported venue and price series in a DuckDB file (`data.duckdb`), one
 * row per series in `series` and one per day in `venue_days` / `price_days`. Each import is
 * one transaction: a rejected or failed write leaves the file as it was. Unknown values are
 * NULL (NaN in memory).
 */
import { existsSync } from 'node:fs';
import type { DuckDBConnection, DuckDBDateValue, DuckDBInstance, DuckDBValue } from '@duckdb/node-api';
import { duckDbApi, openDuckDb } from '../core/duckdb.ts';
import { UserError } from '../core/errors.ts';
import { removeStaleTemps, writeAtomically } from '../core/outputFile.ts';
import { dayNumber } from './cells.ts';
import type { DailySeries, DailyStats } from './daily.ts';
import type { ImportSpec, SeriesKind } from './spec.ts';

/** Where the CLI keeps imported history unless `--db` says otherwise. */
export const DEFAULT_DATA_DB = './data.duckdb';

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS series (kind VARCHAR NOT NULL, name VARCHAR NOT NULL, source VARCHAR NOT NULL, value_kind VARCHAR NOT NULL,
    apy_unit VARCHAR, rate VARCHAR, resample VARCHAR, gaps VARCHAR NOT NULL, first_date DATE NOT NULL, last_date DATE NOT NULL,
    days INTEGER NOT NULL, source_rows INTEGER NOT NULL, gaps_filled INTEGER NOT NULL, gaps_dropped INTEGER NOT NULL,
    imported_at TIMESTAMP NOT NULL, PRIMARY KEY (kind, name))`,
  `CREATE TABLE IF NOT EXISTS venue_days (venue VARCHAR NOT NULL, date DATE NOT NULL, value DOUBLE NOT NULL, apy DOUBLE, daily_return DOUBLE,
    tvl_usd DOUBLE, available_liquidity_usd DOUBLE, utilisation DOUBLE, filled BOOLEAN NOT NULL, observed_on DATE NOT NULL, PRIMARY KEY (venue, date))`,
  `CREATE TABLE IF NOT EXISTS price_days (asset VARCHAR NOT NULL, date DATE NOT NULL, price DOUBLE NOT NULL, filled BOOLEAN NOT NULL,
    observed_on DATE NOT NULL, PRIMARY KEY (asset, date))`,
];

/**
 * One stored series, as `capflow data list` shows it.
 *
 * @example const s: SeriesInfo = { kind: 'venue', name: 'aave-usdc', source: 'aave.csv', valueKind: 'apy', firstDate: '2024-06-06', lastDate: '2025-06-05', days: 365, gapsFilled: 0, gapsDropped: 0, importedAt: '2026-01-01T00:00:00.000Z' };
 */
export interface SeriesInfo {
  kind: SeriesKind;
  name: string;
  source: string;
  /** What the yield column was: `apy` (a rate), `index`, `share_price`, or `price`. */
  valueKind: string;
  firstDate: string;
  lastDate: string;
  days: number;
  gapsFilled: number;
  gapsDropped: number;
  importedAt: string;
}

/** A series' summary (`capflow data show`): its info plus APY (venues) or price (assets) statistics. @example store.show('venue', 'aave').apy.median */
export interface SeriesSummary extends SeriesInfo {
  apyUnit: string | null;
  rate: string | null;
  resample: string | null;
  gaps: string;
  sourceRows: number;
  /** Min, median and max of the daily APY (venues; 0..1) or of the price (assets); null when none is known. */
  apy: { min: number; median: number; max: number } | null;
  price: { min: number; median: number; max: number } | null;
}

/**
 * Stored days of one venue, oldest first (NaN for unknown values).
 *
 * @example const d = await store.venueDays('aave', '2024-07-01', '2024-12-31'); d.dailyReturn[1]
 */
export type StoredVenueDays = DailySeries;

let DateValue: typeof DuckDBDateValue | undefined;

function dateValue(date: string): DuckDBDateValue {
  if (DateValue === undefined) throw new Error('DuckDB is not loaded: open a HistoryStore first');
  return new DateValue(dayNumber(date));
}

function orNull(x: number): number | null {
  return Number.isNaN(x) ? null : x;
}

function num(v: DuckDBValue): number {
  return v === null ? NaN : Number(v);
}

function text(v: DuckDBValue): string {
  return String(v);
}

/**
 * The history file. Open with {@link HistoryStore.open}; close with {@link HistoryStore.close},
 * or use {@link withHistoryStore}.
 *
 * @example const store = await HistoryStore.open('data.duckdb'); try { await store.list(); } finally { store.close(); }
 */
export class HistoryStore {
  readonly path: string;
  private readonly instance: DuckDBInstance;
  private readonly conn: DuckDBConnection;

  private constructor(path: string, instance: DuckDBInstance, conn: DuckDBConnection) {
    this.path = path;
    this.instance = instance;
    this.conn = conn;
  }

  /** Opens (with `create`, creates) a history file; a missing file without `create` is a {@link UserError} naming `--db`. */
  static async open(path: string, opts: { create?: boolean; field?: string } = {}): Promise<HistoryStore> {
    const field = opts.field ?? '--db';
    if (!opts.create && !existsSync(path)) {
      throw new UserError({ field, value: path, message: `no history file at ${path}`, hint: 'import a series first with `capflow data import`, or pass the right path' });
    }
    DateValue = (await duckDbApi()).DuckDBDateValue;
    // a new file is made whole beside its path and renamed into place: a kill leaves none or one with the schema
    if (opts.create) removeStaleTemps(path); // what a killed creation left beside it
    if (opts.create && !existsSync(path)) await writeAtomically(path, field, async (tempPath) => (await HistoryStore.connect(tempPath, true, field)).close());
    const store = await HistoryStore.connect(path, opts.create === true, field);
    if (!(await store.hasSchema())) {
      store.close();
      throw new UserError({ field, value: path, message: `${path} is not a capflow history file (no series table)`, hint: 'pass the file `capflow data import` wrote' });
    }
    return store;
  }

  /**
   * Opens a DuckDB file (read-only unless `write`); for writing, creates the history tables a
   * new file lacks, or that a killed import of an older capflow left missing, in one transaction.
   */
  private static async connect(path: string, write: boolean, field: string): Promise<HistoryStore> {
    const instance = await openDuckDb(path, write ? undefined : { access_mode: 'READ_ONLY' }, { field, action: write ? 'create' : 'open', hint: 'is it a capflow history file, not used by another process?' });
    const store = new HistoryStore(path, instance, await instance.connect());
    if (write && (await store.onlyHistoryTables())) await store.inTransaction(async () => {
      for (const sql of SCHEMA) await store.conn.run(sql);
    });
    return store;
  }

  /** Closes the connection and the database. */
  close(): void {
    this.conn.closeSync();
    this.instance.closeSync();
  }

  private async hasSchema(): Promise<boolean> {
    const rows = await this.rows(`SELECT count(*) FROM information_schema.tables WHERE table_name IN ('series', 'venue_days', 'price_days')`);
    return Number(rows[0][0]) === 3;
  }

  /** True when every table of the file is one of the history tables (none at all included). */
  private async onlyHistoryTables(): Promise<boolean> {
    const rows = await this.rows(`SELECT count(*) FROM information_schema.tables WHERE table_name NOT IN ('series', 'venue_days', 'price_days')`);
    return Number(rows[0][0]) === 0;
  }

  private async inTransaction(work: () => Promise<void>): Promise<void> {
    await this.conn.run('BEGIN TRANSACTION');
    try {
      await work();
      await this.conn.run('COMMIT');
    } catch (e) {
      await this.conn.run('ROLLBACK').catch(() => undefined);
      throw e;
    }
  }

  private async rows(sql: string, values?: DuckDBValue[]): Promise<DuckDBValue[][]> {
    return (await this.conn.runAndReadAll(sql, values)).getRows();
  }

  /**
   * Stores one imported series in one transaction. An existing series of the same kind and
   * name is a {@link UserError} unless `replace` (then it is replaced whole).
   */
  async writeSeries(spec: ImportSpec, series: DailySeries, stats: DailyStats, source: string, opts: { replace: boolean; importedAt: string }): Promise<void> {
    const exists = await this.rows('SELECT count(*) FROM series WHERE kind = ? AND name = ?', [spec.kind, spec.name]);
    if (Number(exists[0][0]) > 0 && !opts.replace) {
      throw new UserError({ field: spec.kind === 'venue' ? '--venue' : '--asset', value: spec.name, message: `${spec.name} is already stored in ${this.path}`, hint: 'pass --replace to replace it, or another name' });
    }
    const valueKind = spec.kind === 'prices' ? 'price' : spec.map.apy !== undefined ? 'apy' : spec.map.index !== undefined ? 'index' : 'share_price';
    const n = series.dates.length;
    await this.conn.run('BEGIN TRANSACTION');
    try {
      await this.conn.run('DELETE FROM series WHERE kind = ? AND name = ?', [spec.kind, spec.name]);
      await this.conn.run(`DELETE FROM ${spec.kind === 'venue' ? 'venue_days WHERE venue' : 'price_days WHERE asset'} = ?`, [spec.name]);
      await this.conn.run('INSERT INTO series VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?::DATE, ?::DATE, ?, ?, ?, ?, ?::TIMESTAMP)', [
        spec.kind, spec.name, source, valueKind, spec.apyUnit, spec.rate, spec.resample, spec.gaps, series.dates[0], series.dates[n - 1],
        n, stats.sourceRows, stats.gapsFilled, stats.gapsDropped, opts.importedAt.replace('T', ' ').replace('Z', ''),
      ]);
      const appender = await this.conn.createAppender(spec.kind === 'venue' ? 'venue_days' : 'price_days');
      try {
        for (let k = 0; k < n; k++) {
          appender.appendVarchar(spec.name);
          appender.appendDate(dateValue(series.dates[k]));
          appender.appendDouble(series.value[k]);
          if (spec.kind === 'venue') {
            for (const x of [series.apy[k], series.dailyReturn[k], series.tvlUsd[k], series.availableLiquidityUsd[k], series.utilisation[k]]) {
              const v = orNull(x);
              if (v === null) appender.appendNull();
              else appender.appendDouble(v);
            }
          }
          appender.appendBoolean(series.filled[k] === 1);
          appender.appendDate(dateValue(series.observedOn[k]));
          appender.endRow();
        }
        appender.flushSync();
      } finally {
        appender.closeSync();
      }
      await this.conn.run('COMMIT');
    } catch (e) {
      await this.conn.run('ROLLBACK').catch(() => undefined);
      throw e;
    }
  }

  /** Every stored series, venues then prices, by name. */
  async list(): Promise<SeriesInfo[]> {
    const rows = await this.rows(
      `SELECT kind, name, source, value_kind, strftime(first_date, '%Y-%m-%d'), strftime(last_date, '%Y-%m-%d'), days, gaps_filled, gaps_dropped,
        strftime(imported_at, '%Y-%m-%dT%H:%M:%S.%gZ') FROM series ORDER BY kind DESC, name`,
    );
    return rows.map((r) => ({
      kind: text(r[0]) as SeriesKind, name: text(r[1]), source: text(r[2]), valueKind: text(r[3]), firstDate: text(r[4]), lastDate: text(r[5]),
      days: Number(r[6]), gapsFilled: Number(r[7]), gapsDropped: Number(r[8]), importedAt: text(r[9]),
    }));
  }

  /** A series' info, or a {@link UserError} naming `field` and what is stored. */
  async info(kind: SeriesKind, name: string, field = kind === 'venue' ? '<venue>' : '--asset'): Promise<SeriesInfo> {
    const all = await this.list();
    const found = all.find((s) => s.kind === kind && s.name === name);
    if (found === undefined) {
      const names = all.filter((s) => s.kind === kind).map((s) => s.name);
      throw new UserError({ field, value: name, message: `no ${kind === 'venue' ? 'venue' : 'price'} series ${JSON.stringify(name)} in ${this.path}`, hint: names.length === 0 ? 'import one with `capflow data import`' : `stored: ${names.join(', ')}` });
    }
    return found;
  }

  /** The summary `capflow data show` prints. */
  async summary(kind: SeriesKind, name: string): Promise<SeriesSummary> {
    const info = await this.info(kind, name);
    const [meta] = await this.rows('SELECT apy_unit, rate, resample, gaps, source_rows FROM series WHERE kind = ? AND name = ?', [kind, name]);
    const column = kind === 'venue' ? 'apy' : 'price';
    const [st] = await this.rows(`SELECT min(${column}), median(${column}), max(${column}) FROM ${kind === 'venue' ? 'venue_days WHERE venue' : 'price_days WHERE asset'} = ?`, [name]);
    const stats = st[0] === null ? null : { min: num(st[0]), median: num(st[1]), max: num(st[2]) };
    return {
      ...info, apyUnit: meta[0] === null ? null : text(meta[0]), rate: meta[1] === null ? null : text(meta[1]), resample: meta[2] === null ? null : text(meta[2]),
      gaps: text(meta[3]), sourceRows: Number(meta[4]), apy: kind === 'venue' ? stats : null, price: kind === 'prices' ? stats : null,
    };
  }

  /** A venue's stored days within [from, to] (inclusive; null: unbounded), oldest first. */
  async venueDays(name: string, from: string | null = null, to: string | null = null): Promise<StoredVenueDays> {
    await this.info('venue', name, 'venue');
    const rows = await this.rows(
      `SELECT strftime(date, '%Y-%m-%d'), value, apy, daily_return, tvl_usd, available_liquidity_usd, utilisation, filled, strftime(observed_on, '%Y-%m-%d')
       FROM venue_days WHERE venue = ? AND date >= COALESCE(?::DATE, DATE '0001-01-01') AND date <= COALESCE(?::DATE, DATE '9999-12-31') ORDER BY date`,
      [name, from, to],
    );
    const col = (i: number): Float64Array => Float64Array.from(rows, (r) => num(r[i]));
    return {
      dates: rows.map((r) => text(r[0])), value: col(1), apy: col(2), dailyReturn: col(3), tvlUsd: col(4), availableLiquidityUsd: col(5), utilisation: col(6),
      filled: Uint8Array.from(rows, (r) => (r[7] === true ? 1 : 0)), observedOn: rows.map((r) => text(r[8])),
    };
  }

  /** An asset's stored prices within [from, to], oldest first. */
  async priceDays(asset: string, from: string | null = null, to: string | null = null): Promise<{ dates: string[]; price: Float64Array; filled: Uint8Array }> {
    await this.info('prices', asset, 'asset');
    const rows = await this.rows(
      `SELECT strftime(date, '%Y-%m-%d'), price, filled FROM price_days WHERE asset = ? AND date >= COALESCE(?::DATE, DATE '0001-01-01') AND date <= COALESCE(?::DATE, DATE '9999-12-31') ORDER BY date`,
      [asset, from, to],
    );
    return { dates: rows.map((r) => text(r[0])), price: Float64Array.from(rows, (r) => num(r[1])), filled: Uint8Array.from(rows, (r) => (r[2] === true ? 1 : 0)) };
  }
}

/**
 * Opens the history file, runs `work`, and closes it whatever happens.
 *
 * @example const list = await withHistoryStore('data.duckdb', (s) => s.list());
 */
export async function withHistoryStore<T>(path: string, work: (store: HistoryStore) => Promise<T>, opts: { create?: boolean; field?: string } = {}): Promise<T> {
  const store = await HistoryStore.open(path, opts);
  try {
    return await work(store);
  } finally {
    store.close();
  }
}
