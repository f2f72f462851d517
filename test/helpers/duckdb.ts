import { DuckDBInstance } from '@duckdb/node-api';

/**
 * Runs one SQL statement on a DuckDB file (or `:memory:`) and returns its rows, closing the
 * database afterwards.
 *
 * @example const [[count]] = await queryDuckDb('out.duckdb', 'SELECT count(*) FROM results');
 */
export async function queryDuckDb(file: string, sql: string): Promise<unknown[][]> {
  const db = await DuckDBInstance.create(file);
  const con = await db.connect();
  const rows = (await con.runAndReadAll(sql)).getRows();
  con.closeSync();
  db.closeSync();
  return rows;
}
