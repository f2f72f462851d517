/**
 * Result sinks: where the engine's rows go. A sink receives {@link ResultChunk}s in run order
 * and writes the table
 * `results(run INTEGER, subset INTEGER, seed UBIGINT, timestep INTEGER, substep INTEGER, <state columns> DOUBLE)`
 * to memory, a DuckDB database file, a Parquet file or a CSV file (the last two are written by
 * DuckDB's `COPY … TO`, single-threaded, so the same rows give the same bytes). `seed` is the
 * master seed; run `r` drew from `Rng.stream(seed, r)`.
 */
import { rmSync } from 'node:fs';
import { extname } from 'node:path';
import type { DuckDBAppender, DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { duckDbApi } from '../core/duckdb.ts';
import { UserError } from '../core/errors.ts';
import type { Seed } from '../core/rng.ts';
import { concatChunks, KEY_COLUMNS, type ResultChunk } from './engine.ts';

/** Where results go. @example { kind: 'parquet', path: 'out.parquet' } */
export type SinkTarget =
  | { kind: 'memory' }
  | { kind: 'duckdb'; path: string; table?: string }
  | { kind: 'parquet'; path: string }
  | { kind: 'csv'; path: string };

/** What a closed sink reports. */
export interface SinkSummary {
  kind: SinkTarget['kind'];
  rows: number;
  columns: string[];
  /** output file (file sinks) */
  path?: string;
  /** table name (DuckDB sink) */
  table?: string;
  /** all rows (memory sink) */
  result?: ResultChunk;
}

/** A destination for result rows. */
export interface ResultSink {
  write(chunk: ResultChunk): Promise<void>;
  close(): Promise<SinkSummary>;
}

/** The default table name. */
export const RESULTS_TABLE = 'results';

/**
 * The sink for an output path, by extension: `.duckdb`/`.db` → DuckDB file, `.parquet`, `.csv`.
 *
 * @example sinkTargetForPath('runs.parquet') // { kind: 'parquet', path: 'runs.parquet' }
 */
export function sinkTargetForPath(path: string, field = '--out'): SinkTarget {
  const ext = extname(path).toLowerCase();
  if (ext === '.duckdb' || ext === '.db') return { kind: 'duckdb', path };
  if (ext === '.parquet') return { kind: 'parquet', path };
  if (ext === '.csv') return { kind: 'csv', path };
  throw new UserError({ field, value: path, message: `unsupported output type "${ext || '(none)'}"`, hint: 'use a .duckdb, .parquet or .csv file' });
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function sqlString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

const INTEGER_COLUMNS = new Set<string>(KEY_COLUMNS);

/** The CREATE TABLE statement for a chunk's columns (plus `seed`). */
function createTableSql(table: string, columns: readonly string[]): string {
  const defs = columns.map((c) => `${quoteIdent(c)} ${INTEGER_COLUMNS.has(c) ? 'INTEGER' : 'DOUBLE'}`);
  defs.splice(2, 0, `${quoteIdent('seed')} UBIGINT`);
  return `CREATE TABLE ${quoteIdent(table)} (${defs.join(', ')})`;
}

function appendChunk(appender: DuckDBAppender, chunk: ResultChunk, seed: bigint): void {
  const width = chunk.columns.length;
  const { data } = chunk;
  for (let r = 0; r < chunk.rows; r++) {
    const o = r * width;
    appender.appendInteger(data[o]);
    appender.appendInteger(data[o + 1]);
    appender.appendUBigInt(seed);
    appender.appendInteger(data[o + 2]);
    appender.appendInteger(data[o + 3]);
    for (let c = KEY_COLUMNS.length; c < width; c++) appender.appendDouble(data[o + c]);
    appender.endRow();
  }
}

function memorySink(): ResultSink {
  const parts: ResultChunk[] = [];
  return {
    async write(chunk) {
      parts.push(chunk);
    },
    async close() {
      const result = concatChunks(parts);
      return { kind: 'memory', rows: result.rows, columns: result.columns, result };
    },
  };
}

async function duckdbSink(target: Exclude<SinkTarget, { kind: 'memory' }>, seed: bigint): Promise<ResultSink> {
  const isFile = target.kind === 'duckdb';
  const table = target.kind === 'duckdb' ? (target.table ?? RESULTS_TABLE) : RESULTS_TABLE;
  if (isFile) {
    rmSync(target.path, { force: true });
    rmSync(`${target.path}.wal`, { force: true });
  }
  let instance: DuckDBInstance;
  try {
    instance = await (await duckDbApi()).DuckDBInstance.create(isFile ? target.path : ':memory:', { threads: '1' });
  } catch (e) {
    throw new UserError({ field: '--out', value: target.path, message: `cannot open DuckDB output: ${e instanceof Error ? e.message : String(e)}`, hint: 'check the directory exists and is writable' });
  }
  const connection: DuckDBConnection = await instance.connect();
  let appender: DuckDBAppender | undefined;
  let columns: string[] = [];
  let rows = 0;
  const closeAll = (): void => {
    connection.closeSync();
    instance.closeSync();
  };
  return {
    async write(chunk) {
      if (appender === undefined) {
        columns = chunk.columns;
        await connection.run(createTableSql(table, columns));
        appender = await connection.createAppender(table);
      } else if (chunk.columns.length !== columns.length || chunk.columns.some((c, i) => c !== columns[i])) {
        throw new Error('result chunks have different columns');
      }
      appendChunk(appender, chunk, seed);
      rows += chunk.rows;
    },
    async close() {
      try {
        if (appender === undefined) await connection.run(createTableSql(table, [...KEY_COLUMNS]));
        else appender.closeSync();
        if (target.kind === 'parquet') await connection.run(`COPY ${quoteIdent(table)} TO ${sqlString(target.path)} (FORMAT parquet)`);
        if (target.kind === 'csv') await connection.run(`COPY ${quoteIdent(table)} TO ${sqlString(target.path)} (FORMAT csv, HEADER true)`);
        if (isFile) await connection.run('CHECKPOINT');
      } catch (e) {
        throw new UserError({ field: '--out', value: target.path, message: `cannot write results: ${e instanceof Error ? e.message : String(e)}`, hint: 'check the path is writable' });
      } finally {
        closeAll();
      }
      const outColumns = [...(columns.length > 0 ? columns : KEY_COLUMNS)];
      outColumns.splice(2, 0, 'seed');
      return { kind: target.kind, rows, columns: outColumns, path: target.path, table: isFile ? table : undefined };
    },
  };
}

/**
 * Opens a sink. `seed` (the master seed) is stored in every row of file sinks.
 *
 * @example
 * const sink = await openSink({ kind: 'csv', path: 'out.csv' }, 42);
 * await sink.write(chunk);
 * const summary = await sink.close(); // { kind: 'csv', rows, columns, path }
 */
export async function openSink(target: SinkTarget, seed: Seed): Promise<ResultSink> {
  if (target.kind === 'memory') return memorySink();
  return duckdbSink(target, BigInt(seed));
}
