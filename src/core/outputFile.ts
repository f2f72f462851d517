/**
 * Atomic output files: a result is written under a temporary name beside its target and
 * renamed into place only when it is complete, so a failed run leaves the old file as it was
 * and no temporary file behind. {@link checkOutputPath} finds a bad path before the work starts.
 *
 * Targets that are not plain files:
 * - `-` is standard output: the result is written to a temporary file, then copied to stdout;
 * - a symlink is written through: the file it points to is replaced, the link stays;
 * - a FIFO, a character device (`/dev/stdout`, `/dev/null`) or a socket is written directly
 *   (after the result is complete), never renamed over.
 *
 * Temporary files are named `.<target>.<pid>.<n>.tmp`; every pending one is removed by
 * {@link discardPendingOutputs} (the CLI calls it on Ctrl-C), and a leftover of a process that
 * is gone (killed) is removed by the next output to the same target.
 */
import { accessSync, closeSync, constants, lstatSync, openSync, readdirSync, readFileSync, readlinkSync, realpathSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { UserError } from './errors.ts';
import { errorCode } from './files.ts';

/** DuckDB keeps a write-ahead log beside a database file: `<file>.wal`. */
const SIDE_FILE_SUFFIXES = ['', '.wal'];

/** The path that means standard output (and standard input for inputs). */
export const STDIO_PATH = '-';

/** How an output reaches its target. */
type TargetMode = 'rename' | 'stream' | 'stdout';

/** Where a write to `path` really goes: the file a symlink points to, or the path itself. */
function resolveTarget(path: string): string {
  let link;
  try {
    link = lstatSync(path);
  } catch {
    return path; // a new file
  }
  if (!link.isSymbolicLink()) return path;
  try {
    return realpathSync(path);
  } catch {
    // a dangling link: write the file it names (relative to the link's directory)
    return resolve(dirname(path), readlinkSync(path));
  }
}

/**
 * True for `-`, a FIFO, a character device or a socket: a target that is written directly,
 * whose name says nothing about a file type.
 *
 * @example isStreamTarget('/dev/stdout') // true
 */
export function isStreamTarget(path: string): boolean {
  return targetMode(path) !== 'rename';
}

/** Special files are written directly; everything else is renamed into place. */
function targetMode(path: string): TargetMode {
  if (path === STDIO_PATH) return 'stdout';
  try {
    const st = statSync(path);
    if (st.isFIFO() || st.isCharacterDevice() || st.isSocket()) return 'stream';
  } catch {
    // a new file
  }
  return 'rename';
}

/**
 * Checks that `path` can be written: its directory exists and is writable, and `path` is not a
 * directory. `-` (stdout), FIFOs and character devices must be writable. Throws a
 * {@link UserError} naming `field` otherwise.
 *
 * @example checkOutputPath('out/results.parquet', '--out')
 */
export function checkOutputPath(path: string, field: string): void {
  const fail = (message: string): never => {
    throw new UserError({ field, value: path, message, hint: 'pass a file in an existing, writable directory' });
  };
  if (path === '') fail('is empty');
  const mode = targetMode(path);
  if (mode === 'stdout') return;
  if (mode === 'stream') {
    try {
      accessSync(path, constants.W_OK);
    } catch (e) {
      fail(`cannot write ${path} (${errorCode(e)})`);
    }
    return;
  }
  const target = resolveTarget(path);
  const dir = dirname(target);
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
  let st;
  try {
    st = statSync(target);
  } catch {
    return; // a new file
  }
  if (st.isDirectory()) fail(`cannot write ${path}: it is a directory`);
}

/** An output being written under a temporary name beside its target. */
export interface PendingOutput {
  /** Where the result goes (as given: `-`, a symlink, a file). */
  path: string;
  /** Where it is written meanwhile (beside the real target, so the rename is atomic). */
  tempPath: string;
  /** Moves the temporary file into place (replacing the target and a stale `<target>.wal`). */
  commit(): void;
  /** Removes the temporary file (and its `.wal`); the target is left as it was. */
  discard(): void;
}

let pendingCount = 0;
const pending = new Set<PendingOutput>();

/**
 * Removes the temporary files of every output not yet committed or discarded (the CLI calls
 * this when interrupted) and returns how many there were.
 *
 * @example process.once('SIGINT', () => { discardPendingOutputs(); process.exit(130); });
 */
export function discardPendingOutputs(): number {
  const all = [...pending];
  for (const out of all) out.discard();
  return all.length;
}

const TEMP_NAME = /^\.(.+)\.(\d+)\.\d+\.tmp(\.wal)?$/;

function processIsGone(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return errorCode(e) === 'ESRCH';
  }
}

/**
 * Removes temporary files a killed run left beside `target` (`.<name>.<pid>.<n>.tmp`, with
 * its `.wal`) whose process is gone; those of running processes are left alone.
 *
 * @example removeStaleTemps('/data/fund.duckdb') // 1 (a leftover of a SIGKILLed run)
 */
export function removeStaleTemps(target: string): number {
  const dir = dirname(target);
  const name = basename(target);
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const entry of entries) {
    const m = TEMP_NAME.exec(entry);
    if (m === null || m[1] !== name || !processIsGone(Number(m[2]))) continue;
    rmSync(join(dir, entry), { force: true });
    removed++;
  }
  return removed;
}

/** Copies a finished temporary file to a FIFO, a device or stdout, in chunks. */
function copyInto(tempPath: string, fd: number): void {
  const data = readFileSync(tempPath);
  let offset = 0;
  while (offset < data.length) {
    try {
      offset += writeSync(fd, data, offset, Math.min(data.length - offset, 1 << 20));
    } catch (e) {
      if (errorCode(e) === 'EAGAIN') continue; // a non-blocking pipe that is full: try again
      throw e;
    }
  }
}

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
  const mode = targetMode(path);
  const target = mode === 'rename' ? resolveTarget(path) : path;
  if (mode === 'rename') removeStaleTemps(target);
  const tempDir = mode === 'rename' ? dirname(target) : tmpdir();
  const tempName = mode === 'rename' ? basename(target) : 'capflow-output';
  const tempPath = join(tempDir, `.${tempName}.${process.pid}.${pendingCount++}.tmp`);
  const removeTemp = (): void => {
    pending.delete(out);
    for (const suffix of SIDE_FILE_SUFFIXES) rmSync(`${tempPath}${suffix}`, { force: true });
  };
  const commit = (): void => {
    if (mode === 'stdout') {
      try {
        copyInto(tempPath, process.stdout.fd);
      } catch (e) {
        if (errorCode(e) !== 'EPIPE') throw e; // the reader stopped early (`| head`): not an error
      }
      return;
    }
    if (mode === 'stream') {
      const fd = openSync(target, 'w');
      try {
        copyInto(tempPath, fd);
      } catch (e) {
        if (errorCode(e) !== 'EPIPE') throw e;
      } finally {
        closeSync(fd);
      }
      return;
    }
    rmSync(`${target}.wal`, { force: true }); // a stale log would be replayed onto the new file
    renameSync(tempPath, target);
  };
  const out: PendingOutput = {
    path,
    tempPath,
    commit() {
      try {
        commit();
      } catch (e) {
        removeTemp();
        throw new UserError({ field, value: path, message: `cannot move the result into place (${errorCode(e)})`, hint: 'check the path is writable' });
      }
      removeTemp();
    },
    discard: removeTemp,
  };
  pending.add(out);
  return out;
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
