/**
 * The ledger's PostgreSQL store: the DuckDB store's tables and behaviour (one transaction per
 * batch, the unique key (chainId, txHash, logIndex), exact amounts) on a server many processes
 * share. One session per opened store:
 * - a writer (`init`, `sync`, `migrate`) holds a session advisory lock for the ledger while it
 *   is open: a second writer waits up to `lockTimeoutMs` (`CAPFLOW_LOCK_WAIT_MS`, else 10 s),
 *   then is refused with a BusyError (exit 4); never two writers, so never a doubled event;
 * - a reader (`show`, `history`, `verify`) reads everything in one `REPEATABLE READ READ ONLY`
 *   transaction: one committed snapshot, whatever a writer commits meanwhile; it takes no lock.
 */
import postgres from 'postgres';
import { lockWaitMs } from '../core/duckdbAccess.ts';
import { BusyError, firstErrorLine, UserError } from '../core/errors.ts';
import type { LedgerBackend, LedgerBatch } from './backend.ts';
import { displayDb } from './dbUrl.ts';
import { batchInserts, msText, pgSnapshotStatements, tsOf } from './pgRows.ts';
import { LEDGER_TABLES, PG_MIGRATIONS, PG_SCHEMA_VERSION } from './pgSchema.ts';
import { PgLedgerReads, type PgConn } from './pgReads.ts';
import type { TreasuryState } from './state.ts';
import { createTreasury, treasuryConfigOf } from './treasury.ts';
import type { Deployment, LedgerFundVenue } from './types.ts';

/** The advisory lock's first key ("capf"); the second is a hash of the ledger's schema. */
const LOCK_CLASS = 0x63617066;
const LOCK_ARGS = `${LOCK_CLASS}, hashtext(current_schema())`;

/**
 * Options of {@link PgLedgerStore.open}.
 *
 * @example const opts: PgOpenOptions = { access: 'write', create: true, lockTimeoutMs: 0 };
 */
export interface PgOpenOptions {
  /** Create the tables in an empty database. */
  create?: boolean;
  /** `read`: one snapshot, no lock; `write` (default): the writer's lock. */
  access?: 'read' | 'write';
  /** The flag or variable the URL came from, for errors (default `--db`). */
  field?: string;
  /** A writer's wait for another writer, ms (0: refuse at once; default `CAPFLOW_LOCK_WAIT_MS`, else 10 s, as for DuckDB). */
  lockTimeoutMs?: number;
}

const CONNECT_HINT = 'is the server running and the URL right? postgres://user@host:5432/database, the password in PGPASSWORD';

/** A driver error as a UserError naming `field` when it is about reaching the server; others unchanged. */
function connectionError(e: unknown, field: string, where: string): unknown {
  const code = (e as { code?: string }).code ?? '';
  const reach = /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ECONNRESET|CONNECT_TIMEOUT|CONNECTION_CLOSED|CONNECTION_ENDED|CONNECTION_DESTROYED|SASL_SIGNATURE_MISMATCH|AUTH_TYPE_NOT_IMPLEMENTED|28000|28P01|3D000|53300|57P03)$/;
  if (!reach.test(code)) return e;
  return new UserError({ field, value: where, message: `cannot connect to ${where}: ${firstErrorLine(e)}`, hint: CONNECT_HINT });
}

/**
 * A ledger in a PostgreSQL database. Open with {@link PgLedgerStore.open}; close with
 * {@link PgLedgerStore.close}.
 *
 * @example
 * const store = await PgLedgerStore.open('postgres://capflow@127.0.0.1:5432/fund', { access: 'read' });
 * try { console.log(await store.counts()); } finally { await store.close(); }
 */
export class PgLedgerStore extends PgLedgerReads implements LedgerBackend {
  private constructor(
    readonly path: string,
    private readonly sql: postgres.Sql,
    conn: PgConn,
    private readonly access: 'read' | 'write',
  ) {
    super(conn, path);
  }

  /**
   * Connects, takes the writer's lock (`write`) or opens the snapshot (`read`), and brings the
   * tables up to date (`write`; with `create` in an empty database). An unreachable server, a
   * refused login, a missing database or ledger, and a lock held past the timeout are
   * {@link UserError}s naming the field; the password is never shown.
   */
  static async open(url: string, opts: PgOpenOptions = {}): Promise<PgLedgerStore> {
    const field = opts.field ?? '--db';
    const where = displayDb(url);
    const sql = postgres(url, { max: 1, onnotice: () => undefined, connect_timeout: 10, idle_timeout: 0, max_lifetime: null, connection: { application_name: 'capflow' } });
    let conn: postgres.ReservedSql | undefined;
    try {
      conn = await sql.reserve();
      await conn.unsafe('SELECT 1');
    } catch (e) {
      conn?.release();
      await sql.end({ timeout: 1 });
      throw connectionError(e, field, where);
    }
    const store = new PgLedgerStore(where, sql, conn, opts.access ?? 'write');
    try {
      if (store.access === 'read') await store.beginSnapshot(field);
      else await store.lockAndMigrate(field, opts.create === true, opts.lockTimeoutMs ?? lockWaitMs());
    } catch (e) {
      await store.close();
      throw connectionError(e, field, where);
    }
    return store;
  }

