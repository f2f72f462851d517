/**
 * The DuckDB client (@duckdb/node-api), loaded on first use: loading it costs ~0.15 s, which
 * commands that never open a database should not pay.
 */
import type { DuckDBInstance } from '@duckdb/node-api';
import { firstErrorLine, UserError } from './errors.ts';

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

/**
 * Opens (or creates) a DuckDB database. A failure is a {@link UserError} naming `onError.field`,
 * with the path and the first line of DuckDB's message: `cannot <action> <path>: …`.
 *
 * @example const db = await openDuckDb('fund.duckdb', { access_mode: 'READ_ONLY' }, { field: '--db', action: 'open', hint: 'is it a DuckDB file?' });
 */
export async function openDuckDb(path: string, options: Record<string, string> | undefined, onError: { field: string; action: 'create' | 'open'; hint: string }): Promise<DuckDBInstance> {
  const { DuckDBInstance } = await duckDbApi();
  try {
    return await DuckDBInstance.create(path, options);
  } catch (e) {
    throw new UserError({ field: onError.field, value: path, message: `cannot ${onError.action} ${path}: ${firstErrorLine(e)}`, hint: onError.hint });
  }
}
