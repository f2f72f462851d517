/**
 * Result sinks: where the engine's rows go. A sink receives {@link ResultChunk}s in run order
 * and writes the table
 * `results(run INTEGER, subset INTEGER, seed UBIGINT, timestep INTEGER, substep INTEGER, <state columns> DOUBLE)`
 * to memory (or nowhere: `discard` counts them), a DuckDB database file, a Parquet file or a CSV file (the last two are written by
 * DuckDB's `COPY … TO`, single-threaded, so the same rows give the same bytes). `seed` is the
 * master seed; run `r` drew from `Rng.stream(seed, r)`.
 *
 * File output is atomic: the path is checked when the sink opens (before any run), rows go to
 * a temporary file beside it, and `close()` renames that into place; `abort()` (a failed run)
 * removes it and leaves an existing file untouched. Models that describe their results as
 * several named tables (the fund) use the table sink of ./tables.ts.
 */
import { extname } from 'node:path';
import type { DuckDBAppender, DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { duckDbApi } from '../core/duckdb.ts';
import { firstErrorLine, UserError } from '../core/errors.ts';
import { beginOutput, checkOutputPath, isStreamTarget } from '../core/outputFile.ts';
import type { Seed } from '../core/rng.ts';
import { concatChunks, KEY_COLUMNS, type ResultChunk } from './engine.ts';

/** Where results go. @example { kind: 'parquet', path: 'out.parquet' } */
export type SinkTarget =
  | { kind: 'memory' }
  | { kind: 'discard' }
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

/** A destination for result rows: `write` chunks, then `close` (done) or `abort` (failed run). */
export interface ResultSink {
  write(chunk: ResultChunk): Promise<void>;
  /** Finishes the output (a file sink moves its file into place). */
  close(): Promise<SinkSummary>;
  /** Drops the output (a file sink removes its temporary file; an existing file stays). */
  abort(): Promise<void>;
}

/** The default table name. */
export const RESULTS_TABLE = 'results';

/**
 * The sink for an output path, by extension: `.duckdb`/`.db` → DuckDB file, `.parquet`, `.csv`.
 * Also checks that the path can be written (its directory exists and is writable), so a bad
 * `--out` is reported before anything runs.
 *
 * @example sinkTargetForPath( 'runs.parquet') // { kind: 'parquet', path: 'runs.parquet' }; '-' is CSV on stdout
 */
export function sinkTargetForPath(path: string, field = '--out'): SinkTarget {
  const ext = extname(path).toLowerCase();
  let target: SinkTarget;
  if (ext === '' && isStreamTarget(path)) target = { kind: 'csv', path }; // stdout, /dev/stdout, a FIFO: CSV text
  else if (ext === '.duckdb' || ext === '.db') target = { kind: 'duckdb', path };
  else if (ext === '.parquet') target = { kind: 'parquet', path };
  else if (ext === '.csv') target = { kind: 'csv', path };
  else throw new UserError({ field, value: path, message: `unsupported output type "${ext || '(none)'}"`, hint: 'use a .duckdb, .parquet or .csv file' });
  checkOutputPath(path, field);
  return target;
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
    async abort() {
      parts.length = 0;
    },
  };
}

/** Counts rows and keeps none: a study whose table is not wanted needs no memory for it. */
function discardSink(): ResultSink {
  let rows = 0;
  let columns: string[] = [...KEY_COLUMNS];
  return {
    async write(chunk) {
      rows += chunk.rows;
      columns = chunk.columns;
    },
    async close() {
      return { kind: 'discard', rows, columns };
    },
    async abort() {
      rows = 0;
    },
  };
}

async function duckdbSink(target: Exclude<SinkTarget, { kind: 'memory' } | { kind: 'discard' }>, seed: bigint): Promise<ResultSink> {
  const isFile = target.kind === 'duckdb';
  const table = target.kind === 'duckdb' ? (target.table ?? RESULTS_TABLE) : RESULTS_TABLE;
  const out = beginOutput(target.path, '--out');
  let instance: DuckDBInstance;
  try {
    instance = await (await duckDbApi()).DuckDBInstance.create(isFile ? out.tempPath : ':memory:', { threads: '1' });
  } catch (e) {
    out.discard();
    throw new UserError({ field: '--out', value: target.path, message: `cannot open DuckDB output: ${firstErrorLine(e)}`, hint: 'check the directory exists and is writable' });
  }
  const connection: DuckDBConnection = await instance.connect();
  let appender: DuckDBAppender | undefined;
  let columns: string[] = [];
  let rows = 0;
  let closed = false;
  const closeAll = (): void => {
    if (closed) return;
    closed = true;
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
        else {
          appender.closeSync();
          appender = undefined;
        }
        if (target.kind === 'parquet') await connection.run(`COPY ${quoteIdent(table)} TO ${sqlString(out.tempPath)} (FORMAT parquet)`);
        if (target.kind === 'csv') await connection.run(`COPY ${quoteIdent(table)} TO ${sqlString(out.tempPath)} (FORMAT csv, HEADER true)`);
        if (isFile) await connection.run('CHECKPOINT');
        closeAll();
      } catch (e) {
        closeAll();
        out.discard();
        throw new UserError({ field: '--out', value: target.path, message: `cannot write results: ${firstErrorLine(e)}`, hint: 'check the path is writable' });
      }
      out.commit();
      const outColumns = [...(columns.length > 0 ? columns : KEY_COLUMNS)];
      outColumns.splice(2, 0, 'seed');
      return { kind: target.kind, rows, columns: outColumns, path: target.path, table: isFile ? table : undefined };
    },
    async abort() {
      try {
        appender?.closeSync();
      } catch {
        // the rows are being dropped: an appender that cannot flush them changes nothing
      } finally {
        closeAll();
        out.discard();
      }
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
  if (target.kind === 'discard') return discardSink();
  return duckdbSink(target, BigInt(seed));
}
