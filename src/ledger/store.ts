/**
 * The ledger's DuckDB store: a versioned schema with migrations, one transaction per sync
 * batch (its events, its balance updates, the books' snapshot and the cursor move together),
 * quantities as HUGEINT (never floating point), and a unique key (chainId, txHash, logIndex)
 * on events.
 */
import { existsSync } from 'node:fs';
import type { DuckDBAppender, DuckDBConnection, DuckDBInstance, DuckDBTimestampValue, DuckDBValue } from '@duckdb/node-api';
import { duckDbApi, openDuckDb } from '../core/duckdb.ts';
import { UserError } from '../core/errors.ts';
import type { SourcedEvent } from './feed.ts';
import { createTreasury, treasuryConfigOf, zeroCounts, type InterestDistribution, type TreasuryState } from './treasury.ts';
import {
  EVENT_KINDS,
  PENDING_POSITION,
  eventKey,
  type BalanceUpdate,
  type CorrectionEvent,
  type Deployment,
  type DepositEvent,
  type EventKind,
  type InterestEvent,
  type LedgerEvent,
  type SettleEvent,
} from './types.ts';

/** Where the CLI keeps the ledger unless `--db` says otherwise. */
export const DEFAULT_DB_PATH = './capflow.duckdb';

/** Schema migrations, applied in order; the store's version is the last one applied. */
const MIGRATIONS: readonly { version: number; statements: readonly string[] }[] = [
  {
    version: 1,
    statements: [
      `CREATE TABLE deployment (chain_id BIGINT NOT NULL, address VARCHAR NOT NULL, deployment_block BIGINT NOT NULL, tx_hash VARCHAR,
        block_time TIMESTAMP, name VARCHAR NOT NULL, symbol VARCHAR NOT NULL, asset_symbol VARCHAR NOT NULL,
        asset_decimals INTEGER NOT NULL, share_decimals INTEGER NOT NULL, initialised_at TIMESTAMP NOT NULL)`,
      `CREATE TABLE treasury_state (last_updated_at TIMESTAMP, last_cycle BIGINT, last_cycle_at TIMESTAMP,
        last_block_scanned BIGINT NOT NULL, total_shares HUGEINT NOT NULL, next_update_id BIGINT NOT NULL)`,
      `CREATE TABLE accounting_state (last_correction_block BIGINT, last_correction_at TIMESTAMP)`,
      `CREATE TABLE interest_sync (last_sync_at TIMESTAMP, last_sync_block BIGINT, last_distribution VARCHAR)`,
      `CREATE TABLE holdings (position VARCHAR NOT NULL, asset VARCHAR NOT NULL, quantity HUGEINT NOT NULL, PRIMARY KEY (position, asset))`,
      `CREATE TABLE redemptions (owner VARCHAR PRIMARY KEY, pending_shares HUGEINT NOT NULL, claimable_shares HUGEINT NOT NULL, claimable_assets HUGEINT NOT NULL)`,
      `CREATE TABLE events (seq BIGINT NOT NULL, chain_id BIGINT NOT NULL, tx_hash VARCHAR NOT NULL, log_index INTEGER NOT NULL,
        block_number BIGINT NOT NULL, timestamp TIMESTAMP NOT NULL, kind VARCHAR NOT NULL, owner VARCHAR,
        assets HUGEINT, shares HUGEINT, nav_per_share HUGEINT, asset VARCHAR, balance HUGEINT, force BOOLEAN,
        quantity HUGEINT, reason VARCHAR, position VARCHAR, cycle BIGINT, price_usd DOUBLE, notes VARCHAR,
        PRIMARY KEY (chain_id, tx_hash, log_index))`,
      `CREATE TABLE balance_updates (id BIGINT NOT NULL, event_seq BIGINT NOT NULL, cause VARCHAR NOT NULL, position VARCHAR NOT NULL,
        asset VARCHAR NOT NULL, quantity HUGEINT NOT NULL, previous_balance HUGEINT NOT NULL, value_usd DOUBLE)`,
    ],
  },
];

/** The schema version this code writes. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

/** What one sync batch writes. */
export interface LedgerBatch {
  events: readonly SourcedEvent[];
  updates: readonly BalanceUpdate[];
  /** The books after the batch (its `lastBlockScanned` is the new cursor). */
  state: TreasuryState;
  /** Wall-clock time of the sync (ISO-8601 UTC). */
  syncedAt: string;
}

