/**
 * The ledger's DuckDB store: a versioned schema with migrations (storeSchema.ts), one
 * transaction per sync batch (its events, its balance updates, the books' snapshot and the
 * cursor with its block hash move together), token amounts as decimal strings (any uint256,
 * summed exactly in bigint; never floating point), a unique key on events' place on the chain
 * (chainId, blockNumber, logIndex; the sync keeps (chainId, txHash, logIndex) unique), and a
 * rollback to a block for chain reorganisations. Batches are written by storeBatch.ts.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { openDuckDbReader, openDuckDbWriter, type DuckDbHandle } from '../core/duckdbAccess.ts';
import { UserError } from '../core/errors.ts';
import type { BatchStage, BatchWriter, LedgerBackend, LedgerBatch } from './backend.ts';
import { checkReadableSchema, MIGRATIONS, SCHEMA_VERSION } from './storeSchema.ts';
import { openDuckDbBatch, openDuckDbStage, writeSnapshot } from './storeBatch.ts';
import { StoredLedgerReads } from './storeReads.ts';
import { DUCKDB_DIALECT, type StoreParam } from './storeState.ts';
import { amountOf, toMs } from './storeRows.ts';
import { createTreasury, treasuryConfigOf, type TreasuryState } from './treasury.ts';
import { eventKey, type Deployment, type LedgerFundVenue, type LedgerEvent } from './types.ts';

export { SCHEMA_VERSION } from './storeSchema.ts';
export type { LedgerBackend, LedgerBatch } from './backend.ts';

/** Where the CLI keeps the ledger unless `--db` says otherwise. */
export const DEFAULT_DB_PATH = './capflow.duckdb';

/**
 * A ledger file. Open with {@link LedgerStore.open}; close with {@link LedgerStore.close}.
 *
 * @example
 * const store = await LedgerStore.open('capflow.duckdb');
 * try { console.log(await store.counts()); } finally { store.close(); }
 */
export class LedgerStore extends StoredLedgerReads implements LedgerBackend {
  private constructor(
    readonly path: string,
    private readonly db: DuckDbHandle,
    private readonly conn: DuckDBConnection,
  ) {
    super(DUCKDB_DIALECT, path);
  }

  /**
   * Opens (with `create`, creates) a ledger file and brings its schema up to date; `readOnly`
   * never takes the write lock (core/duckdbAccess.ts). A missing file without `create`, a
   * newer schema, or a file kept busy by another process are {@link UserError}s naming `--db`.
   */
  static async open(path: string, opts: { create?: boolean; readOnly?: boolean } = {}): Promise<LedgerStore> {
    if (!opts.create && !existsSync(path)) {
      throw new UserError({ field: '--db', value: path, message: `no ledger at ${path}`, hint: 'run `capflow treasury init` first, or pass --db <path>' });
    }
    const access = { field: '--db', hint: 'is it a capflow ledger?' };
    const db = opts.readOnly ? await openDuckDbReader(path, access) : await openDuckDbWriter(path, access);
    const store = new LedgerStore(path, db, await db.instance.connect());
    let upgrade = false;
    try {
      if (opts.readOnly) upgrade = checkReadableSchema(path, await store.schemaVersion(), db.source === 'snapshot');
      // a writer checkpoints as it goes (DuckDB's default threshold): what a long sync wrote
      // goes to the file rather than staying in memory until the store is closed
      else await store.migrate();
    } catch (e) {
      store.close();
      throw e;
    }
    if (!upgrade) return store;
    store.close(); // an older schema: upgraded once by a writer, then read
    await withLedgerStore(path, async () => undefined);
    return LedgerStore.open(path, opts);
  }

  /** True when this store reads a snapshot of the file (another process was writing it). */
  get isSnapshot(): boolean {
    return this.db.source === 'snapshot';
  }

  /** Where staged rows go on their way in: a private directory beside the ledger file (storeCsv.ts). */
  private stageIn(): string {
    return dirname(resolve(this.path));
  }

  /** Closes the connection and the database (a writer checkpoints it; a snapshot's copy is removed). */
  close(): void {
    this.conn.closeSync();
    this.db.close();
  }

