import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isUserError } from '../../src/core/errors.ts';
import { openSink, sinkTargetForPath } from '../../src/sim/sinks.ts';
import type { ResultChunk } from '../../src/sim/engine.ts';
import { queryDuckDb } from '../helpers/duckdb.ts';

const chunk = (run: number): ResultChunk => ({
  columns: ['run', 'subset', 'timestep', 'substep', 'x', 'y'],
  rows: 2,
  data: new Float64Array([run, 0, 0, 0, 1.5, -2, run, 0, 1, 1, 0.1, 1e-300]),
});

describe('sinks', () => {
  const dir = mkdtempSync(join(tmpdir(), 'capflow-sinks-'));

  it('picks the sink from the extension', () => {
    expect(sinkTargetForPath('a.duckdb').kind).toBe('duckdb');
    expect(sinkTargetForPath('a.PARQUET').kind).toBe('parquet');
    expect(sinkTargetForPath('a.csv').kind).toBe('csv');
    expect(() => sinkTargetForPath('a.txt')).toThrow(/--out: unsupported output type/);
  });

  it('memory: concatenates chunks', async () => {
    const sink = await openSink({ kind: 'memory' }, 1);
    await sink.write(chunk(0));
    await sink.write(chunk(1));
    const s = await sink.close();
    expect(s.rows).toBe(4);
    expect(Array.from(s.result!.data.subarray(12, 18))).toEqual([1, 0, 0, 0, 1.5, -2]);
  });

  it('duckdb: a table "results" with typed key columns, the seed and exact doubles', async () => {
    const path = join(dir, 'r.duckdb');
    const sink = await openSink({ kind: 'duckdb', path }, 2n ** 63n + 5n);
    await sink.write(chunk(0));
    await sink.write(chunk(1));
    expect((await sink.close()).rows).toBe(4);
    const rows = await queryDuckDb(path, 'SELECT run, subset, seed, timestep, substep, x, y FROM results ORDER BY run, timestep');
    expect(rows[3]).toEqual([1, 0, 2n ** 63n + 5n, 1, 1, 0.1, 1e-300]);
    const types = await queryDuckDb(path, "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'results'");
    expect(types).toContainEqual(['run', 'INTEGER']);
    expect(types).toContainEqual(['seed', 'UBIGINT']);
    expect(types).toContainEqual(['x', 'DOUBLE']);
  });

  it('csv and parquet: written by DuckDB, readable back', async () => {
    for (const ext of ['csv', 'parquet']) {
      const path = join(dir, `r.${ext}`);
      const sink = await openSink(sinkTargetForPath(path), 42);
      await sink.write(chunk(3));
      await sink.close();
      const rows = await queryDuckDb(':memory:', `SELECT run, seed, x, y FROM '${path}'`);
      expect(rows.map((r) => r.map(Number))).toEqual([[3, 42, 1.5, -2], [3, 42, 0.1, 1e-300]]);
    }
    expect(readFileSync(join(dir, 'r.csv'), 'utf8').split('\n')[0]).toBe('run,subset,seed,timestep,substep,x,y');
  });

  it('checks the output path up front, naming --out', async () => {
    const missing = join(dir, 'missing', 'r.parquet');
    expect(() => sinkTargetForPath(missing)).toThrow(/^--out: cannot write .*missing is not there/);
    mkdirSync(join(dir, 'taken.csv'));
    expect(() => sinkTargetForPath(join(dir, 'taken.csv'))).toThrow(/^--out: cannot write .*: it is a directory/);
    for (const kind of ['duckdb', 'parquet', 'csv'] as const) {
      await expect(openSink({ kind, path: join(dir, 'missing', `r.${kind}`) }, 1)).rejects.toSatisfy((e) => isUserError(e) && e.field === '--out');
    }
  });

  it('replaces an existing file only on close; abort keeps it and leaves no temporary file', async () => {
    for (const ext of ['duckdb', 'parquet', 'csv']) {
      const sub = mkdtempSync(join(dir, `${ext}-`));
      const path = join(sub, `r.${ext}`);
      writeFileSync(path, 'old results');
      const aborted = await openSink(sinkTargetForPath(path), 1);
      await aborted.write(chunk(0));
      await aborted.abort();
      expect(readFileSync(path, 'utf8'), ext).toBe('old results');
      expect(readdirSync(sub), ext).toEqual([`r.${ext}`]);
      const closed = await openSink(sinkTargetForPath(path), 1);
      await closed.write(chunk(0));
      expect(readFileSync(path, 'utf8'), ext).toBe('old results'); // still the old file while rows arrive
      await closed.close();
      const rows = await queryDuckDb(ext === 'duckdb' ? path : ':memory:', `SELECT count(*) FROM ${ext === 'duckdb' ? 'results' : `'${path}'`}`);
      expect(rows[0][0], ext).toBe(2n);
      expect(readdirSync(sub), ext).toEqual([`r.${ext}`]);
    }
  });
});
