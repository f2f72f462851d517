/**
 * Opening the ledger named by `--db`: a file path opens the DuckDB store, a `postgres://`
 * (or `postgresql://`) URL the PostgreSQL store. Both implement {@link LedgerBackend}, so every
 * treasury command works the same on either.
 */
import type { LedgerBackend } from './backend.ts';
import { isPostgresUrl } from './dbUrl.ts';
import { LedgerStore } from './store.ts';

/**
 * How a command uses the ledger: `read` (show, history, verify: never takes the writer's lock;
 * on PostgreSQL every read sees one committed snapshot) or `write` (init, sync, migrate).
 *
 * @example const opts: OpenLedgerOptions = { access: 'read' };
 */
export interface OpenLedgerOptions {
  /** Create the ledger (a new file, or the tables in an empty database) when missing. */
  create?: boolean;
  /** Default `write`. */
  access?: 'read' | 'write';
  /** The flag or variable `db` came from, named in errors (default `--db`). */
  field?: string;
  /** PostgreSQL: how long a writer waits for another writer of the ledger, in ms (0: refuse at once; default `CAPFLOW_LOCK_WAIT_MS`, else 10 s). */
  lockTimeoutMs?: number;
}

/**
 * Opens the ledger at `db` (a DuckDB file path, or a PostgreSQL URL).
 *
 * @example
 * const store = await openLedger('fund.duckdb', { access: 'read' });
 * try { console.log(await store.counts()); } finally { await store.close(); }
 */
export async function openLedger(db: string, opts: OpenLedgerOptions = {}): Promise<LedgerBackend> {
  if (isPostgresUrl(db)) {
    // loaded on first use: DuckDB-only users never load the PostgreSQL client
    const { PgLedgerStore } = await import('./pgStore.ts');
    return PgLedgerStore.open(db, opts);
  }
  return LedgerStore.open(db, { create: opts.create, readOnly: opts.access === 'read' });
}

/**
 * Opens the ledger at `db`, runs `work` with it and closes it, whatever happens.
 *
 * @example const counts = await withLedger('fund.duckdb', (store) => store.counts(), { access: 'read' });
 */
export async function withLedger<T>(db: string, work: (store: LedgerBackend) => Promise<T>, opts: OpenLedgerOptions = {}): Promise<T> {
  const store = await openLedger(db, opts);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}