function toMs(iso: string): bigint {
  return BigInt(Date.parse(iso));
}

/** Set by {@link LedgerStore.open}: DuckDB's timestamp value class (the module loads lazily). */
let TimestampValue: typeof DuckDBTimestampValue | undefined;

function timestampValue(iso: string): DuckDBTimestampValue {
  if (TimestampValue === undefined) throw new Error('DuckDB is not loaded: open a LedgerStore first');
  return new TimestampValue(toMs(iso) * 1000n);
}

function isoOrNull(ms: DuckDBValue): string | null {
  return ms === null ? null : new Date(Number(ms)).toISOString();
}

function numOrNull(v: DuckDBValue): number | null {
  return v === null ? null : Number(v);
}

/**
 * A ledger file. Open with {@link LedgerStore.open}; close with {@link LedgerStore.close}.
 *
 * @example
 * const store = await LedgerStore.open('capflow.duckdb');
 * try { console.log(await store.counts()); } finally { store.close(); }
 */
export class LedgerStore {
  readonly path: string;
  private readonly instance: DuckDBInstance;
  private readonly conn: DuckDBConnection;

  private constructor(path: string, instance: DuckDBInstance, conn: DuckDBConnection) {
    this.path = path;
    this.instance = instance;
    this.conn = conn;
  }

  /**
   * Opens (with `create`, creates) a ledger file and brings its schema up to date.
   * A missing file without `create`, a file held by another process, or a newer schema than
   * this code knows are {@link UserError}s naming `--db`.
   */
  static async open(path: string, opts: { create?: boolean } = {}): Promise<LedgerStore> {
    if (!opts.create && !existsSync(path)) {
      throw new UserError({ field: '--db', value: path, message: `no ledger at ${path}`, hint: 'run `capflow treasury init` first, or pass --db <path>' });
    }
    TimestampValue = (await duckDbApi()).DuckDBTimestampValue;
    const instance = await openDuckDb(path, undefined, { field: '--db', action: 'open', hint: 'is another capflow process using it?' });
    const store = new LedgerStore(path, instance, await instance.connect());
    try {
      // checkpoint when the store is closed rather than in the middle of a long sync
      await store.conn.run(`SET checkpoint_threshold = '1GB'`);
      await store.migrate();
    } catch (e) {
      store.close();
      throw e;
    }
    return store;
  }

  /** Closes the connection and the database (checkpointing it). */
  close(): void {
    this.conn.closeSync();
    this.instance.closeSync();
  }

  private async rows(sql: string, values?: DuckDBValue[]): Promise<DuckDBValue[][]> {
    return (await this.conn.runAndReadAll(sql, values)).getRows();
  }

  private async transaction<T>(work: () => Promise<T>): Promise<T> {
    await this.conn.run('BEGIN TRANSACTION');
    try {
      const result = await work();
      await this.conn.run('COMMIT');
      return result;
    } catch (e) {
      await this.conn.run('ROLLBACK').catch(() => undefined);
      throw e;
    }
  }

  /** The schema version stored in the file (0 for an empty file). */
  async schemaVersion(): Promise<number> {
    const exists = await this.rows(`SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'`);
    if (Number(exists[0][0]) === 0) return 0;
    const rows = await this.rows('SELECT max(version) FROM schema_version');
    return Number(rows[0][0] ?? 0);
  }

  private async migrate(): Promise<void> {
    const current = await this.schemaVersion();
    if (current > SCHEMA_VERSION) {
      throw new UserError({ field: '--db', value: this.path, message: `schema version ${current} is newer than this capflow knows (${SCHEMA_VERSION})`, hint: 'upgrade capflow' });
    }
    for (const migration of MIGRATIONS) {
      if (migration.version <= current) continue;
      await this.transaction(async () => {
        if (migration.version === 1) await this.conn.run('CREATE TABLE schema_version (version INTEGER NOT NULL, applied_at TIMESTAMP NOT NULL)');
        for (const sql of migration.statements) await this.conn.run(sql);
        await this.conn.run('INSERT INTO schema_version VALUES (?, now()::TIMESTAMP)', [migration.version]);
      });
    }
  }

