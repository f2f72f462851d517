import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isUserError } from '../../src/core/errors.ts';
import { beginOutput, checkOutputPath, writeAtomically } from '../../src/core/outputFile.ts';

const dir = mkdtempSync(join(tmpdir(), 'capflow-output-'));
const fresh = (name: string): string => mkdtempSync(join(dir, `${name}-`));

describe('checkOutputPath', () => {
  it('accepts a new or existing file in a writable directory', () => {
    const sub = fresh('ok');
    expect(() => checkOutputPath(join(sub, 'new.csv'), '--out')).not.toThrow();
    writeFileSync(join(sub, 'old.csv'), 'x');
    expect(() => checkOutputPath(join(sub, 'old.csv'), '--out')).not.toThrow();
  });

  it('refuses a missing directory, a file as directory and a directory as target, naming the field', () => {
    const sub = fresh('bad');
    writeFileSync(join(sub, 'file'), 'x');
    mkdirSync(join(sub, 'dir.duckdb'));
    for (const [path, message] of [
      [join(sub, 'missing', 'x.csv'), /--out: cannot write .*: directory .*missing is not there/],
      [join(sub, 'file', 'x.csv'), /--out: cannot write .*: .*file is not a directory/],
      [join(sub, 'dir.duckdb'), /--out: cannot write .*: it is a directory/],
    ] as const) {
      expect(() => checkOutputPath(path, '--out')).toThrow(message);
    }
  });
});

describe('writeAtomically', () => {
  it('writes beside the target and renames into place', async () => {
    const sub = fresh('write');
    const path = join(sub, 'r.csv');
    writeFileSync(path, 'old');
    const seen = await writeAtomically(path, '--out', async (tempPath) => {
      expect(tempPath.startsWith(join(sub, '.r.csv.'))).toBe(true);
      writeFileSync(tempPath, 'new');
      expect(readFileSync(path, 'utf8')).toBe('old'); // untouched until the write is complete
      return tempPath;
    });
    expect(readFileSync(path, 'utf8')).toBe('new');
    expect(readdirSync(sub)).toEqual(['r.csv']);
    expect(seen).not.toBe(path);
  });

  it('keeps the old file and removes the temporary file (and its .wal) when the write fails', async () => {
    const sub = fresh('fail');
    const path = join(sub, 'r.duckdb');
    writeFileSync(path, 'old');
    const failing = writeAtomically(path, '--out', async (tempPath) => {
      writeFileSync(tempPath, 'half');
      writeFileSync(`${tempPath}.wal`, 'log');
      throw new Error('disk full');
    });
    await expect(failing).rejects.toThrow('disk full');
    expect(readFileSync(path, 'utf8')).toBe('old');
    expect(readdirSync(sub)).toEqual(['r.duckdb']);
  });

  it('checks the path before writing anything', async () => {
    let called = false;
    const missing = join(fresh('early'), 'missing', 'r.csv');
    await expect(writeAtomically(missing, '--out', async () => (called = true))).rejects.toSatisfy((e) => isUserError(e) && e.field === '--out');
    expect(called).toBe(false);
  });

  it('drops a stale .wal of the target when committing, and reports a failed rename naming the field', () => {
    const sub = fresh('commit');
    const path = join(sub, 'r.duckdb');
    writeFileSync(`${path}.wal`, 'stale');
    const out = beginOutput(path, '--out');
    writeFileSync(out.tempPath, 'new');
    out.commit();
    expect(readdirSync(sub)).toEqual(['r.duckdb']);
    const blocked = beginOutput(join(sub, 'x.csv'), '--out');
    writeFileSync(blocked.tempPath, 'new');
    mkdirSync(join(sub, 'x.csv'));
    writeFileSync(join(sub, 'x.csv', 'inside'), 'x'); // a non-empty directory where the file should go
    expect(() => blocked.commit()).toThrow(/--out: cannot move the result into place/);
    expect(readdirSync(sub).sort()).toEqual(['r.duckdb', 'x.csv']);
  });
});
