/**
 * Sharing a DuckDB file between processes. DuckDB locks the file it opens (an advisory lock):
 * one process may hold it for writing, or any number of processes read-only — never a writer
 * and readers at once. capflow therefore opens a store in one of two ways:
 *
 * - a reader ({@link openDuckDbReader}) opens the file read-only, so readers never block each
 *   other. When a writer holds the file (a long `treasury sync`), the reader copies the file and
 *   its write-ahead log into a private temporary directory and reads that copy: DuckDB recovers
 *   it as after a crash, to the last committed transaction (for a sync, the last committed
 *   batch). A copy during which the file changed (a checkpoint) is thrown away and taken again.
 * - a writer ({@link openDuckDbWriter}) waits, with backoff and for a bounded time, while readers
 *   or another writer hold the file; then it gives up with a {@link BusyError} (exit 4) that
 *   explains the one-writer rule and points to PostgreSQL.
 */
import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { DuckDBInstance } from '@duckdb/node-api';
import { duckDbApi } from './duckdb.ts';
import { BusyError, firstErrorLine, UserError } from './errors.ts';

/**
 * An open DuckDB database: the file itself, or a private snapshot of it.
 *
 * @example const db = await openDuckDbReader('fund.duckdb', { field: '--db', hint: 'is it a ledger?' }); try { await db.instance.connect(); } finally { db.close(); }
 */
export interface DuckDbHandle {
  instance: DuckDBInstance;
  /** `file`: the file itself; `snapshot`: a copy of its last committed state (a writer held the file). */
  source: 'file' | 'snapshot';
  /** Closes the database and removes a snapshot's copy. */
  close(): void;
}

/**
 * How to open, and how to name a failure.
 *
 * @example const opts: DuckDbAccessOptions = { field: '--db', hint: 'run `capflow treasury init` first' };
 */
export interface DuckDbAccessOptions {
  /** The flag or config path that gave the path (named in errors). */
  field: string;
  /** What to check when the file cannot be opened at all. */
  hint: string;
  /** How long to wait for other processes, ms (default {@link lockWaitMs}). */
  waitMs?: number;
}

/** Default wait for a lock, ms: `CAPFLOW_LOCK_WAIT_MS`, else 10 s. @example lockWaitMs() // 10000 */
export function lockWaitMs(): number {
  const raw = Number(process.env.CAPFLOW_LOCK_WAIT_MS);
  return Number.isFinite(raw) && raw >= 0 ? raw : 10_000;
}

/**
 * True when DuckDB refused to open a file because another process holds its lock.
 *
 * @example isLockError(new Error('IO Error: Could not set lock on file "x.duckdb": Conflicting lock is held in node (PID 7)')) // true
 */
export function isLockError(e: unknown): boolean {
  return /could not set lock|conflicting lock/i.test(e instanceof Error ? e.message : String(e));
}

/** The PID DuckDB names as the lock's holder, if any. */
function lockHolder(e: unknown): string {
  const m = /\(PID (\d+)\)/.exec(e instanceof Error ? e.message : String(e));
  return m === null ? 'another process' : `process ${m[1]}`;
}

function busyError(path: string, field: string, e: unknown, waitedMs: number): BusyError {
  return new BusyError({
    field,
    value: path,
    message: `${lockHolder(e)} is writing ${path}; waited ${(waitedMs / 1000).toFixed(1)} s. A DuckDB ledger allows one writer process at a time (readers are served a snapshot)`,
    hint: 'run it again when the other command is done, or keep the books in PostgreSQL (--db postgres://…) for concurrent writers',
  });
}