  /**
   * Records the deployment and empty books. Refuses a ledger that is already initialised.
   *
   * @example await store.init({ chainId: 1, address: '0x…', deploymentBlock: 0, txHash: null, blockTime: null, name: 'Capflow USD', symbol: 'cfUSD', assetSymbol: 'USDC', assetDecimals: 6, shareDecimals: 18, initialisedAt: new Date().toISOString() });
   */
  async init(d: Deployment): Promise<void> {
    const existing = await this.findDeployment();
    if (existing !== null) {
      throw new UserError({ field: '--db', value: this.path, message: `${this.path} already keeps the books of ${existing.address} on chain ${existing.chainId}`, hint: 'use another --db path' });
    }
    createTreasury(treasuryConfigOf(d)); // only to validate the decimals before anything is stored
    await this.transaction(async () => {
      await this.conn.run(
        `INSERT INTO deployment VALUES (?, ?, ?, ?, CASE WHEN ? IS NULL THEN NULL ELSE epoch_ms(?::BIGINT) END, ?, ?, ?, ?, ?, epoch_ms(?::BIGINT))`,
        [
          BigInt(d.chainId), d.address, BigInt(d.deploymentBlock), d.txHash,
          d.blockTime === null ? null : toMs(d.blockTime), d.blockTime === null ? null : toMs(d.blockTime),
          d.name, d.symbol, d.assetSymbol, d.assetDecimals, d.shareDecimals, toMs(d.initialisedAt),
        ],
      );
      await this.conn.run('INSERT INTO treasury_state VALUES (NULL, NULL, NULL, ?, 0, 1)', [BigInt(d.deploymentBlock - 1)]);
      await this.conn.run('INSERT INTO accounting_state VALUES (NULL, NULL)');
      await this.conn.run('INSERT INTO interest_sync VALUES (NULL, NULL, NULL)');
    });
  }

