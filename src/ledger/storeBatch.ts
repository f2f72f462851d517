/**
 * Writing sync batches into the DuckDB store. A batch's events and balance updates, and the
 * books' snapshot after it (everything, or only the rows of what the batch touched), are
 * staged as CSV files (storeCsv.ts) as the batch is booked, then written in one transaction:
 * one `INSERT … SELECT` from DuckDB's CSV reader per table. {@link openDuckDbStage} stages
 * any number of batches before the first is written (a feed sync books the whole feed
 * once, writing nothing until every line is checked, then writes batch after batch);
 * {@link openDuckDbBatch} writes its one batch when it is committed.
 */
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import type { BatchStage, BatchWriter } from './backend.ts';
import type { SourcedEvent } from './feed.ts';
import { StageDir, type CsvFile } from './storeCsv.ts';
import { appendEvent, appendUpdate, snapshotStatements } from './storeRows.ts';
import type { TreasuryState } from './state.ts';
import type { BalanceUpdate } from './types.ts';

/** Columns of `events` and of `balance_updates`. */
const EVENT_COLUMN_COUNT = 24;
const UPDATE_COLUMN_COUNT = 8;

/** The per-owner tables of the snapshot and the column that names the owner. */
const OWNER_TABLES = [
  ['redemptions', 'owner'],
  ['share_balances', 'holder'],
  ['deposit_requests', 'controller'],
] as const;

/** The books' snapshot, staged. */
interface StagedSnapshot {
  scalars: [string, DuckDBValue[]][];
  holdings: CsvFile;
  /** The owners whose rows are replaced; null: every row of the per-owner tables is. */
  owners: CsvFile | null;
  /** The new rows of the per-owner tables, in {@link OWNER_TABLES}' order. */
  ownerRows: CsvFile[];
}

function writeTexts(file: CsvFile, texts: readonly string[]): void {
  for (const text of texts) file.appendVarchar(text);
  file.endRow();
}

/** The rows of `owners` in each per-owner table (all their values are text). */
function ownerRowsOf(s: TreasuryState, owner: string): (readonly string[] | undefined)[] {
  const r = s.redemptions.get(owner);
  const shares = s.shareBalances.get(owner);
  const d = s.deposits.get(owner);
  return [
    r === undefined ? undefined : [owner, r.pendingShares.toString(), r.claimableShares.toString(), r.claimableAssets.toString()],
    shares === undefined ? undefined : [owner, shares.toString()],
    d === undefined ? undefined : [owner, d.pendingAssets.toString(), d.claimableAssets.toString(), d.claimableShares.toString()],
  ];
}

/**
 * Stages the books' snapshot: the scalars, the holdings, and the per-owner rows — all of
 * them, or (given `touched`) only those of the touched holders, owners and controllers.
 */
function stageSnapshot(dir: StageDir, s: TreasuryState, syncedAt: string, touched?: ReadonlySet<string>): StagedSnapshot {
  const holdings = dir.file('holdings', 3);
  for (const [position, assets] of s.holdings) for (const [asset, quantity] of assets) writeTexts(holdings, [position, asset, quantity.toString()]);
  const owners = touched === undefined ? null : dir.file('owners', 1);
  const ownerRows = [dir.file('redemptions', 4), dir.file('share_balances', 2), dir.file('deposit_requests', 4)];
  const all = touched ?? new Set([...s.redemptions.keys(), ...s.shareBalances.keys(), ...s.deposits.keys()]);
  for (const owner of all) {
    if (owners !== null) writeTexts(owners, [owner]);
    ownerRowsOf(s, owner).forEach((row, i) => row !== undefined && writeTexts(ownerRows[i], row));
  }
  for (const file of [holdings, owners, ...ownerRows]) file?.close();
  return { scalars: snapshotStatements(s, syncedAt), holdings, owners, ownerRows };
}

/** Writes a staged snapshot inside the caller's transaction. */
async function ingestSnapshot(conn: DuckDBConnection, snap: StagedSnapshot): Promise<void> {
  for (const [sql, params] of snap.scalars) await conn.run(sql, params);
  await conn.run('DELETE FROM holdings');
  await snap.holdings.insertInto(conn, 'holdings');
  if (snap.owners !== null && snap.owners.rows === 0) return;
  for (const [table, key] of OWNER_TABLES) {
    await conn.run(snap.owners === null ? `DELETE FROM ${table}` : `DELETE FROM ${table} WHERE ${key} IN (SELECT c1 FROM ${snap.owners.reader()})`);
  }
  for (const [i, [table]] of OWNER_TABLES.entries()) await snap.ownerRows[i].insertInto(conn, table);
}

/**
 * Writes the books' snapshot inside the caller's transaction: the scalars, the holdings, and
 * the redemptions, share balances and deposit requests — all of them, or (given `touched`)
 * only the rows of the touched holders, owners and controllers.
 *
 * @example await writeSnapshot(conn, '/data', state, new Date().toISOString(), new Set([owner]));
 */
