/**
 * Every table of a ledger, read straight from the database (not through the store under test)
 * as canonical text rows: amounts as decimal text, times as epoch milliseconds, numbers and
 * booleans as text, NULL as `NULL`, each row `col=value|…`, rows sorted. A DuckDB file and a
 * PostgreSQL database holding the same ledger give equal dumps.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import postgres from 'postgres';

/** Table → its rows as canonical text lines (sorted). `schema_version` keeps only the current version. */
export type LedgerDump = Record<string, string[]>;

const TABLES = ['deployment', 'treasury_state', 'accounting_state', 'interest_sync', 'holdings', 'redemptions', 'share_balances', 'deposit_requests', 'fund_venues', 'events', 'balance_updates'];

function line(columns: string[], row: unknown[]): string {
  return columns.map((c, i) => `${c}=${row[i] === null ? 'NULL' : String(row[i])}`).join('|');
}

/** Every ledger table of a DuckDB file (opened read-only). */
export async function dumpDuckDbLedger(file: string): Promise<LedgerDump> {
  const db = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
  const con = await db.connect();
  try {
    const out: LedgerDump = {};
    for (const table of TABLES) {
      const cols = (await con.runAndReadAll(`SELECT column_name, data_type FROM information_schema.columns WHERE table_name = '${table}' ORDER BY column_name`)).getRows();
      const names = cols.map(([n]) => String(n));
      const select = cols.map(([n, t]) => (String(t).startsWith('TIMESTAMP') ? `epoch_ms("${n}")` : `"${n}"`)).join(', ');
      out[table] = (await con.runAndReadAll(`SELECT ${select} FROM ${table}`)).getRows().map((r) => line(names, r)).sort();
    }
    out.schema_version = (await con.runAndReadAll('SELECT max(version) FROM schema_version')).getRows().map((r) => String(r[0]));
    return out;
  } finally {
    con.closeSync();
    db.closeSync();
  }
}

/** Every ledger table of a PostgreSQL database. */
export async function dumpPgLedger(url: string): Promise<LedgerDump> {
  const sql = postgres(url, { max: 1, onnotice: () => undefined });
  try {
    const out: LedgerDump = {};
    for (const table of TABLES) {
      const cols = await sql.unsafe(`SELECT column_name, data_type FROM information_schema.columns WHERE table_name = $1 AND table_schema = current_schema() ORDER BY column_name`, [table]).values();
      const names = cols.map(([n]) => String(n));
      const select = cols
        .map(([n, t]) => (String(t).startsWith('timestamp') ? `(extract(epoch from "${n}") * 1000)::bigint` : String(t) === 'numeric' ? `"${n}"::text` : `"${n}"`))
        .join(', ');
      out[table] = (await sql.unsafe(`SELECT ${select} FROM ${table}`).values()).map((r) => line(names, r)).sort();
    }
    out.schema_version = (await sql.unsafe('SELECT max(version) FROM schema_version').values()).map((r) => String(r[0]));
    return out;
  } finally {
    await sql.end({ timeout: 5 });
  }
}