  private async findDeployment(): Promise<Deployment | null> {
    const rows = await this.rows(
      `SELECT chain_id, address, deployment_block, tx_hash, epoch_ms(block_time), name, symbol, asset_symbol, asset_decimals, share_decimals, epoch_ms(initialised_at) FROM deployment`,
    );
    if (rows.length === 0) return null;
    const [chainId, address, block, txHash, blockTime, name, symbol, assetSymbol, assetDecimals, shareDecimals, initialisedAt] = rows[0];
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
    };
  }

  /** The deployment; a {@link UserError} when the ledger was never initialised. */
  async deployment(): Promise<Deployment> {
    const d = await this.findDeployment();
    if (d === null) throw new UserError({ field: '--db', value: this.path, message: `${this.path} has no deployment`, hint: 'run `capflow treasury init` first' });
    return d;
  }

  /** The books as of the last committed batch. */
  async loadState(): Promise<TreasuryState> {
    const d = await this.deployment();
    const state = createTreasury(treasuryConfigOf(d));
    const [t] = await this.rows('SELECT last_block_scanned, total_shares, next_update_id, last_cycle, epoch_ms(last_cycle_at) FROM treasury_state');
    state.lastBlockScanned = Number(t[0]);
    state.totalShares = t[1] as bigint;
    state.nextUpdateId = Number(t[2]);
    state.lastCycle = numOrNull(t[3]);
    state.lastCycleAt = isoOrNull(t[4]);
    const [a] = await this.rows('SELECT last_correction_block, epoch_ms(last_correction_at) FROM accounting_state');
    state.lastCorrectionBlock = numOrNull(a[0]);
    state.lastCorrectionAt = isoOrNull(a[1]);
    const [i] = await this.rows('SELECT last_sync_block, epoch_ms(last_sync_at), last_distribution FROM interest_sync');
    state.lastInterestSyncBlock = numOrNull(i[0]);
    state.lastInterestSyncAt = isoOrNull(i[1]);
    state.lastDistribution = i[2] === null ? null : parseDistribution(String(i[2]));
    for (const [position, asset, quantity] of await this.rows('SELECT position, asset, quantity FROM holdings ORDER BY position, asset')) {
      const p = String(position);
      if (!state.holdings.has(p)) state.holdings.set(p, new Map());
      state.holdings.get(p)?.set(String(asset), quantity as bigint);
      if (p !== PENDING_POSITION) state.totalAssets += quantity as bigint;
      else state.pendingShares += quantity as bigint;
    }
    for (const [owner, pending, claimableShares, claimableAssets] of await this.rows('SELECT * FROM redemptions ORDER BY owner')) {
      state.redemptions.set(String(owner), { pendingShares: pending as bigint, claimableShares: claimableShares as bigint, claimableAssets: claimableAssets as bigint });
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
    const [[ms]] = await this.rows('SELECT epoch_ms(last_updated_at) FROM treasury_state');
    return isoOrNull(ms);
  }

  /** The stored events with fromBlock ≤ blockNumber ≤ toBlock, by event key. */
  async storedEvents(fromBlock: number, toBlock: number): Promise<Map<string, LedgerEvent>> {
    const out = new Map<string, LedgerEvent>();
    const rows = await this.rows(`SELECT ${EVENT_COLUMNS} FROM events WHERE block_number BETWEEN ? AND ?`, [BigInt(fromBlock), BigInt(toBlock)]);
    for (const row of rows) {
      const event = rowToEvent(row);
      out.set(eventKey(event), event);
    }
    return out;
  }

  /** Every stored event in the order it was applied. */
  async eventsInOrder(): Promise<LedgerEvent[]> {
    return (await this.rows(`SELECT ${EVENT_COLUMNS} FROM events ORDER BY seq`)).map(rowToEvent);
  }

  /** Stored events and the highest sequence number (they should be equal). */
  async eventSeqs(): Promise<{ count: number; maxSeq: number }> {
    const [[count, maxSeq]] = await this.rows('SELECT count(*), coalesce(max(seq), 0) FROM events');
    return { count: Number(count), maxSeq: Number(maxSeq) };
  }

  /** Σ quantity of the stored balance updates per `position\u0000asset`, how many there are and their highest id. */
  async updateSums(): Promise<{ sums: Map<string, bigint>; count: number; maxId: number }> {
    const sums = new Map<string, bigint>();
    for (const [position, asset, sum] of await this.rows('SELECT position, asset, sum(quantity)::HUGEINT FROM balance_updates GROUP BY position, asset')) {
      sums.set(`${position}\u0000${asset}`, sum as bigint);
    }
    const [[count, maxId]] = await this.rows('SELECT count(*), coalesce(max(id), 0) FROM balance_updates');
    return { sums, count: Number(count), maxId: Number(maxId) };
  }

  /** The latest block time of the stored events (ISO-8601 UTC), or null when there are none. */
  async latestEventTime(): Promise<string | null> {
    const [[ms]] = await this.rows('SELECT epoch_ms(max(timestamp)) FROM events');
    return isoOrNull(ms);
  }

  /** Highest stored event block, or null. */
  async maxEventBlock(): Promise<number | null> {
    const [[b]] = await this.rows('SELECT max(block_number) FROM events');
    return numOrNull(b);
  }

  /**
   * Balance updates, newest `limit` in id order, optionally of one cause, with how many match.
   *
   * @example const { updates, total } = await store.history({ cause: 'interest', limit: 20 });
   */
  async history(opts: { cause?: EventKind; limit?: number } = {}): Promise<{ updates: BalanceUpdate[]; total: number }> {
    const where = opts.cause === undefined ? '' : 'WHERE u.cause = ?';
    const params: DuckDBValue[] = opts.cause === undefined ? [] : [opts.cause];
    const [[total]] = await this.rows(`SELECT count(*) FROM balance_updates u ${where}`, params);
    const rows = await this.rows(
      `SELECT * FROM (SELECT u.id, u.event_seq, u.cause, u.position, u.asset, u.quantity, u.previous_balance, u.value_usd, e.chain_id,
         e.block_number, e.tx_hash, e.log_index, e.owner, epoch_ms(e.timestamp), e.cycle, coalesce(e.reason, e.notes)
       FROM balance_updates u JOIN events e ON e.seq = u.event_seq ${where}
       ORDER BY u.id DESC LIMIT ?) ORDER BY id`,
      [...params, BigInt(opts.limit ?? 100)],
    );
    const updates = rows.map(([id, eventSeq, cause, position, asset, quantity, previous, valueUsd, chainId, block, txHash, logIndex, owner, ts, cycle, notes]) => ({
      id: Number(id),
      eventSeq: Number(eventSeq),
      cause: String(cause) as EventKind,
      position: String(position),
      asset: String(asset),
      quantity: quantity as bigint,
      previousBalance: previous as bigint,
      valueUsd: numOrNull(valueUsd),
      chainId: Number(chainId),
      blockNumber: Number(block),
      txHash: String(txHash),
      logIndex: Number(logIndex),
      owner: owner === null ? null : String(owner),
      timestamp: isoOrNull(ts) ?? '',
      cycle: numOrNull(cycle),
      notes: notes === null ? null : String(notes),
    }));
    return { updates, total: Number(total) };
  }

  /**
   * Writes one sync batch in one transaction: its events, its balance updates, the books'
   * snapshot and the cursor. On any error nothing of the batch is written.
   */
  async commitBatch(batch: LedgerBatch): Promise<void> {
    await this.transaction(async () => {
      const firstSeq = batch.state.eventsApplied - batch.events.length + 1;
      await this.append('events', batch.events, (a, s, i) => appendEvent(a, s.event, firstSeq + i));
      await this.append('balance_updates', batch.updates, appendUpdate);
      await this.writeSnapshot(batch.state, batch.syncedAt);
    });
  }

  /** Moves only the last-sync time (a sync that found nothing new). */
  async touch(syncedAt: string): Promise<void> {
    await this.conn.run('UPDATE treasury_state SET last_updated_at = epoch_ms(?::BIGINT)', [toMs(syncedAt)]);
  }

  private async append<T>(table: string, rows: readonly T[], write: (a: DuckDBAppender, row: T, index: number) => void): Promise<void> {
    if (rows.length === 0) return;
    const appender = await this.conn.createAppender(table);
    try {
      for (let i = 0; i < rows.length; i++) {
        write(appender, rows[i], i);
        appender.endRow();
      }
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
  }

  private async writeSnapshot(s: TreasuryState, syncedAt: string): Promise<void> {
    await this.conn.run(
      `UPDATE treasury_state SET last_updated_at = epoch_ms(?::BIGINT), last_cycle = ?, last_cycle_at = CASE WHEN ? IS NULL THEN NULL ELSE epoch_ms(?::BIGINT) END,
         last_block_scanned = ?, total_shares = ?::HUGEINT, next_update_id = ?`,
      [toMs(syncedAt), s.lastCycle === null ? null : BigInt(s.lastCycle), msOrNull(s.lastCycleAt), msOrNull(s.lastCycleAt), BigInt(s.lastBlockScanned), s.totalShares.toString(), BigInt(s.nextUpdateId)],
    );
    await this.conn.run(
      'UPDATE accounting_state SET last_correction_block = ?, last_correction_at = CASE WHEN ? IS NULL THEN NULL ELSE epoch_ms(?::BIGINT) END',
      [s.lastCorrectionBlock === null ? null : BigInt(s.lastCorrectionBlock), msOrNull(s.lastCorrectionAt), msOrNull(s.lastCorrectionAt)],
    );
    await this.conn.run(
      'UPDATE interest_sync SET last_sync_block = ?, last_sync_at = CASE WHEN ? IS NULL THEN NULL ELSE epoch_ms(?::BIGINT) END, last_distribution = ?',
      [
        s.lastInterestSyncBlock === null ? null : BigInt(s.lastInterestSyncBlock),
        msOrNull(s.lastInterestSyncAt),
        msOrNull(s.lastInterestSyncAt),
        s.lastDistribution === null ? null : JSON.stringify(s.lastDistribution, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)),
      ],
    );
    await this.conn.run('DELETE FROM holdings');
    const holdings = [...s.holdings].flatMap(([position, assets]) => [...assets].map(([asset, quantity]) => ({ position, asset, quantity })));
    await this.append('holdings', holdings, (a, h) => {
      a.appendVarchar(h.position);
      a.appendVarchar(h.asset);
      a.appendHugeInt(h.quantity);
    });
    await this.conn.run('DELETE FROM redemptions');
    await this.append('redemptions', [...s.redemptions], (a, [owner, r]) => {
      a.appendVarchar(owner);
      a.appendHugeInt(r.pendingShares);
      a.appendHugeInt(r.claimableShares);
      a.appendHugeInt(r.claimableAssets);
    });
  }
}

