/**
 * The reading half of the PostgreSQL ledger store (pgStore.ts): the same answers as the DuckDB
 * store's reads, row for row. Amounts come back as decimal text (NUMERIC), times as epoch
 * milliseconds, and rows go through the DuckDB store's own row mapping (storeRows.ts), so both
 * stores build events and balance updates the same way.
 */
import type { DuckDBValue } from '@duckdb/node-api';
import type postgres from 'postgres';
import { UserError } from '../core/errors.ts';
import { msOf, PG_EVENT_COLUMNS } from './pgRows.ts';
import { readCounts, readDeployment, readLastUpdatedAt, readStoredState, requireDeployment, type StoreDialect } from './storeState.ts';
import type { TreasuryState } from './treasury.ts';
import { amountOf, isoOrNull, numOrNull, rowToEvent, rowToUpdate } from './storeRows.ts';
import { eventKey, type BalanceUpdate, type Deployment, type EventKind, type LedgerEvent, type LedgerFundVenue } from './types.ts';

/** The one session a PostgreSQL store talks through. @example const conn: PgConn = await sql.reserve(); */
export type PgConn = postgres.ReservedSql;

/** PostgreSQL: NUMERIC amounts as text, times through {@link msOf}, text in byte order (COLLATE "C", as DuckDB sorts). */
const PG_DIALECT: StoreDialect = { ms: msOf, amount: (c) => `${c}::text`, order: (c) => `${c} COLLATE "C"` };

/** A row as the shared row mapping takes it (values are text, numbers, booleans or null). */
type Row = DuckDBValue[];

/**
 * Reads of a PostgreSQL ledger; {@link PgLedgerStore} adds the session, the lock and the writes.
 *
 * @example class Store extends PgLedgerReads {}
 */
export class PgLedgerReads {
  constructor(
    protected readonly conn: PgConn,
    private readonly where: string,
  ) {}

  /** The rows of a query as arrays (parameters are text, typed by casts in the SQL). */
  protected async rows(sql: string, params: (string | null)[] = []): Promise<Row[]> {
    return (await this.conn.unsafe(sql, params).values()) as unknown as Row[];
  }

  /** The schema version stored (0 for a database without a ledger). */
  async schemaVersion(): Promise<number> {
    const [[exists]] = await this.rows(`SELECT to_regclass('schema_version') IS NOT NULL`);
    if (exists !== true) return 0;
    const [[version]] = await this.rows('SELECT max(version) FROM schema_version');
    return Number(version ?? 0);
  }

  protected findDeployment(): Promise<Deployment | null> {
    return readDeployment((sql) => this.rows(sql), PG_DIALECT);
  }

  /** The deployment; a {@link UserError} when the ledger was never initialised. */
  async deployment(): Promise<Deployment> {
    return requireDeployment(await this.findDeployment(), this.where);
  }

  /** The books as of the last committed batch. */
  async loadState(): Promise<TreasuryState> {
    return readStoredState((sql) => this.rows(sql), PG_DIALECT, await this.deployment(), await this.counts());
  }

  /** Stored events per kind. */
  counts(): Promise<Record<EventKind, number>> {
    return readCounts((sql) => this.rows(sql));
  }

  /** Wall-clock time of the last sync, or null. */
  lastUpdatedAt(): Promise<string | null> {
    return readLastUpdatedAt((sql) => this.rows(sql), PG_DIALECT);
  }

  /** The stored events with fromBlock ≤ blockNumber ≤ toBlock, by event key. */
  async storedEvents(fromBlock: number, toBlock: number): Promise<Map<string, LedgerEvent>> {
    const out = new Map<string, LedgerEvent>();
    for (const row of await this.rows(`SELECT ${PG_EVENT_COLUMNS} FROM events WHERE block_number BETWEEN $1::bigint AND $2::bigint`, [String(fromBlock), String(toBlock)])) {
      const event = rowToEvent(row);
      out.set(eventKey(event), event);
    }
    return out;
  }

  /**
   * The keys (`chainId:txHash:logIndex`) of those of `events` already stored, at any block: the
   * sync refuses them by name (exit 2) before the unique key would.
   *
   * @example const taken = await store.storedEventKeys(batch.map((s) => s.event));
   */
  async storedEventKeys(events: readonly LedgerEvent[]): Promise<Set<string>> {
    const taken = new Set<string>();
    if (events.length === 0) return taken;
    const wanted = new Set(events.map(eventKey));
    const chains = [...new Set(events.map((e) => e.chainId))].join(',');
    const hashes = [...new Set(events.map((e) => e.txHash))].join('\n'); // hashes hold no newline
    const rows = await this.rows("SELECT chain_id, tx_hash, log_index FROM events WHERE chain_id = ANY(string_to_array($1::text, ',')::bigint[]) AND tx_hash = ANY(string_to_array($2::text, chr(10)))", [chains, hashes]);
    for (const [chainId, txHash, logIndex] of rows) {
      const key = eventKey({ chainId: Number(chainId), txHash: String(txHash), logIndex: Number(logIndex) });
      if (wanted.has(key)) taken.add(key);
    }
    return taken;
  }

