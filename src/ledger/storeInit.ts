/**
 * Creating a ledger file atomically: the schema, the deployment and the empty books are built
 * in a temporary file beside the target (`.<name>.<pid>.<n>.tmp`), which is closed (fully
 * checkpointed, no write-ahead log left) and then renamed into place. A process killed at any
 * moment leaves either no ledger or a complete one; its temporary file is removed by the next
 * treasury command on the same path (see {@link removeStaleTemps}).
 */
import { beginOutput, isStreamTarget, removeStaleTemps } from '../core/outputFile.ts';
import { expectDuckDbKind, inspectDuckDbFile } from '../core/duckdbKind.ts';
import { UserError } from '../core/errors.ts';
import { withLedger } from './open.ts';
import { withLedgerStore } from './store.ts';
import type { Deployment } from './types.ts';

/**
 * Creates the ledger at `path` for `deployment`, atomically (a PostgreSQL URL is passed to its
 * store, whose init is one transaction). A path that already holds a ledger
 * or any other file is refused (naming `--db`) and left as it was; an empty DuckDB file is
 * replaced.
 *
 * @example await initLedgerFile('fund.duckdb', deployment);
 */
export async function initLedgerFile(path: string, deployment: Deployment): Promise<void> {
  if (/^postgres(ql)?:\/\//i.test(path)) return withLedger(path, (store) => store.init(deployment), { create: true }); // a database: its own transaction
  if (isStreamTarget(path)) throw new UserError({ field: '--db', value: path, message: 'must be a file (not -, a pipe or a device)', hint: 'pass --db <file.duckdb>' });
  const { kind } = await expectDuckDbKind(path, ['missing', 'empty', 'ledger'], '--db', 'a new ledger path', 'pass a new file, or an empty DuckDB file');
  if (kind === 'ledger' || kind === 'locked') {
    await withLedgerStore(path, (store) => store.init(deployment)); // refused: it already keeps books (or is busy)
    return;
  }
  const out = beginOutput(path, '--db');
  try {
    await withLedgerStore(out.tempPath, (store) => store.init(deployment), { create: true });
    const now = (await inspectDuckDbFile(path)).kind;
    if (now === 'ledger' || now === 'locked') throw new UserError({ field: '--db', value: path, message: `another process created a ledger at ${path} meanwhile`, hint: 'use another --db path' });
  } catch (e) {
    out.discard();
    throw e;
  }
  out.commit();
}

/**
 * Removes temporary files that a killed `treasury init` (or another atomic write) left beside
 * `path`; those of running processes stay. Returns how many were removed.
 *
 * @example removeLedgerLeftovers('fund.duckdb') // 1
 */
export function removeLedgerLeftovers(path: string): number {
  return isStreamTarget(path) ? 0 : removeStaleTemps(path);
}