function msOrNull(iso: string | null): bigint | null {
  return iso === null ? null : toMs(iso);
}

/** Columns of `events` in {@link rowToEvent}'s order. */
const EVENT_COLUMNS =
  'kind, chain_id, block_number, tx_hash, log_index, epoch_ms(timestamp), owner, assets, shares, nav_per_share, asset, balance, force, quantity, reason, position, cycle, price_usd, notes';

/** Every optional field of any event kind. */
type EventFields = Partial<Omit<DepositEvent, 'kind'> & Omit<SettleEvent, 'kind'> & Omit<InterestEvent, 'kind'> & Omit<CorrectionEvent, 'kind' | 'reason'>> & { reason?: string };

function appendVarcharOrNull(a: DuckDBAppender, value: string | undefined): void {
  if (value === undefined) a.appendNull();
  else a.appendVarchar(value);
}

function appendHugeIntOrNull(a: DuckDBAppender, value: bigint | undefined): void {
  if (value === undefined) a.appendNull();
  else a.appendHugeInt(value);
}

function appendEvent(a: DuckDBAppender, e: LedgerEvent, seq: number): void {
  const f = e as EventFields;
  a.appendBigInt(BigInt(seq));
  a.appendBigInt(BigInt(e.chainId));
  a.appendVarchar(e.txHash);
  a.appendInteger(e.logIndex);
  a.appendBigInt(BigInt(e.blockNumber));
  a.appendTimestamp(timestampValue(e.timestamp));
  a.appendVarchar(e.kind);
  appendVarcharOrNull(a, f.owner);
  appendHugeIntOrNull(a, f.assets);
  appendHugeIntOrNull(a, f.shares);
  appendHugeIntOrNull(a, f.navPerShare);
  appendVarcharOrNull(a, f.asset);
  appendHugeIntOrNull(a, f.balance);
  if (f.force === undefined) a.appendNull();
  else a.appendBoolean(f.force);
  appendHugeIntOrNull(a, f.quantity);
  appendVarcharOrNull(a, f.reason);
  appendVarcharOrNull(a, f.position);
  if (f.cycle === undefined) a.appendNull();
  else a.appendBigInt(BigInt(f.cycle));
  if (f.priceUsd === undefined) a.appendNull();
  else a.appendDouble(f.priceUsd);
  appendVarcharOrNull(a, f.notes);
}

