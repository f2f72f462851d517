/**
 * The reading half of the PostgreSQL ledger store (pgStore.ts): the same answers as the DuckDB
 * store's reads, row for row (most of them the shared SQL of storeReads.ts in this dialect; here
 * what PostgreSQL answers its own way). Amounts come back as decimal text (NUMERIC), times as epoch
 * milliseconds, and rows go through the DuckDB store's own row mapping (storeRows.ts), so both
 * stores build events and balance updates the same way.
 */
import type { DuckDBValue } from '@duckdb/node-api';
import type postgres from 'postgres';
import { msOf, PG_EVENT_COLUMNS } from './pgRows.ts';
import { StoredLedgerReads } from './storeReads.ts';
import type { StoreDialect, StoreParam } from './storeState.ts';
import { amountOf } from './storeRows.ts';
import { eventKey, type LedgerEvent } from './types.ts';

/** The one session a PostgreSQL store talks through. @example const conn: PgConn = await sql.reserve(); */
export type PgConn = postgres.ReservedSql;

/** PostgreSQL: NUMERIC amounts as text, times through {@link msOf}, text in byte order (COLLATE "C", as DuckDB sorts), `$n::type` parameters given as text. */
const PG_DIALECT: StoreDialect = {
  ms: msOf,
  amount: (c) => `${c}::text`,
  order: (c) => `${c} COLLATE "C"`,
  eventColumns: PG_EVENT_COLUMNS,
  param: (n, type) => `$${n}::${type}`,
  int: (x) => String(x),
};

/** A row as the shared row mapping takes it (values are text, numbers, booleans or null). */
type Row = DuckDBValue[];

/**
 * Reads of a PostgreSQL ledger; {@link PgLedgerStore} adds the session, the lock and the writes.
 *
 * @example class Store extends PgLedgerReads {}
 */
export class PgLedgerReads extends StoredLedgerReads {
  constructor(
    protected readonly conn: PgConn,
    where: string,
  ) {
    super(PG_DIALECT, where);
  }

  /** The rows of a query as arrays (parameters are text, typed by casts in the SQL). */
  protected async rows(sql: string, params: StoreParam[] = []): Promise<Row[]> {
    return (await this.conn.unsafe(sql, params.map((p) => (typeof p === 'bigint' ? String(p) : p))).values()) as unknown as Row[];
  }

  /** The schema version stored (0 for a database without a ledger). */
  async schemaVersion(): Promise<number> {
    const [[exists]] = await this.rows(`SELECT to_regclass('schema_version') IS NOT NULL`);
    if (exists !== true) return 0;
    const [[version]] = await this.rows('SELECT max(version) FROM schema_version');
    return Number(version ?? 0);
  }

  /**
   * The keys (`chainId:txHash:logIndex`) of those of `events` already stored, at any block: the
   * sync refuses them by name (exit 2) before the unique key would.
   *
   * @example const taken = await store.storedEventKeys(batch.map((s) => s.event));
   */
  async storedEventKeys(events: readonly LedgerEvent[]): Promise<Set<string>> {
    if (events.length === 0) return new Set();
    const chains = [...new Set(events.map((e) => e.chainId))].join(',');
    const hashes = [...new Set(events.map((e) => e.txHash))].join('\n'); // hashes hold no newline
    const rows = await this.rows("SELECT chain_id, tx_hash, log_index FROM events WHERE chain_id = ANY(string_to_array($1::text, ',')::bigint[]) AND tx_hash = ANY(string_to_array($2::text, chr(10)))", [chains, hashes]);
    return StoredLedgerReads.takenKeys(rows, new Set(events.map(eventKey)));
  }

  /** Σ quantity of the stored balance updates per `position\u0000asset` (summed exactly in NUMERIC), how many there are and their highest id. */
  async updateSums(): Promise<{ sums: Map<string, bigint>; count: number; maxId: number }> {
    const sums = new Map<string, bigint>();
    for (const [position, asset, sum] of await this.rows('SELECT position, asset, sum(quantity)::text FROM balance_updates GROUP BY position, asset')) sums.set(`${position}\u0000${asset}`, amountOf(sum));
    const [[count, maxId]] = await this.rows('SELECT count(*), coalesce(max(id), 0) FROM balance_updates');
    return { sums, count: Number(count), maxId: Number(maxId) };
  }
}
