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
import { createTreasury, treasuryConfigOf, zeroCounts, type TreasuryState } from './treasury.ts';
import { amountOf, isoOrNull, numOrNull, parseDistribution, rowToEvent, rowToUpdate } from './storeRows.ts';
import { countsInNav, EVENT_KINDS, PENDING_POSITION, eventKey, type BalanceUpdate, type Deployment, type EventKind, type LedgerEvent, type LedgerFundVenue } from './types.ts';

/** The one session a PostgreSQL store talks through. @example const conn: PgConn = await sql.reserve(); */
export type PgConn = postgres.ReservedSql;

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

  protected async findDeployment(): Promise<Deployment | null> {
    const rows = await this.rows(
      `SELECT chain_id, address, deployment_block, tx_hash, ${msOf('block_time')}, name, symbol, asset_symbol, asset_decimals, share_decimals, ${msOf('initialised_at')},
         asset_address, async_redeem, async_deposit, kind FROM deployment`,
    );
    if (rows.length === 0) return null;
    const [chainId, address, block, txHash, blockTime, name, symbol, assetSymbol, assetDecimals, shareDecimals, initialisedAt, assetAddress, asyncRedeem, asyncDeposit, kind] = rows[0];
    return {
      chainId: Number(chainId),
      address: String(address),
      deploymentBlock: Number(block),
      txHash: txHash === null ? null : String(txHash),
      blockTime: isoOrNull(blockTime),
      name: String(name),
      symbol: String(symbol),
      assetSymbol: String(assetSymbol),
      assetDecimals: Number(assetDecimals),
      shareDecimals: Number(shareDecimals),
      initialisedAt: isoOrNull(initialisedAt) ?? '',
      assetAddress: assetAddress === null ? null : String(assetAddress),
      asyncRedeem: asyncRedeem === true,
      asyncDeposit: asyncDeposit === true,
      kind: kind === 'fund' ? 'fund' : 'vault',
    };
  }

  /** The deployment; a {@link UserError} when the ledger was never initialised. */
  async deployment(): Promise<Deployment> {
    const d = await this.findDeployment();
    if (d === null) throw new UserError({ field: '--db', value: this.where, message: `${this.where} has no deployment`, hint: 'run `capflow treasury init` first' });
    return d;
  }

  /** The books as of the last committed batch. */
  async loadState(): Promise<TreasuryState> {
    const d = await this.deployment();
    const state = createTreasury(treasuryConfigOf(d));
    const [t] = await this.rows(`SELECT last_block_scanned, total_shares::text, next_update_id, last_cycle, ${msOf('last_cycle_at')}, last_block_hash FROM treasury_state`);
    state.lastBlockScanned = numOrNull(t[0]);
    state.lastBlockHash = t[5] === null ? null : String(t[5]);
    state.totalShares = amountOf(t[1]);
    state.nextUpdateId = Number(t[2]);
    state.lastCycle = numOrNull(t[3]);
    state.lastCycleAt = isoOrNull(t[4]);
    const [a] = await this.rows(`SELECT last_correction_block, ${msOf('last_correction_at')} FROM accounting_state`);
    state.lastCorrectionBlock = numOrNull(a[0]);
    state.lastCorrectionAt = isoOrNull(a[1]);
    const [i] = await this.rows(`SELECT last_sync_block, ${msOf('last_sync_at')}, last_distribution FROM interest_sync`);
    state.lastInterestSyncBlock = numOrNull(i[0]);
    state.lastInterestSyncAt = isoOrNull(i[1]);
    state.lastDistribution = i[2] === null ? null : parseDistribution(String(i[2]));
    for (const [position, asset, quantity] of await this.rows('SELECT position, asset, quantity::text FROM holdings ORDER BY position COLLATE "C", asset COLLATE "C"')) {
      const p = String(position);
      if (!state.holdings.has(p)) state.holdings.set(p, new Map());
      const q = amountOf(quantity);
      state.holdings.get(p)?.set(String(asset), q);
      if (countsInNav(p)) state.totalAssets += q;
      else if (p === PENDING_POSITION) state.pendingShares += q;
    }
    const redemptions = await this.rows('SELECT owner, pending_shares::text, claimable_shares::text, claimable_assets::text FROM redemptions ORDER BY owner COLLATE "C"');
    for (const [owner, pending, claimableShares, claimableAssets] of redemptions) {
      state.redemptions.set(String(owner), { pendingShares: amountOf(pending), claimableShares: amountOf(claimableShares), claimableAssets: amountOf(claimableAssets) });
    }
    for (const [holder, shares] of await this.rows('SELECT holder, shares::text FROM share_balances ORDER BY holder COLLATE "C"')) state.shareBalances.set(String(holder), amountOf(shares));
    const deposits = await this.rows('SELECT controller, pending_assets::text, claimable_assets::text, claimable_shares::text FROM deposit_requests ORDER BY controller COLLATE "C"');
    for (const [controller, pending, claimableAssets, claimableShares] of deposits) {
      state.deposits.set(String(controller), { pendingAssets: amountOf(pending), claimableAssets: amountOf(claimableAssets), claimableShares: amountOf(claimableShares) });
    }
    state.counts = await this.counts();
    state.eventsApplied = Object.values(state.counts).reduce((sum, n) => sum + n, 0);
    return state;
  }

  /** Stored events per kind. */
  async counts(): Promise<Record<EventKind, number>> {
    const counts = zeroCounts();
    for (const [kind, n] of await this.rows('SELECT kind, count(*) FROM events GROUP BY kind')) {
      if ((EVENT_KINDS as readonly string[]).includes(String(kind))) counts[String(kind) as EventKind] = Number(n);
    }
    return counts;
  }

  /** Wall-clock time of the last sync, or null. */
  async lastUpdatedAt(): Promise<string | null> {
    const [[ms]] = await this.rows(`SELECT ${msOf('last_updated_at')} FROM treasury_state`);
    return isoOrNull(ms);
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
