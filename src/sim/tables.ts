/**
 * The named-tables result sink: a model that describes its results as tables (columns with a
 * type and a value per row, built as plain data) has them written here into one DuckDB file,
 * atomically, and read back by SQL. The fund study's tables (src/scenarios/fund/store.ts) go
 * through it; nothing outside the sinks and the CLI opens the database.
 */
import { existsSync } from 'node:fs';
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { openDuckDb } from '../core/duckdb.ts';
import { firstErrorLine, UserError } from '../core/errors.ts';
import { writeAtomically } from '../core/outputFile.ts';

/** A column's SQL type. */
export type TableColumnType = 'INTEGER' | 'DOUBLE' | 'VARCHAR' | 'UBIGINT';

/**
 * One column: its name, type and the value of row `r`.
 *
 * @example const c: TableColumn = { name: 'day', type: 'INTEGER', value: (r) => r };
 */
export interface TableColumn {
  name: string;
  type: TableColumnType;
  value: (row: number) => number | string | bigint;
}

/**
 * A table to write: name, row count and columns.
 *
 * @example const t: TableSpec = { name: 'fund_runs', rows: 3, columns: [{ name: 'run', type: 'INTEGER', value: (r) => r }] };
 */
export interface TableSpec {
  name: string;
  rows: number;
  columns: TableColumn[];
}

async function appendTable(conn: DuckDBConnection, table: TableSpec): Promise<void> {
  await conn.run(`CREATE TABLE ${table.name} (${table.columns.map((c) => `${c.name} ${c.type}`).join(', ')})`);
  const appender = await conn.createAppender(table.name);
  for (let r = 0; r < table.rows; r++) {
    for (const c of table.columns) {
      const v = c.value(r);
      if (c.type === 'VARCHAR') appender.appendVarchar(v as string);
      else if (c.type === 'INTEGER') appender.appendInteger(v as number);
      else if (c.type === 'UBIGINT') appender.appendUBigInt(v as bigint);
      else appender.appendDouble(v as number);
    }
    appender.endRow();
  }
  appender.closeSync();
}

/**
 * Writes tables into a new DuckDB file at `path`, atomically: they go to a temporary file
 * beside it that replaces `path` only when every table is written; on failure an existing
 * file is left as it was. Errors are {@link UserError}s naming `field`. `tables` is called
 * once the file is open (so building the tables may fail too, leaving nothing written).
 *
 * @example await writeTablesFile('fund.duckdb', () => [{ name: 't', rows: 1, columns: [{ name: 'x', type: 'DOUBLE', value: () => 1 }] }]);
 */
export async function writeTablesFile(path: string, tables: () => Iterable<TableSpec>, field = '--out'): Promise<void> {
  await writeAtomically(path, field, async (tempPath) => {
    const instance = await openDuckDb(tempPath, { threads: '1' }, { field, action: 'create', hint: 'check the directory exists and is writable' });
    const conn = await instance.connect();
    try {
      for (const table of tables()) await appendTable(conn, table);
      await conn.run('CHECKPOINT');
    } catch (e) {
      if (e instanceof UserError) throw e;
      throw new UserError({ field, value: path, message: `cannot write results: ${firstErrorLine(e)}`, hint: 'check the path is writable' });
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
  });
}

/**
 * Opens a DuckDB result file read-only and hands `read` a query function (rows of a SQL
 * statement); closes it afterwards. A missing file, or one DuckDB cannot open, is a
 * {@link UserError} naming `onError.field`.
 *
 * @example const rows = await readTablesFile('fund.duckdb', (query) => query('SELECT * FROM fund_runs'));
 */
export async function readTablesFile<T>(path: string, read: (query: (sql: string) => Promise<DuckDBValue[][]>) => Promise<T>, onError: { field: string; hint: string; missingHint: string }): Promise<T> {
  if (!existsSync(path)) throw new UserError({ field: onError.field, value: path, message: `no such file: ${path}`, hint: onError.missingHint });
  const instance = await openDuckDb(path, { access_mode: 'READ_ONLY' }, { field: onError.field, action: 'open', hint: onError.hint });
  const conn = await instance.connect();
  try {
    return await read(async (sql) => (await conn.runAndReadAll(sql)).getRows());
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}
