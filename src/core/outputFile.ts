/**
 * Atomic output files: a result is written under a temporary name beside its target and
 * renamed into place only when it is complete, so a failed run leaves the old file as it was
 * and no temporary file behind. {@link checkOutputPath} finds a bad path before the work starts.
 */
import { accessSync, constants, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UserError } from './errors.ts';
import { errorCode } from './files.ts';

/** DuckDB keeps a write-ahead log beside a database file: `<file>.wal`. */
const SIDE_FILE_SUFFIXES = ['', '.wal'];

/**
 * Checks that `path` can be written: its directory exists and is writable, and `path` is not a
 * directory. Throws a {@link UserError} naming `field` otherwise.
 *
 * @example checkOutputPath('out/results.parquet', '--out')
 */
export function checkOutputPath(path: string, field: string): void {
  const dir = dirname(path);
  const fail = (message: string): never => {
    throw new UserError({ field, value: path, message, hint: 'pass a file in an existing, writable directory' });
  };
  let isDirectory: boolean;
  try {
    isDirectory = statSync(dir).isDirectory();
  } catch (e) {
    return fail(`cannot write ${path}: directory ${dir} is not there (${errorCode(e)})`);
  }
  if (!isDirectory) fail(`cannot write ${path}: ${dir} is not a directory`);
  try {
    accessSync(dir, constants.W_OK);
  } catch (e) {
    fail(`cannot write ${path}: directory ${dir} is not writable (${errorCode(e)})`);
  }
  let target;
  try {
    target = statSync(path);
  } catch {
    return; // a new file
  }
  if (target.isDirectory()) fail(`cannot write ${path}: it is a directory`);
}

/** An output being written under a temporary name beside its target. */
export interface PendingOutput {
  /** Where the result goes. */
  path: string;
  /** Where it is written meanwhile (same directory, so the rename is atomic). */
  tempPath: string;
  /** Moves the temporary file into place (replacing the target and a stale `<target>.wal`). */
  commit(): void;
  /** Removes the temporary file (and its `.wal`); the target is left as it was. */
  discard(): void;
}

let pendingCount = 0;

/**
 * Starts an atomic output to `path` after {@link checkOutputPath}: write the result to
 * `tempPath`, then `commit()` on success or `discard()` on failure.
 *
 * @example
 * const out = beginOutput('fund.duckdb', '--out');
 * try { await write(out.tempPath); out.commit(); } catch (e) { out.discard(); throw e; }
 */
export function beginOutput(path: string, field: string): PendingOutput {
  checkOutputPath(path, field);
  const tempPath = join(dirname(path), `.${basename(path)}.${process.pid}.${pendingCount++}.tmp`);
  const removeTemp = (): void => {
    for (const suffix of SIDE_FILE_SUFFIXES) rmSync(`${tempPath}${suffix}`, { force: true });
  };
  return {
    path,
    tempPath,
    commit() {
      try {
        rmSync(`${path}.wal`, { force: true }); // a stale log would be replayed onto the new file
        renameSync(tempPath, path);
      } catch (e) {
        removeTemp();
        throw new UserError({ field, value: path, message: `cannot move the result into place (${errorCode(e)})`, hint: 'check the path is writable' });
      }
      removeTemp();
    },
    discard: removeTemp,
  };
}

/**
 * Writes `path` atomically: `write` gets the temporary path; its result is renamed into place
 * when it resolves, and removed when it throws (the error is passed on).
 *
 * @example await writeAtomically('fund.duckdb', '--out', (tempPath) => writeTables(tempPath));
 */
export async function writeAtomically<T>(path: string, field: string, write: (tempPath: string) => Promise<T>): Promise<T> {
  const out = beginOutput(path, field);
  let result: T;
  try {
    result = await write(out.tempPath);
  } catch (e) {
    out.discard();
    throw e;
  }
  out.commit();
  return result;
}