function cannotOpen(path: string, opts: DuckDbAccessOptions, e: unknown): UserError {
  return new UserError({ field: opts.field, value: path, message: `cannot open ${path}: ${firstErrorLine(e)}`, hint: opts.hint });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The next backoff delay: doubling from 20 ms up to 400 ms, never past the deadline. */
function backoff(attempt: number, deadline: number): number {
  return Math.max(0, Math.min(20 * 2 ** attempt, 400, deadline - Date.now()));
}

/**
 * Opens `path` for writing (creating it when missing). While other processes hold it, waits
 * with backoff up to `waitMs`; then a {@link BusyError} (exit 4).
 *
 * @example const db = await openDuckDbWriter('fund.duckdb', { field: '--db', hint: 'is it a ledger?' });
 */
export async function openDuckDbWriter(path: string, opts: DuckDbAccessOptions): Promise<DuckDbHandle> {
  const { DuckDBInstance } = await duckDbApi();
  const started = Date.now();
  const deadline = started + (opts.waitMs ?? lockWaitMs());
  for (let attempt = 0; ; attempt++) {
    try {
      const instance = await DuckDBInstance.create(path);
      return { instance, source: 'file', close: () => instance.closeSync() };
    } catch (e) {
      if (!isLockError(e)) throw cannotOpen(path, opts, e);
      if (Date.now() >= deadline) throw busyError(path, opts.field, e, Date.now() - started);
      await sleep(backoff(attempt, deadline));
    }
  }
}

/** What identifies a file's content for a copy: a checkpoint or a replaced file changes it. */
function stamp(path: string): string {
  const s = statSync(path, { bigint: true });
  return `${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
}

/**
 * Copies `path` and its write-ahead log into a private directory and opens the copy
 * read-only (DuckDB replays the log's committed transactions in memory). Null when the file
 * changed during the copy or the copy does not open: the caller tries again.
 */
async function openSnapshot(path: string): Promise<DuckDbHandle | null> {
  const { DuckDBInstance } = await duckDbApi();
  const dir = mkdtempSync(join(tmpdir(), 'capflow-snapshot-'));
  const remove = (): void => rmSync(dir, { recursive: true, force: true });
  process.once('exit', remove); // also on Ctrl-C (the CLI exits from its signal handler)
  const discard = (): null => {
    process.off('exit', remove);
    remove();
    return null;
  };
  const copy = join(dir, basename(path));
  try {
    const before = stamp(path);
    copyFileSync(path, copy);
    try {
      copyFileSync(`${path}.wal`, `${copy}.wal`);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e; // no log: everything is checkpointed
    }
    if (stamp(path) !== before) return discard();
    const instance = await DuckDBInstance.create(copy, { access_mode: 'READ_ONLY' });
    return {
      instance,
      source: 'snapshot',
      close: () => {
        try {
          instance.closeSync();
        } finally {
          discard();
        }
      },
    };
  } catch {
    return discard();
  }
}

/**
 * Opens `path` read-only: never takes the write lock, so any number of readers run at once.
 * When a writer holds the file, reads a snapshot of its last committed state instead (see the
 * module notes); when no consistent snapshot can be taken within `waitMs`, a
 * {@link BusyError} (exit 4).
 *
 * @example const db = await openDuckDbReader('fund.duckdb', { field: '--db', hint: 'is it a ledger?' }); db.source // 'file' or 'snapshot'
 */
export async function openDuckDbReader(path: string, opts: DuckDbAccessOptions): Promise<DuckDbHandle> {
  const { DuckDBInstance } = await duckDbApi();
  const started = Date.now();
  const deadline = started + (opts.waitMs ?? lockWaitMs());
  for (let attempt = 0; ; attempt++) {
    try {
      const instance = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
      return { instance, source: 'file', close: () => instance.closeSync() };
    } catch (e) {
      if (!isLockError(e)) throw cannotOpen(path, opts, e);
      if (existsSync(path)) {
        const snapshot = await openSnapshot(path);
        if (snapshot !== null) return snapshot;
      }
      if (Date.now() >= deadline) throw busyError(path, opts.field, e, Date.now() - started);
      await sleep(backoff(attempt, deadline));
    }
  }
}
