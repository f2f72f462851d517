import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StageDir } from '../../src/ledger/storeCsv.ts';


/** Longer than the file's 1 MiB buffer, with a quote and a non-ASCII character on the way. */
const LONG = `"é${'x'.repeat(1_100_000)}`;
const text = fc.oneof(
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }), weight: 10 },
  { arbitrary: fc.constantFrom('', '"', '""', ',', 'a,"b"', '\\N', 'NULL', ' padded ', 'é€😀'), weight: 10 },
  { arbitrary: fc.constant(LONG), weight: 1 },
);
const row = fc.tuple(fc.option(text, { nil: null }), fc.option(fc.maxSafeInteger(), { nil: null }), fc.option(fc.double({ noNaN: true }), { nil: null }), fc.option(fc.boolean(), { nil: null }));

describe('staged CSV files', () => {
  it('read back by DuckDB as the values written: quotes, commas, empty text against NULL, any Unicode, values longer than the buffer, every double', async () => {
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    try {
      await conn.run('CREATE TABLE t (i INTEGER, s VARCHAR, n BIGINT, d DOUBLE, b BOOLEAN)');
      await fc.assert(
        fc.asyncProperty(fc.array(row, { maxLength: 30 }), async (rows) => {
          const dir = StageDir.create(tmpdir());
          try {
            const file = dir.file('t', 5);
            rows.forEach(([s, n, d, b], i) => {
              file.appendInteger(i);
              if (s === null) file.appendNull();
              else file.appendVarchar(s);
              if (n === null) file.appendNull();
              else file.appendInteger(n);
              if (d === null) file.appendNull();
              else file.appendDouble(d);
              if (b === null) file.appendNull();
              else file.appendBoolean(b);
              file.endRow();
            });
            await conn.run('DELETE FROM t');
            await file.insertInto(conn, 't');
            const back = (await conn.runAndReadAll('SELECT s, n, d, b FROM t ORDER BY i')).getRows();
            expect(back).toEqual(rows.map(([s, n, d, b]) => [s, n === null ? null : BigInt(n), d, b]));
          } finally {
            dir.remove();
          }
        }),
        { numRuns: 40 },
      );
    } finally {
      conn.closeSync();
      db.closeSync();
    }
  });

  it('refuses a row with too few or too many values', () => {
    const dir = StageDir.create(tmpdir());
    try {
      const file = dir.file('t', 2);
      file.appendVarchar('a');
      expect(() => file.endRow()).toThrow(/row 1 has 1 values, not 2/);
    } finally {
      dir.remove();
    }
  });

  it('removes the stage directories of processes that are gone, and only those', () => {
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const orphan = join(tmpdir(), `.capflow-stage-${gone.stdout}-test`);
    const alive = join(tmpdir(), `.capflow-stage-${process.pid}-test`);
    for (const dir of [orphan, alive]) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, '1-events.csv'), '1\n');
    }
    try {
      const dir = StageDir.create(tmpdir());
      dir.remove();
      expect(existsSync(orphan)).toBe(false);
      expect(existsSync(alive)).toBe(true);
      expect(dir.path).toContain(`.capflow-stage-${process.pid}-`);
    } finally {
      rmSync(orphan, { recursive: true, force: true });
      rmSync(alive, { recursive: true, force: true });
    }
  });
});
