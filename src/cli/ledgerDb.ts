/**
 * The `--db` flag of the treasury commands: a DuckDB file or a PostgreSQL URL (else
 * `CAPFLOW_DB_URL`, else ./capflow.duckdb), checked before a store opens it, and printed
 * without a password.
 */
import { expectDuckDbKind, type DuckDbFileKind } from '../core/duckdbKind.ts';
import type { LedgerBackend } from '../ledger/backend.ts';
import { displayDb, isPostgresUrl, ledgerDbFrom, type LedgerDb } from '../ledger/dbUrl.ts';
import { withLedger, type OpenLedgerOptions } from '../ledger/open.ts';
import { DEFAULT_DB_PATH } from '../ledger/store.ts';
import { initLedgerFile, removeLedgerLeftovers } from '../ledger/storeInit.ts';
import type { Deployment } from '../ledger/types.ts';

/** Help text of `--db`. @example command.option('--db <path|url>', DB_HELP) */
export const DB_HELP = `the ledger: a DuckDB file, or postgres://user@host:5432/database (default $CAPFLOW_DB_URL, else ${DEFAULT_DB_PATH}); printed without its password`;

/**
 * The ledger named by `--db` or `CAPFLOW_DB_URL`, checked (see {@link ledgerDbFrom}).
 *
 * @example const where = ledgerDbOf(opts); // { db: 'fund.duckdb', field: '--db' }
 */
export function ledgerDbOf(opts: { db?: string }): LedgerDb {
  return ledgerDbFrom(opts.db);
}

/**
 * Refuses (exit 2, the file untouched) a DuckDB `--db` that is not a ledger — fund results, a
 * result table, another database, not DuckDB at all — before the ledger store opens it (and
 * would add its tables). A missing file passes: the store says there is no ledger. A
 * PostgreSQL URL passes: its store checks the database. Returns the kind found. Removes what a
 * killed `init` left beside a DuckDB file.
 *
 * @example await checkLedgerDb(where, ['missing', 'empty', 'ledger']);
 */
export async function checkLedgerDb(where: LedgerDb, allowed: readonly DuckDbFileKind[] = ['missing', 'ledger']): Promise<DuckDbFileKind | 'postgres'> {
  if (isPostgresUrl(where.db)) return 'postgres';
  removeLedgerLeftovers(where.db); // a killed init's temporary file
  return (await expectDuckDbKind(where.db, allowed, where.field, 'a treasury ledger', 'pass the ledger written by `capflow treasury init --db <path>`')).kind;
}

/**
 * Opens the ledger at `where`, runs `work`, closes it; errors name the flag or variable it came from.
 *
 * @example const counts = await withLedgerAt(where, (store) => store.counts(), { access: 'read' });
 */
export function withLedgerAt<T>(where: LedgerDb, work: (store: LedgerBackend) => Promise<T>, opts: OpenLedgerOptions = {}): Promise<T> {
  return withLedger(where.db, work, { field: where.field, ...opts });
}

/**
 * The ledger's location fit to print (a database URL without its password).
 *
 * @example shownDb(where) // 'postgres://fund@db.internal/ledger'
 */
export function shownDb(where: LedgerDb): string {
  return displayDb(where.db);
}

/**
 * Creates the ledger at `where` for `deployment`: a DuckDB file atomically (built beside it and
 * renamed into place), a PostgreSQL ledger in one transaction (its tables first when missing).
 *
 * @example await initLedgerAt(where, deployment);
 */
export async function initLedgerAt(where: LedgerDb, deployment: Deployment): Promise<void> {
  if (isPostgresUrl(where.db)) await withLedgerAt(where, (store) => store.init(deployment), { create: true });
  else await initLedgerFile(where.db, deployment);
}
