/**
 * Reads an import file through DuckDB's own readers (`read_csv`, `read_json` for JSON lines,
 * `read_parquet`): quoted fields and any column order come for free. CSV cells arrive as text
 * (parsed strictly in `cells.ts`, so a bad cell names its row); Parquet and JSON cells arrive
 * typed. Only the mapped columns are read.
 */
import { existsSync } from 'node:fs';
import { extname } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openDuckDb } from '../core/duckdb.ts';
import { firstErrorLine, UserError } from '../core/errors.ts';
import type { Cell, TimeKind } from './cells.ts';
import type { RawTable, ValueField } from './daily.ts';
import type { MappedField } from './spec.ts';

/** File formats an import reads (`json`: JSON lines or one array of objects). @example const f: FileFormat = 'parquet'; */
export type FileFormat = 'csv' | 'jsonl' | 'json' | 'parquet';

const EXTENSIONS: Record<string, FileFormat> = { '.csv': 'csv', '.tsv': 'csv', '.txt': 'csv', '.jsonl': 'jsonl', '.ndjson': 'jsonl', '.json': 'json', '.parquet': 'parquet' };

/**
 * The format of `file` from its extension (or `declared`, from `--format`).
 *
 * @example fileFormat('x.parquet') // 'parquet'
 */
export function fileFormat(file: string, declared?: FileFormat): FileFormat {
  if (declared !== undefined) return declared;
  const format = EXTENSIONS[extname(file).toLowerCase()];
  if (format === undefined) {
    throw new UserError({ field: '<file>', value: file, message: `cannot tell the format of ${file} from its extension`, hint: 'name it .csv, .jsonl, .json or .parquet, or pass --format csv|jsonl|json|parquet' });
  }
  return format;
}

function sqlText(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

function ident(s: string): string {
  return `"${s.replaceAll('"', '""')}"`;
}

function readerSql(file: string, format: FileFormat): string {
  switch (format) {
    case 'csv':
      return `read_csv(${sqlText(file)}, header = true, all_varchar = true)`;
    case 'jsonl':
      return `read_json(${sqlText(file)}, format = 'newline_delimited')`;
    case 'json':
      return `read_json(${sqlText(file)}, format = 'auto')`;
    case 'parquet':
      return `read_parquet(${sqlText(file)})`;
  }
}

const TIME_TYPES = /^(DATE|TIMESTAMP|TIMESTAMP_NS|TIMESTAMP_MS|TIMESTAMP_S|DATETIME)$/;
const NUMBER_TYPES = /^(DOUBLE|FLOAT|REAL|DECIMAL.*|(U?(TINY|SMALL|BIG|HUGE)?INT(EGER)?)|INTEGER|BIGINT|HUGEINT|UBIGINT|UHUGEINT)$/;

function selectExpr(column: string, type: string, isTime: boolean, file: string): { expr: string; kind: TimeKind } {
  const c = ident(column);
  if (isTime && TIME_TYPES.test(type)) return { expr: `epoch_ms(CAST(${c} AS TIMESTAMP))::DOUBLE`, kind: 'epochMs' };
  if (isTime && type === 'TIMESTAMP WITH TIME ZONE') return { expr: `epoch_ms(${c})::DOUBLE`, kind: 'epochMs' };
  if (NUMBER_TYPES.test(type)) return { expr: `CAST(${c} AS DOUBLE)`, kind: 'number' };
  if (type === 'VARCHAR' || type === 'JSON') return { expr: `CAST(${c} AS VARCHAR)`, kind: 'text' };
  throw new UserError({ field: '--map', value: column, message: `column ${JSON.stringify(column)} of ${file} has type ${type}, not a number${isTime ? ' or a time' : ''}`, hint: 'map another column' });
}

async function describe(conn: DuckDBConnection, from: string, file: string): Promise<Map<string, string>> {
  try {
    const rows = (await conn.runAndReadAll(`DESCRIBE SELECT * FROM ${from}`)).getRows();
    return new Map(rows.map((r) => [String(r[0]), String(r[1])]));
  } catch (e) {
    throw new UserError({ field: '<file>', value: file, message: `cannot read ${file}: ${firstErrorLine(e)}`, hint: 'is it the format its extension says?' });
  }
}

function resolveColumn(columns: Map<string, string>, wanted: string, field: MappedField, file: string): string {
  if (columns.has(wanted)) return wanted;
  const folded = [...columns.keys()].filter((c) => c.toLowerCase() === wanted.toLowerCase());
  if (folded.length === 1) return folded[0];
  throw new UserError({ field: '--map', value: wanted, message: `${field}: no column ${JSON.stringify(wanted)} in ${file}; its columns are ${[...columns.keys()].join(', ')}`, hint: `map ${field}=<one of those>` });
}

/**
 * Reads the mapped columns of `file` (one cell per data row, in file order).
 *
 * @example const table = await readImportFile('aave.csv', { date: 'date', apy: 'apy_base' }); table.rows // 365
 */
export async function readImportFile(file: string, map: Partial<Record<MappedField, string>>, format?: FileFormat): Promise<RawTable> {
  if (!existsSync(file)) throw new UserError({ field: '<file>', value: file, message: `no file ${file}`, hint: 'check the path' });
  const from = readerSql(file, fileFormat(file, format));
  const instance = await openDuckDb(':memory:', undefined, { field: '<file>', action: 'open', hint: 'DuckDB could not start' });
  const conn = await instance.connect();
  try {
    await conn.run(`SET TimeZone = 'UTC'`);
    const columns = await describe(conn, from, file);
    const fields = Object.entries(map) as [MappedField, string][];
    const parts = fields.map(([field, wanted]) => {
      const column = resolveColumn(columns, wanted, field, file);
      return { field, column, ...selectExpr(column, columns.get(column) ?? '', field === 'date', file) };
    });
    let rows: unknown[][];
    try {
      rows = (await conn.runAndReadAll(`SELECT ${parts.map((p) => p.expr).join(', ')} FROM ${from}`)).getRows();
    } catch (e) {
      throw new UserError({ field: '<file>', value: file, message: `cannot read ${file}: ${firstErrorLine(e)}`, hint: 'check the file is well formed' });
    }
    const cellsOf = (i: number): Cell[] => rows.map((r) => toCell(r[i]));
    const timeIndex = parts.findIndex((p) => p.field === 'date');
    const table: RawTable = { rows: rows.length, time: { column: parts[timeIndex].column, kind: parts[timeIndex].kind, cells: cellsOf(timeIndex) }, fields: {} };
    parts.forEach((p, i) => {
      if (p.field !== 'date') table.fields[p.field as ValueField] = { column: p.column, cells: cellsOf(i) };
    });
    return table;
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

function toCell(v: unknown): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'string') return v;
  if (typeof v === 'bigint') return Number(v);
  return String(v);
}