  /** Ends the snapshot (a reader) and the session, which releases the writer's lock. */
  async close(): Promise<void> {
    if (this.access === 'read') await this.conn.unsafe('COMMIT').catch(() => undefined);
    (this.conn as postgres.ReservedSql).release();
    await this.sql.end({ timeout: 5 });
  }

  private async beginSnapshot(field: string): Promise<void> {
    await this.conn.unsafe('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const version = await this.schemaVersion();
    if (version === 0) throw new UserError({ field, value: this.path, message: `no ledger in ${this.path}`, hint: `run \`capflow treasury init --db ${this.path}\` first` });
    this.checkVersion(field, version);
    if (version < PG_SCHEMA_VERSION) throw new UserError({ field, value: this.path, message: `the ledger's schema version ${version} is older than this capflow's (${PG_SCHEMA_VERSION})`, hint: 'run `capflow treasury sync` once: a writer upgrades it' });
  }

  private checkVersion(field: string, version: number): void {
    if (version > PG_SCHEMA_VERSION) throw new UserError({ field, value: this.path, message: `schema version ${version} is newer than this capflow knows (${PG_SCHEMA_VERSION})`, hint: 'upgrade capflow' });
  }

  private async lockAndMigrate(field: string, create: boolean, lockTimeoutMs: number): Promise<void> {
    let locked: boolean;
    if (lockTimeoutMs === 0) {
      locked = (await this.rows(`SELECT pg_try_advisory_lock(${LOCK_ARGS})`))[0][0] === true;
    } else {
      await this.conn.unsafe(`SET lock_timeout = ${Math.ceil(lockTimeoutMs)}`);
      locked = await this.conn.unsafe(`SELECT pg_advisory_lock(${LOCK_ARGS})`).then(
        () => true,
        (e: { code?: string }) => {
          if (e.code === '55P03') return false; // lock_not_available: the wait timed out
          throw e;
        },
      );
      await this.conn.unsafe('RESET lock_timeout');
    }
    if (!locked) {
      throw new BusyError({ field, value: this.path, message: `another capflow process is writing the ledger in ${this.path} (waited ${lockTimeoutMs / 1000} s); nothing was changed`, hint: 'try again when it has finished, or wait longer: CAPFLOW_LOCK_WAIT_MS=<ms>' });
    }
    const current = await this.schemaVersion();
    if (current === 0 && !create) throw new UserError({ field, value: this.path, message: `no ledger in ${this.path}`, hint: `run \`capflow treasury init --db ${this.path}\` first` });
    this.checkVersion(field, current);
    // every step in one transaction: a reader never sees a half-built schema
    await this.transaction(async () => {
      if (current === 0 && PG_MIGRATIONS.length > 0) await this.conn.unsafe('CREATE TABLE schema_version (version INTEGER NOT NULL, applied_at TIMESTAMPTZ NOT NULL)');
      for (const migration of PG_MIGRATIONS) {
        if (migration.version <= current) continue;
        for (const statement of migration.statements) await this.conn.unsafe(statement);
        await this.conn.unsafe('INSERT INTO schema_version VALUES ($1::integer, now())', [String(migration.version)]);
      }
    });
  }

  private async transaction<T>(work: () => Promise<T>): Promise<T> {
    await this.conn.unsafe('BEGIN');
    try {
      const result = await work();
      await this.conn.unsafe('COMMIT');
      return result;
    } catch (e) {
      await this.conn.unsafe('ROLLBACK').catch(() => undefined);
      throw e;
    }
  }

  /**
   * Records the deployment and empty books. Refuses a ledger that is already initialised.
   *
   * @example await store.init(deployment);
   */
  async init(d: Deployment): Promise<void> {
    await this.transaction(() => this.insertDeployment(d));
  }

  private async insertDeployment(d: Deployment): Promise<void> {
    const existing = await this.findDeployment();
    if (existing !== null) {
      throw new UserError({ field: '--db', value: this.path, message: `${this.path} already keeps the books of ${existing.address} on chain ${existing.chainId}`, hint: 'use another database' });
    }
    createTreasury(treasuryConfigOf(d)); // only to validate the decimals before anything is stored
    await this.conn.unsafe(
      `INSERT INTO deployment (chain_id, address, deployment_block, tx_hash, block_time, name, symbol, asset_symbol, asset_decimals, share_decimals, initialised_at, asset_address, async_redeem, async_deposit, kind)
       VALUES ($1::bigint, $2::text, $3::bigint, $4::text, ${tsOf('$5')}, $6::text, $7::text, $8::text, $9::integer, $10::integer, ${tsOf('$11')}, $12::text, $13::boolean, $14::boolean, $15::text)`,
      [String(d.chainId), d.address, String(d.deploymentBlock), d.txHash, msText(d.blockTime), d.name, d.symbol, d.assetSymbol, String(d.assetDecimals), String(d.shareDecimals), msText(d.initialisedAt), d.assetAddress ?? null, d.asyncRedeem ?? false, d.asyncDeposit ?? false, d.kind ?? 'vault'],
    );
    await this.conn.unsafe(`INSERT INTO treasury_state VALUES (NULL, NULL, NULL, NULL, 0, 1, NULL)`);
    await this.conn.unsafe('INSERT INTO accounting_state VALUES (NULL, NULL)');
    await this.conn.unsafe('INSERT INTO interest_sync VALUES (NULL, NULL, NULL)');
  }

  /**
   * Writes one sync batch in one transaction: its events, its balance updates, the books'
   * snapshot and the cursor. On any error nothing of the batch is written.
   */
  async commitBatch(batch: LedgerBatch): Promise<void> {
    await this.transaction(() => this.writeBatch(batch));
  }

  private async writeBatch(batch: LedgerBatch): Promise<void> {
    const firstSeq = batch.state.eventsApplied - batch.events.length + 1;
    for (const [sql, json] of batchInserts(batch.events.map((s) => s.event), batch.updates, firstSeq)) await this.conn.unsafe(sql, [json]);
    await this.writeSnapshot(batch.state, batch.syncedAt);
  }

  private async writeSnapshot(state: TreasuryState, syncedAt: string): Promise<void> {
    for (const [sql, params] of pgSnapshotStatements(state, syncedAt)) await this.conn.unsafe(sql, params);
  }

  /** Records (adds or replaces, by position) a fund ledger's venues, in one transaction. */
  async recordFundVenues(venues: readonly LedgerFundVenue[]): Promise<void> {
    await this.transaction(async () => {
      for (const v of venues) {
        await this.conn.unsafe('DELETE FROM fund_venues WHERE position = $1::text', [v.position]);
        await this.insertFundVenue(v);
      }
    });
  }

  private async insertFundVenue(v: LedgerFundVenue): Promise<void> {
    await this.conn.unsafe('INSERT INTO fund_venues (position, kind, address, asset) VALUES ($1::text, $2::text, $3::text, $4::text)', [v.position, v.kind, v.address.toLowerCase(), v.asset === null ? null : v.asset.toLowerCase()]);
  }

  /** Moves only the last-sync time (a sync that found nothing new). */
  async touch(syncedAt: string): Promise<void> {
    await this.conn.unsafe(`UPDATE treasury_state SET last_updated_at = ${tsOf('$1')}`, [msText(syncedAt)]);
  }

  /**
   * Rolls the ledger back to `state` (the books replayed up to its cursor): deletes every event
   * above its cursor and their balance updates, and writes the snapshot, in one transaction.
   *
   * @example await store.rollbackTo(replayedState, new Date().toISOString());
   */
  async rollbackTo(state: TreasuryState, syncedAt: string): Promise<{ events: number; updates: number }> {
    const block = String(state.lastBlockScanned === null ? -1 : state.lastBlockScanned);
    const applied = String(state.eventsApplied);
    return this.transaction(async () => {
      const updates = (await this.conn.unsafe('DELETE FROM balance_updates WHERE event_seq > $1::bigint', [applied])).count;
      const events = (await this.conn.unsafe('DELETE FROM events WHERE block_number > $1::bigint', [block])).count;
      await this.writeSnapshot(state, syncedAt);
      return { events, updates };
    });
  }

  /**
   * Writes a whole ledger — its deployment, a fund's venues and one batch holding every event, balance update
   * and the books — in one transaction into an empty database (with `replace`, over the ledger
   * it holds); `check` runs before the commit and may throw to leave the database as it was.
   *
   * @example await target.importLedger(deployment, [], batch, { replace: false, check: async () => undefined });
   */
  async importLedger(d: Deployment, fundVenues: readonly LedgerFundVenue[], batch: LedgerBatch | null, opts: { replace: boolean; check: () => Promise<void> }): Promise<void> {
    await this.transaction(async () => {
      if (opts.replace) for (const table of LEDGER_TABLES) await this.conn.unsafe(`DELETE FROM ${table}`);
      await this.insertDeployment(d);
      for (const v of fundVenues) await this.insertFundVenue(v);
      if (batch !== null) await this.writeBatch(batch);
      await opts.check();
    });
  }
}