export async function writeSnapshot(conn: DuckDBConnection, stageIn: string, s: TreasuryState, syncedAt: string, touched?: ReadonlySet<string>): Promise<void> {
  const dir = StageDir.create(stageIn);
  try {
    await ingestSnapshot(conn, stageSnapshot(dir, s, syncedAt, touched));
  } finally {
    dir.remove();
  }
}

/** A staged batch: its rows and the snapshot after it. */
interface StagedBatch {
  events: CsvFile;
  updates: CsvFile;
  snapshot: StagedSnapshot;
}

async function writeBatch(conn: DuckDBConnection, batch: StagedBatch): Promise<void> {
  await conn.run('BEGIN TRANSACTION');
  try {
    await batch.events.insertInto(conn, 'events');
    await batch.updates.insertInto(conn, 'balance_updates');
    await ingestSnapshot(conn, batch.snapshot);
    await conn.run('COMMIT');
  } catch (e) {
    await conn.run('ROLLBACK').catch(() => undefined);
    throw e;
  }
}

/** DuckDB's memory while it writes staged batches: this much per staged row of the largest batch, at least {@link MIN_MEMORY_MB}. */
const MEMORY_BYTES_PER_ROW = 512;
const MIN_MEMORY_MB = 64;

function memoryLimitMb(batches: readonly StagedBatch[]): number {
  const rows = Math.max(0, ...batches.map((b) => b.events.rows + b.updates.rows));
  return Math.max(MIN_MEMORY_MB, Math.ceil((rows * MEMORY_BYTES_PER_ROW) / 2 ** 20));
}

/**
 * Stages batches on `conn`'s database (see {@link BatchStage}): nothing is written before
 * `write`, which writes the staged batches in order, one transaction each.
 *
 * @example const stage = openDuckDbStage(conn, '/data'); try { const b = stage.writer(); b.event(s, 1); await b.commit(state, now); await stage.write(); } finally { stage.discard(); }
 */
export function openDuckDbStage(conn: DuckDBConnection, stageIn: string): BatchStage {
  const dir = StageDir.create(stageIn);
  const staged: StagedBatch[] = [];
  return {
    writer(): BatchWriter {
      const events = dir.file('events', EVENT_COLUMN_COUNT);
      const updates = dir.file('balance_updates', UPDATE_COLUMN_COUNT);
      return {
        event(s: SourcedEvent, seq: number): void {
          appendEvent(events, s.event, seq);
          events.endRow();
        },
        update(u: BalanceUpdate): void {
          appendUpdate(updates, u);
          updates.endRow();
        },
        async commit(state: TreasuryState, syncedAt: string, touched?: ReadonlySet<string>): Promise<void> {
          events.close();
          updates.close();
          staged.push({ events, updates, snapshot: stageSnapshot(dir, state, syncedAt, touched) });
        },
        async abort(): Promise<void> {
          events.remove();
          updates.remove();
        },
      };
    },
    async write(onBatch?: (index: number) => void): Promise<void> {
      // one thread reads and stores a batch in about the same time as two, with a third less CPU;
      // DuckDB's buffer pool kept to what the largest batch needs, so it does not grow with the ledger
      await conn.run('SET threads = 1');
      await conn.run(`SET memory_limit = '${memoryLimitMb(staged)}MB'`);
      try {
        for (const [i, batch] of staged.entries()) {
          await writeBatch(conn, batch);
          for (const file of [batch.events, batch.updates, batch.snapshot.holdings, batch.snapshot.owners, ...batch.snapshot.ownerRows]) file?.remove();
          onBatch?.(i);
        }
      } finally {
        staged.length = 0;
        await conn.run('RESET threads');
        await conn.run('RESET memory_limit');
      }
    },
    discard(): void {
      dir.remove();
    },
  };
}

/**
 * Begins one batch on `conn` (see {@link BatchWriter}): events and balance updates are
 * staged as they come; `commit` writes them with the snapshot in one transaction; on any
 * failure of `commit`, or on `abort`, nothing of the batch is written.
 *
 * @example const batch = await openDuckDbBatch(conn, '/data'); batch.event(s, 1); await batch.commit(state, now);
 */
export async function openDuckDbBatch(conn: DuckDBConnection, stageIn: string): Promise<BatchWriter> {
  const stage = openDuckDbStage(conn, stageIn);
  const batch = stage.writer();
  return {
    event: batch.event,
    update: batch.update,
    async commit(state: TreasuryState, syncedAt: string, touched?: ReadonlySet<string>): Promise<void> {
      try {
        await batch.commit(state, syncedAt, touched);
        await stage.write();
      } finally {
        stage.discard();
      }
    },
    async abort(): Promise<void> {
      stage.discard();
    },
  };
}