  /** The rows of a query as arrays. */
  protected async rows(sql: string, params?: StoreParam[]): Promise<DuckDBValue[][]> {
    return (await this.conn.runAndReadAll(sql, params)).getRows();
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
        `INSERT INTO deployment VALUES (?, ?, ?, ?, CASE WHEN ? IS NULL THEN NULL ELSE epoch_ms(?::BIGINT) END, ?, ?, ?, ?, ?, epoch_ms(?::BIGINT), ?, ?, ?, ?)`,
        [
          BigInt(d.chainId), d.address, BigInt(d.deploymentBlock), d.txHash,
          d.blockTime === null ? null : toMs(d.blockTime), d.blockTime === null ? null : toMs(d.blockTime),
          d.name, d.symbol, d.assetSymbol, d.assetDecimals, d.shareDecimals, toMs(d.initialisedAt),
          d.assetAddress ?? null, d.asyncRedeem ?? false, d.asyncDeposit ?? false, d.kind ?? 'vault',
        ],
      );
      await this.conn.run(`INSERT INTO treasury_state VALUES (NULL, NULL, NULL, NULL, '0', 1, NULL)`);
      await this.conn.run('INSERT INTO accounting_state VALUES (NULL, NULL)');
      await this.conn.run('INSERT INTO interest_sync VALUES (NULL, NULL, NULL)');
    });
  }

  /**
   * The keys (`chainId:txHash:logIndex`, see `eventKey`) of those of `events` that are stored,
   * wherever they are stored (the sync refuses a new event whose key is taken).
   *
   * @example const taken = await store.storedEventKeys(batch.map((s) => s.event));
   */
  async storedEventKeys(events: readonly LedgerEvent[]): Promise<Set<string>> {
    if (events.length === 0) return new Set();
    // transaction hashes hold no newline: the list travels as one text
    const hashes = [...new Set(events.map((e) => e.txHash))].join('\n');
    const rows = await this.rows('SELECT chain_id, tx_hash, log_index FROM events WHERE tx_hash IN (SELECT unnest(string_split(?, chr(10))))', [hashes]);
    return StoredLedgerReads.takenKeys(rows, new Set(events.map(eventKey)));
  }

  /** Σ quantity of the stored balance updates per `position\u0000asset`, how many there are and their highest id. */
  async updateSums(): Promise<{ sums: Map<string, bigint>; count: number; maxId: number }> {
    const sums = new Map<string, bigint>();
    // amounts are decimal strings: summed exactly here, in bigint
    for (const [position, asset, quantity] of await this.rows('SELECT position, asset, quantity FROM balance_updates')) {
      const key = `${position}\u0000${asset}`;
      sums.set(key, (sums.get(key) ?? 0n) + amountOf(quantity));
    }
    const [[count, maxId]] = await this.rows('SELECT count(*), coalesce(max(id), 0) FROM balance_updates');
    return { sums, count: Number(count), maxId: Number(maxId) };
  }

  /**
   * Rolls the ledger back to `state` (the books replayed up to its cursor, see
   * chainSync.ts): deletes every event above its cursor and their balance updates, and writes
   * the snapshot, in one transaction.
   *
   * @example await store.rollbackTo(replayedState, new Date().toISOString());
   */
  async rollbackTo(state: TreasuryState, syncedAt: string): Promise<{ events: number; updates: number }> {
    const block = state.lastBlockScanned === null ? -1 : state.lastBlockScanned;
    return this.transaction(async () => {
      const [[events]] = await this.rows('SELECT count(*) FROM events WHERE block_number > ?', [BigInt(block)]);
      const [[updates]] = await this.rows('SELECT count(*) FROM balance_updates WHERE event_seq > ?', [BigInt(state.eventsApplied)]);
      await this.conn.run('DELETE FROM balance_updates WHERE event_seq > ?', [BigInt(state.eventsApplied)]);
      await this.conn.run('DELETE FROM events WHERE block_number > ?', [BigInt(block)]);
      await writeSnapshot(this.conn, this.stageIn(), state, syncedAt);
      return { events: Number(events), updates: Number(updates) };
    });
  }

  /**
   * Writes one sync batch in one transaction: its events, its balance updates, the books'
   * snapshot and the cursor. On any error nothing of the batch is written.
   */
  async commitBatch(batch: LedgerBatch): Promise<void> {
    const writer = await this.openBatch();
    const firstSeq = batch.state.eventsApplied - batch.events.length + 1;
    batch.events.forEach((s, i) => writer.event(s, firstSeq + i));
    for (const u of batch.updates) writer.update(u);
    await writer.commit(batch.state, batch.syncedAt, batch.touched);
  }

  /**
   * Begins a batch written as it is booked (see {@link BatchWriter}): rows staged in a
   * file beside the ledger as they come, nothing kept in memory, written in one transaction.
   *
   * @example const batch = await store.openBatch(); batch.event(sourced, seq); await batch.commit(state, now);
   */
  openBatch(): Promise<BatchWriter> {
    return openDuckDbBatch(this.conn, this.stageIn());
  }

  /**
   * Batches booked first and written after (see {@link BatchStage}), staged in files beside the ledger.
   *
   * @example const stage = store.stageBatches(); try { …; await stage.write(); } finally { stage.discard(); }
   */
  stageBatches(): BatchStage {
    return openDuckDbStage(this.conn, this.stageIn());
  }

  /** Records (adds or replaces, by position) a fund ledger's venues, in one transaction. */
  async recordFundVenues(venues: readonly LedgerFundVenue[]): Promise<void> {
    await this.transaction(async () => {
      for (const v of venues) {
        await this.conn.run('DELETE FROM fund_venues WHERE position = ?', [v.position]);
        await this.conn.run('INSERT INTO fund_venues VALUES (?, ?, ?, ?)', [v.position, v.kind, v.address.toLowerCase(), v.asset === null ? null : v.asset.toLowerCase()]);
      }
    });
  }

  /** Moves only the last-sync time (a sync that found nothing new). */
  async touch(syncedAt: string): Promise<void> {
    await this.conn.run('UPDATE treasury_state SET last_updated_at = epoch_ms(?::BIGINT)', [toMs(syncedAt)]);
  }

}

/**
 * Opens a ledger, runs `work` with it and closes it, whatever happens. Commands that only read
 * pass `{ readOnly: true }`.
 *
 * @example const counts = await withLedgerStore('capflow.duckdb', (store) => store.counts());
 */
export async function withLedgerStore<T>(path: string, work: (store: LedgerStore) => Promise<T>, opts: { create?: boolean; readOnly?: boolean } = {}): Promise<T> {
  const store = await LedgerStore.open(path, opts);
  try {
    return await work(store);
  } finally {
    store.close();
  }
}
