/**
 * The reads both ledger stores answer with the same SQL (DuckDB, store.ts; PostgreSQL,
 * pgReads.ts), written once: each store supplies its query function and its
 * {@link StoreDialect} (placeholders, time and amount columns, byte-order sorting).
 */
import type { DuckDBValue } from '@duckdb/node-api';
import { readCounts, readDeployment, readLastUpdatedAt, readStoredState, requireDeployment, type StoreDialect, type StoreParam } from './storeState.ts';
import { isoOrNull, numOrNull, rowToEvent, rowToUpdate } from './storeRows.ts';
import type { TreasuryState } from './treasury.ts';
import { eventKey, type BalanceUpdate, type Deployment, type EventKind, type LedgerEvent, type LedgerFundVenue } from './types.ts';

/**
 * The shared reads of a ledger store; a store extends it with its connection, schema and writes.
 *
 * @example class MyStore extends StoredLedgerReads { protected rows(sql: string, params: StoreParam[] = []) { return run(sql, params); } }
 */
export abstract class StoredLedgerReads {
  constructor(
    protected readonly dialect: StoreDialect,
    /** what error messages name the store by (a path, or a URL without password) */
    protected readonly where: string,
  ) {}

  /** The rows of a query as arrays. */
  protected abstract rows(sql: string, params?: StoreParam[]): Promise<DuckDBValue[][]>;

  /** The recorded deployment, or null before `treasury init`. */
  protected findDeployment(): Promise<Deployment | null> {
    return readDeployment((sql) => this.rows(sql), this.dialect);
  }

  /** The deployment; a `UserError` when the ledger was never initialised. */
  async deployment(): Promise<Deployment> {
    return requireDeployment(await this.findDeployment(), this.where);
  }

  /** The books as of the last committed batch. */
  async loadState(): Promise<TreasuryState> {
    return readStoredState((sql) => this.rows(sql), this.dialect, await this.deployment(), await this.counts());
  }

  /** Stored events per kind. */
  counts(): Promise<Record<EventKind, number>> {
    return readCounts((sql) => this.rows(sql));
  }

  /** Wall-clock time of the last sync, or null. */
  lastUpdatedAt(): Promise<string | null> {
    return readLastUpdatedAt((sql) => this.rows(sql), this.dialect);
  }

  /** Those of the (chain_id, tx_hash, log_index) `rows` whose event key is `wanted`, as keys (for `storedEventKeys`). */
  protected static takenKeys(rows: DuckDBValue[][], wanted: ReadonlySet<string>): Set<string> {
    const taken = new Set<string>();
    for (const [chainId, txHash, logIndex] of rows) {
      const key = eventKey({ chainId: Number(chainId), txHash: String(txHash), logIndex: Number(logIndex) });
      if (wanted.has(key)) taken.add(key);
    }
    return taken;
  }

  /** The stored events with fromBlock ≤ blockNumber ≤ toBlock, by event key. */
  async storedEvents(fromBlock: number, toBlock: number): Promise<Map<string, LedgerEvent>> {
    const { eventColumns, param, int } = this.dialect;
    const out = new Map<string, LedgerEvent>();
    for (const row of await this.rows(`SELECT ${eventColumns} FROM events WHERE block_number BETWEEN ${param(1, 'bigint')} AND ${param(2, 'bigint')}`, [int(fromBlock), int(toBlock)])) {
      const event = rowToEvent(row);
      out.set(eventKey(event), event);
    }
    return out;
  }

  /** Every stored event in the order it was applied. */
  async eventsInOrder(): Promise<LedgerEvent[]> {
    return (await this.rows(`SELECT ${this.dialect.eventColumns} FROM events ORDER BY seq`)).map(rowToEvent);
  }

  /** Every stored event at or below `block`, in the order it was applied. */
  async eventsUpTo(block: number): Promise<LedgerEvent[]> {
    const { eventColumns, param, int } = this.dialect;
    return (await this.rows(`SELECT ${eventColumns} FROM events WHERE block_number <= ${param(1, 'bigint')} ORDER BY seq`, [int(block)])).map(rowToEvent);
  }

  /** Stored events and the highest sequence number (they should be equal). */
  async eventSeqs(): Promise<{ count: number; maxSeq: number }> {
    const [[count, maxSeq]] = await this.rows('SELECT count(*), coalesce(max(seq), 0) FROM events');
    return { count: Number(count), maxSeq: Number(maxSeq) };
  }

  /** The latest block time of the stored events (ISO-8601 UTC), or null when there are none. */
  async latestEventTime(): Promise<string | null> {
    const [[ms]] = await this.rows(`SELECT ${this.dialect.ms('max(timestamp)')} FROM events`);
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
    const { param, int } = this.dialect;
    const rows = await this.rows(
      `SELECT DISTINCT block_number, block_hash FROM events WHERE block_number <= ${param(1, 'bigint')} AND block_hash IS NOT NULL ORDER BY block_number DESC LIMIT ${param(2, 'bigint')}`,
      [int(block), int(limit)],
    );
    return rows.map(([n, h]) => ({ blockNumber: Number(n), blockHash: String(h) }));
  }

  /**
   * Balance updates, newest `limit` in id order, optionally of one cause, with how many match.
   *
   * @example const { updates, total } = await store.history({ cause: 'interest', limit: 20 });
   */
  async history(opts: { cause?: EventKind; limit?: number } = {}): Promise<{ updates: BalanceUpdate[]; total: number }> {
    const { ms, amount, param, int } = this.dialect;
    const where = opts.cause === undefined ? '' : `WHERE u.cause = ${param(1, 'text')}`;
    const params: StoreParam[] = opts.cause === undefined ? [] : [opts.cause];
    const [[total]] = await this.rows(`SELECT count(*) FROM balance_updates u ${where}`, params);
    const rows = await this.rows(
      `SELECT * FROM (SELECT u.id, u.event_seq, u.cause, u.position, u.asset, ${amount('u.quantity')}, ${amount('u.previous_balance')}, u.value_usd, e.chain_id,
         e.block_number, e.tx_hash, e.log_index, e.owner, ${ms('e.timestamp')}, e.cycle, coalesce(e.reason, e.notes), e.block_hash
       FROM balance_updates u JOIN events e ON e.seq = u.event_seq ${where}
       ORDER BY u.id DESC LIMIT ${param(params.length + 1, 'bigint')}) AS newest ORDER BY id`,
      [...params, int(opts.limit ?? 100)],
    );
    return { updates: rows.map(rowToUpdate), total: Number(total) };
  }

  /** A fund ledger's venues (position, venue kind, address, asset), by position; none for a vault's ledger. */
  async fundVenues(): Promise<LedgerFundVenue[]> {
    const rows = await this.rows(`SELECT position, kind, address, asset FROM fund_venues ORDER BY ${this.dialect.order('position')}`);
    return rows.map(([position, kind, address, asset]) => ({ position: String(position), kind: String(kind) as LedgerFundVenue['kind'], address: String(address), asset: asset === null ? null : String(asset) }));
  }
}
