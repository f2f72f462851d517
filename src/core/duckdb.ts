/**
 * The DuckDB client (@duckdb/node-api), loaded on first use: loading it costs ~0.15 s, which
 * commands that never open a database should not pay.
 */
type DuckDbApi = typeof import('@duckdb/node-api');

let api: Promise<DuckDbApi> | undefined;

/**
 * The @duckdb/node-api module.
 *
 * @example const { DuckDBInstance } = await duckDbApi(); const db = await DuckDBInstance.create('x.duckdb');
 */
export function duckDbApi(): Promise<DuckDbApi> {
  api ??= import('@duckdb/node-api');
  return api;
}
