/**
 * What kind of DuckDB file a path holds — a treasury ledger, fund results, a run's result
 * table — found without changing it: the header is read as bytes, the tables through a
 * read-only connection. Commands check it before a store opens the file, so a file of the
 * wrong kind is refused (exit 2) and left exactly as it was.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { duckDbApi } from './duckdb.ts';
import { UserError } from './errors.ts';

/** The kinds of file capflow writes, and what else a path can hold. */
export type DuckDbFileKind = 'missing' | 'not-duckdb' | 'empty' | 'ledger' | 'fund-results' | 'results' | 'other' | 'locked';

/** What {@link inspectDuckDbFile} found. */
export interface DuckDbFileInfo {
  kind: DuckDbFileKind;
  /** Tables in the file (empty unless it could be read). */
  tables: string[];
}

/** DuckDB's file magic: bytes 8..11 of the main header. */
const MAGIC = 'DUCK';

function hasDuckDbHeader(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(12);
    const n = readSync(fd, buf, 0, 12, 0);
    return n === 12 && buf.subarray(8, 12).toString('latin1') === MAGIC;
  } finally {
    closeSync(fd);
  }
}

/**
 * The kind of DuckDB file at `path`, read without writing to it.
 *
 * @example (await inspectDuckDbFile('fund.duckdb')).kind // 'ledger'
 */
export async function inspectDuckDbFile(path: string): Promise<DuckDbFileInfo> {
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch {
    return { kind: 'missing', tables: [] };
  }
  if (!isFile || !hasDuckDbHeader(path)) return { kind: 'not-duckdb', tables: [] };
  const { DuckDBInstance } = await duckDbApi();
  let instance;
  try {
    instance = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
  } catch (e) {
    const text = e instanceof Error ? e.message : String(e);
    return { kind: /lock/i.test(text) ? 'locked' : 'not-duckdb', tables: [] };
  }
  try {
    const conn = await instance.connect();
    try {
      const reader = await conn.runAndReadAll("SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY table_name");
      const tables = reader.getRows().map((r) => String(r[0]));
      return { kind: kindOfTables(tables), tables };
    } finally {
      conn.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}

/**
 * The kind of file a table list makes.
 *
 * @example kindOfTables(['deployment', 'treasury_state', 'events']) // 'ledger'
 */
export function kindOfTables(tables: readonly string[]): DuckDbFileKind {
  const has = new Set(tables);
  if (tables.length === 0) return 'empty';
  if (has.has('deployment') && has.has('treasury_state')) return 'ledger';
  if (has.has('fund_meta')) return 'fund-results';
  if (has.has('results')) return 'results';
  return 'other';
}

const DESCRIPTIONS: Record<DuckDbFileKind, string> = {
  missing: 'no file',
  'not-duckdb': 'not a DuckDB database',
  empty: 'an empty DuckDB database',
  ledger: 'a treasury ledger (capflow treasury init)',
  'fund-results': 'fund results (capflow run <fund scenario> --out)',
  results: 'a result table (capflow run --out)',
  other: 'a DuckDB database capflow did not write',
  locked: 'a DuckDB database another process holds open for writing',
};

/**
 * Throws a {@link UserError} naming `field` unless the file at `path` is of one of the
 * `expected` kinds; the file is not changed either way. A file another process is writing
 * (`locked`) passes: the store that opens it next says what it can do.
 *
 * @example await expectDuckDbKind('fund.duckdb', ['ledger'], '--db', 'a treasury ledger', 'run `capflow treasury init` first')
 */
export async function expectDuckDbKind(path: string, expected: readonly DuckDbFileKind[], field: string, what: string, hint: string): Promise<DuckDbFileInfo> {
  const info = await inspectDuckDbFile(path);
  if (info.kind === 'locked' || expected.includes(info.kind)) return info;
  const tables = info.tables.length > 0 ? ` (tables: ${info.tables.slice(0, 6).join(', ')}${info.tables.length > 6 ? ', …' : ''})` : '';
  throw new UserError({ field, value: path, message: `expected ${what}, but ${path} is ${DESCRIPTIONS[info.kind]}${tables}; it was not changed`, hint });
}
