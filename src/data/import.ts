/**
 * `capflow data import` as a library call: read the file through DuckDB, turn it into daily
 * rows (every check first), then store it in one transaction. Nothing is written when
 * anything is rejected.
 */
import { toDailySeries, type DailyStats } from './daily.ts';
import { readImportFile, type FileFormat } from './read.ts';
import { withHistoryStore } from './store.ts';
import { checkImportSpec, type ImportSpec } from './spec.ts';

/**
 * What an import stored.
 *
 * @example const r: ImportResult = { kind: 'venue', name: 'aave', db: 'data.duckdb', file: 'aave.csv', firstDate: '2024-06-06', lastDate: '2025-06-05', days: 365, stats };
 */
export interface ImportResult {
  kind: ImportSpec['kind'];
  name: string;
  db: string;
  file: string;
  firstDate: string;
  lastDate: string;
  days: number;
  stats: DailyStats;
}

/**
 * Imports `file` into the history file `db` under `spec`.
 *
 * @example
 * await importHistory('data.duckdb', 'aave-v3_USDC_Ethereum.csv', { kind: 'venue', name: 'aave-usdc',
 *   map: { date: 'date', apy: 'apy_base', available: 'tvl' }, apyUnit: 'percent', rate: 'apr', resample: null,
 *   gaps: 'error', nulls: 'error', epoch: null, from: null, to: null });
 */
export async function importHistory(db: string, file: string, spec: ImportSpec, opts: { replace?: boolean; format?: FileFormat; now?: () => Date } = {}): Promise<ImportResult> {
  checkImportSpec(spec);
  const table = await readImportFile(file, spec.map, opts.format);
  const { series, stats } = toDailySeries(table, spec);
  const importedAt = (opts.now?.() ?? new Date()).toISOString();
  await withHistoryStore(db, (store) => store.writeSeries(spec, series, stats, file, { replace: opts.replace ?? false, importedAt }), { create: true });
  const n = series.dates.length;
  return { kind: spec.kind, name: spec.name, db, file, firstDate: series.dates[0], lastDate: series.dates[n - 1], days: n, stats };
}