  /** Every stored event in the order it was applied. */
  async eventsInOrder(): Promise<LedgerEvent[]> {
    return (await this.rows(`SELECT ${PG_EVENT_COLUMNS} FROM events ORDER BY seq`)).map(rowToEvent);
  }

  /** Every stored event at or below `block`, in the order it was applied. */
  async eventsUpTo(block: number): Promise<LedgerEvent[]> {
    return (await this.rows(`SELECT ${PG_EVENT_COLUMNS} FROM events WHERE block_number <= $1::bigint ORDER BY seq`, [String(block)])).map(rowToEvent);
  }

  /** Stored events and the highest sequence number (they should be equal). */
  async eventSeqs(): Promise<{ count: number; maxSeq: number }> {
    const [[count, maxSeq]] = await this.rows('SELECT count(*), coalesce(max(seq), 0) FROM events');
    return { count: Number(count), maxSeq: Number(maxSeq) };
  }

  /** Σ quantity of the stored balance updates per `position\u0000asset` (summed exactly in NUMERIC), how many there are and their highest id. */
  async updateSums(): Promise<{ sums: Map<string, bigint>; count: number; maxId: number }> {
    const sums = new Map<string, bigint>();
    for (const [position, asset, sum] of await this.rows('SELECT position, asset, sum(quantity)::text FROM balance_updates GROUP BY position, asset')) sums.set(`${position}\u0000${asset}`, amountOf(sum));
    const [[count, maxId]] = await this.rows('SELECT count(*), coalesce(max(id), 0) FROM balance_updates');
    return { sums, count: Number(count), maxId: Number(maxId) };
  }

  /** The latest block time of the stored events (ISO-8601 UTC), or null when there are none. */
  async latestEventTime(): Promise<string | null> {
    const [[ms]] = await this.rows(`SELECT ${msOf('max(timestamp)')} FROM events`);
    return isoOrNull(ms);
  }

  /** Highest stored event block, or null. */
  async maxEventBlock(): Promise<number | null> {
    const [[b]] = await this.rows('SELECT max(block_number) FROM events');
    return numOrNull(b);
  }

  /**
   * The distinct (block, hash) pairs of stored events at or below `block`, highest first, at
   * most `limit` of them: where a reorganisation is looked for.
   *
   * @example const blocks = await store.storedBlockHashes(120, 50);
   */
  async storedBlockHashes(block: number, limit: number): Promise<{ blockNumber: number; blockHash: string }[]> {
    const rows = await this.rows(
      'SELECT DISTINCT block_number, block_hash FROM events WHERE block_number <= $1::bigint AND block_hash IS NOT NULL ORDER BY block_number DESC LIMIT $2::bigint',
      [String(block), String(limit)],
    );
    return rows.map(([n, h]) => ({ blockNumber: Number(n), blockHash: String(h) }));
  }

  /**
   * Balance updates, newest `limit` in id order, optionally of one cause, with how many match.
   *
   * @example const { updates, total } = await store.history({ cause: 'interest', limit: 20 });
   */
  async history(opts: { cause?: EventKind; limit?: number } = {}): Promise<{ updates: BalanceUpdate[]; total: number }> {
    const where = opts.cause === undefined ? '' : 'WHERE u.cause = $1::text';
    const params = opts.cause === undefined ? [] : [opts.cause];
    const [[total]] = await this.rows(`SELECT count(*) FROM balance_updates u ${where}`, params);
    const rows = await this.rows(
      `SELECT * FROM (SELECT u.id, u.event_seq, u.cause, u.position, u.asset, u.quantity::text, u.previous_balance::text, u.value_usd, e.chain_id,
         e.block_number, e.tx_hash, e.log_index, e.owner, ${msOf('e.timestamp')}, e.cycle, coalesce(e.reason, e.notes), e.block_hash
       FROM balance_updates u JOIN events e ON e.seq = u.event_seq ${where}
       ORDER BY u.id DESC LIMIT $${params.length + 1}::bigint) AS newest ORDER BY id`,
      [...params, String(opts.limit ?? 100)],
    );
    return { updates: rows.map(rowToUpdate), total: Number(total) };
  }

  /** A fund ledger's venues (position, venue kind, address, asset), by position; none for a vault's ledger. */
  async fundVenues(): Promise<LedgerFundVenue[]> {
    const rows = await this.rows('SELECT position, kind, address, asset FROM fund_venues ORDER BY position COLLATE "C"');
    return rows.map(([position, kind, address, asset]) => ({ position: String(position), kind: String(kind) as LedgerFundVenue['kind'], address: String(address), asset: asset === null ? null : String(asset) }));
  }
}
