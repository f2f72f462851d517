/**
 * Writing a sync batch into the DuckDB store: rows through DuckDB's appenders, the books'
 * snapshot (everything, or only what a batch touched), and a batch written as it is booked
 * ({@link openDuckDbBatch}: each event and balance update goes to the appender at once, so a
 * batch costs no memory of its own), all inside one transaction.
 */
import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import type { BatchWriter } from './backend.ts';
import type { SourcedEvent } from './feed.ts';
import { appendEvent, appendUpdate, snapshotStatements } from './storeRows.ts';
import type { OwnerDeposit, OwnerRedemption, TreasuryState } from './state.ts';
import type { BalanceUpdate } from './types.ts';

/**
 * Appends `rows` to `table` with one appender (nothing when there are none).
 *
 * @example await appendRows(conn, 'holdings', rows, (a, h) => { a.appendVarchar(h.position); … });
 */
export async function appendRows<T>(conn: DuckDBConnection, table: string, rows: readonly T[], write: (a: DuckDBAppender, row: T, index: number) => void): Promise<void> {
  if (rows.length === 0) return;
  const appender = await conn.createAppender(table);
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

/**
 * Writes the books' snapshot inside the caller's transaction: the scalars, the holdings, and
 * the redemptions, share balances and deposit requests — all of them, or (given `touched`)
 * only the rows of the touched holders, owners and controllers.
 *
 * @example await writeSnapshot(conn, state, new Date().toISOString(), new Set([owner]));
 */
export async function writeSnapshot(conn: DuckDBConnection, s: TreasuryState, syncedAt: string, touched?: ReadonlySet<string>): Promise<void> {
  for (const [sql, params] of snapshotStatements(s, syncedAt)) await conn.run(sql, params);
  await conn.run('DELETE FROM holdings');
  const holdings = [...s.holdings].flatMap(([position, assets]) => [...assets].map(([asset, quantity]) => ({ position, asset, quantity })));
  await appendRows(conn, 'holdings', holdings, (a, h) => {
    a.appendVarchar(h.position);
    a.appendVarchar(h.asset);
    a.appendVarchar(h.quantity.toString());
  });
  let owners: string[];
  if (touched === undefined) {
    await conn.run('DELETE FROM redemptions');
    await conn.run('DELETE FROM share_balances');
    await conn.run('DELETE FROM deposit_requests');
    owners = [...new Set([...s.redemptions.keys(), ...s.shareBalances.keys(), ...s.deposits.keys()])];
  } else {
    if (touched.size === 0) return;
    owners = [...touched];
    // addresses hold no newline: the list travels as one text
    const list = owners.join('\n');
    await conn.run('DELETE FROM redemptions WHERE owner IN (SELECT unnest(string_split(?, chr(10))))', [list]);
    await conn.run('DELETE FROM share_balances WHERE holder IN (SELECT unnest(string_split(?, chr(10))))', [list]);
    await conn.run('DELETE FROM deposit_requests WHERE controller IN (SELECT unnest(string_split(?, chr(10))))', [list]);
  }
  await appendRows(conn, 'redemptions', owners.filter((o) => s.redemptions.has(o)), (a, owner) => {
    const r = s.redemptions.get(owner) as OwnerRedemption;
    a.appendVarchar(owner);
    a.appendVarchar(r.pendingShares.toString());
    a.appendVarchar(r.claimableShares.toString());
    a.appendVarchar(r.claimableAssets.toString());
  });
  await appendRows(conn, 'share_balances', owners.filter((h) => s.shareBalances.has(h)), (a, holder) => {
    a.appendVarchar(holder);
    a.appendVarchar((s.shareBalances.get(holder) as bigint).toString());
  });
  await appendRows(conn, 'deposit_requests', owners.filter((c) => s.deposits.has(c)), (a, controller) => {
    const d = s.deposits.get(controller) as OwnerDeposit;
    a.appendVarchar(controller);
    a.appendVarchar(d.pendingAssets.toString());
    a.appendVarchar(d.claimableAssets.toString());
    a.appendVarchar(d.claimableShares.toString());
  });
}

/**
 * Begins a batch in one transaction on `conn`: events and balance updates go to DuckDB's
 * appenders as they come; `commit` flushes them, writes the snapshot and commits; `abort` (or
 * any failure of `commit`) rolls everything back.
 *
 * @example const batch = await openDuckDbBatch(conn); batch.event(s, 1); await batch.commit(state, now);
 */
export async function openDuckDbBatch(conn: DuckDBConnection): Promise<BatchWriter> {
  await conn.run('BEGIN TRANSACTION');
  let appenders: [DuckDBAppender, DuckDBAppender] | null = null;
  let done = false;
  const close = (): void => {
    const open = appenders;
    appenders = null;
    open?.forEach((a) => a.closeSync());
  };
  const abort = async (): Promise<void> => {
    if (done) return;
    done = true;
    try {
      close();
    } catch {
      // the rollback discards whatever the appenders held
    }
    await conn.run('ROLLBACK').catch(() => undefined);
  };
  try {
    appenders = [await conn.createAppender('events'), await conn.createAppender('balance_updates')];
  } catch (e) {
    await abort();
    throw e;
  }
  const [events, updates] = appenders;
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
      try {
        events.flushSync();
        updates.flushSync();
        close();
        await writeSnapshot(conn, state, syncedAt, touched);
        await conn.run('COMMIT');
        done = true;
      } catch (e) {
        await abort();
        throw e;
      }
    },
    abort,
  };
}