/** A stored row (selected with {@link EVENT_COLUMNS}) back to the event; absent fields stay absent. */
function rowToEvent(row: DuckDBValue[]): LedgerEvent {
  const [kind, chainId, block, txHash, logIndex, ms, owner, assets, shares, navPerShare, asset, balance, force, quantity, reason, position, cycle, priceUsd, notes] = row;
  const e: Record<string, unknown> = {
    kind: String(kind),
    chainId: Number(chainId),
    blockNumber: Number(block),
    txHash: String(txHash),
    logIndex: Number(logIndex),
    timestamp: new Date(Number(ms)).toISOString(),
  };
  const optional: Record<string, unknown> = { owner, assets, shares, navPerShare, asset, balance, force, quantity, reason, position, priceUsd, notes };
  for (const [key, value] of Object.entries(optional)) if (value !== null) e[key] = value;
  if (cycle !== null) e.cycle = Number(cycle);
  return e as unknown as LedgerEvent;
}

function appendUpdate(a: DuckDBAppender, u: BalanceUpdate): void {
  a.appendBigInt(BigInt(u.id));
  a.appendBigInt(BigInt(u.eventSeq));
  a.appendVarchar(u.cause);
  a.appendVarchar(u.position);
  a.appendVarchar(u.asset);
  a.appendHugeInt(u.quantity);
  a.appendHugeInt(u.previousBalance);
  if (u.valueUsd === null) a.appendNull();
  else a.appendDouble(u.valueUsd);
}

function parseDistribution(text: string): InterestDistribution {
  const d = JSON.parse(text) as { asset: string; previousBalance: string; newBalance: string; interest: string; parts: { position: string; quantity: string }[] };
  return {
    asset: d.asset,
    previousBalance: BigInt(d.previousBalance),
    newBalance: BigInt(d.newBalance),
    interest: BigInt(d.interest),
    parts: d.parts.map((p) => ({ position: p.position, quantity: BigInt(p.quantity) })),
  };
}

/**
 * Opens a ledger, runs `work` with it and closes it, whatever happens.
 *
 * @example const counts = await withLedgerStore('capflow.duckdb', (store) => store.counts());
 */
export async function withLedgerStore<T>(path: string, work: (store: LedgerStore) => Promise<T>, opts: { create?: boolean } = {}): Promise<T> {
  const store = await LedgerStore.open(path, opts);
  try {
    return await work(store);
  } finally {
    store.close();
  }
}
