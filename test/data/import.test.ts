/**
 * `importHistory` on small files written here: what it accepts (quoted fields, any column
 * order, JSON lines and Parquet, intraday rows, index and share-price series) and each kind of
 * rejection, with the message it gives; a rejected file leaves the history file as it was.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.ts';
import { importHistory } from '../../src/data/import.ts';
import { loadHistoryMarket } from '../../src/data/load.ts';
import { withHistoryStore } from '../../src/data/store.ts';
import type { ImportSpec } from '../../src/data/spec.ts';
import { queryDuckDb } from '../helpers/duckdb.ts';

let dir: string;
let db: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'capflow-import-'));
  db = join(dir, 'history.duckdb');
});

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function venue(name: string, over: Partial<ImportSpec> = {}): ImportSpec {
  return { kind: 'venue', name, map: { date: 'date', apy: 'apy' }, apyUnit: 'percent', rate: 'apr', resample: null, gaps: 'error', nulls: 'error', epoch: null, from: null, to: null, ...over };
}

async function rejected(p: Promise<unknown>): Promise<UserError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error('expected a UserError');
}

const GOOD = 'date,apy,tvl\n2024-01-01,3.65,100\n2024-01-02,7.3,110\n2024-01-03,3.65,120\n';

describe('accepted files', () => {
  it('reads quoted header names with commas, in any column order', async () => {
    const path = file('q.csv', '"TVL, USD","Supply APR (%)",day\n"100",3.65,2024-01-01\n200,"7.3",2024-01-02\n');
    const r = await importHistory(db, path, venue('q', { map: { date: 'day', apy: 'Supply APR (%)', tvl: 'TVL, USD' } }));
    expect(r.days).toBe(2);
    const d = await withHistoryStore(db, (s) => s.venueDays('q'));
    expect(Array.from(d.tvlUsd)).toEqual([100, 200]);
    expect(d.dailyReturn[1]).toBe(3.65 / 100 / 365);
  });

  it('reads JSON lines and Parquet through DuckDB, typed timestamps included', async () => {
    const jsonl = file('v.jsonl', '{"t":"2024-01-01T00:00:00Z","r":0.0365}\n{"t":"2024-01-02T00:00:00Z","r":0.073}\n');
    await importHistory(db, jsonl, venue('j', { map: { date: 't', apy: 'r' }, apyUnit: 'fraction' }));
    const array = file('v.json', '[{"t":"2024-01-01","r":0.0365},{"t":"2024-01-02","r":0.073}]');
    expect((await importHistory(db, array, venue('ja', { map: { date: 't', apy: 'r' }, apyUnit: 'fraction' }))).days).toBe(2);
    const parquet = join(dir, 'v.parquet');
    await queryDuckDb(':memory:', `COPY (SELECT TIMESTAMP '2024-01-01 12:00:00' + INTERVAL (i) DAY AS ts, 1.0 + i * 0.001 AS share_price FROM range(3) t(i)) TO '${parquet}' (FORMAT parquet)`);
    await importHistory(db, parquet, venue('p', { map: { date: 'ts', share_price: 'share_price' }, apyUnit: null, rate: null }));
    const m = await loadHistoryMarket({ db, venues: ['j', 'p'] });
    expect(m.from).toBe('2024-01-01');
    expect(m.to).toBe('2024-01-02');
    expect(m.venues[0].dailyReturn[1]).toBe(0.0365 / 365);
    expect(m.venues[1].dailyReturn[1]).toBeCloseTo(1.001 / 1.0 - 1, 15);
  });

  it('turns a share price into daily returns as the ratio of consecutive days (intraday rows: the day\'s last)', async () => {
    const rows = ['date,price', '2024-01-01 06:00,1.00', '2024-01-01 23:00,1.01', '2024-01-02 01:00,1.02', '2024-01-02 22:00,1.0302', '2024-01-03T12:00:00+02:00,1.040502'];
    const path = file('s.csv', `${rows.join('\n')}\n`);
    await importHistory(db, path, venue('s', { map: { date: 'date', share_price: 'price' }, apyUnit: null, rate: null, resample: 'last' }));
    const d = await withHistoryStore(db, (s) => s.venueDays('s'));
    expect(d.dates).toEqual(['2024-01-01', '2024-01-02', '2024-01-03']);
    expect(d.dailyReturn[1]).toBe(1.0302 / 1.01 - 1);
    expect(d.dailyReturn[2]).toBe(1.040502 / 1.0302 - 1);
    expect(d.apy[2]).toBeCloseTo(Math.pow(1.040502 / 1.0302, 365) - 1, 12);
  });

  it('resamples to the mean when asked, and ffills gaps as filled days of the observation before', async () => {
    const path = file('m.csv', 'date,apy\n2024-01-01T01:00Z,2\n2024-01-01T13:00Z,4\n2024-01-03T00:00Z,5\n');
    const r = await importHistory(db, path, venue('m', { resample: 'mean', gaps: 'ffill' }));
    expect(r.stats).toMatchObject({ resampledDays: 1, gapsFilled: 1 });
    const d = await withHistoryStore(db, (s) => s.venueDays('m'));
    expect(Array.from(d.value)).toEqual([0.03, 0.03, 0.05]);
    expect(Array.from(d.filled)).toEqual([0, 1, 0]);
    expect(d.observedOn).toEqual(['2024-01-01', '2024-01-01', '2024-01-03']);
  });

  it('converts ray rates and APYs; epoch seconds when declared', async () => {
    const path = file('r.csv', 'ts,rate\n1704067200,50000000000000000000000000\n1704153600,50000000000000000000000000\n');
    await importHistory(db, path, venue('r', { map: { date: 'ts', apy: 'rate' }, apyUnit: 'ray', rate: 'apy', epoch: 's' }));
    const d = await withHistoryStore(db, (s) => s.venueDays('r'));
    expect(d.dates).toEqual(['2024-01-01', '2024-01-02']);
    expect(d.apy[0]).toBe(0.05);
    expect(d.dailyReturn[1]).toBeCloseTo(Math.pow(1.05, 1 / 365) - 1, 15);
  });
});

describe('rejections (nothing stored)', () => {
  it('duplicate dates, naming them and their rows', async () => {
    const e = await rejected(importHistory(db, file('d.csv', 'date,apy\n2024-01-01,1\n2024-01-02,1\n2024-01-02,2\n2024-01-03,1\n'), venue('d')));
    expect(e.message).toBe('date: duplicate dates: 2024-01-02 (rows 2, 3) (remove the duplicates, or pass --resample last|mean if the file has intraday rows)');
  });

  it('gaps (default error), listing the missing dates', async () => {
    const e = await rejected(importHistory(db, file('g.csv', 'date,apy\n2024-01-01,1\n2024-01-04,1\n2024-01-05,1\n2024-01-07,1\n'), venue('g')));
    expect(e.field).toBe('--gaps');
    expect(e.message).toContain('3 missing dates: 2024-01-02, 2024-01-03, 2024-01-06');
  });

  it.each([
    ['text', 'abc', 'not a finite number: "abc"'],
    ['NaN', 'NaN', 'not a finite number: "NaN"'],
    ['infinity', 'inf', 'not a finite number: "inf"'],
  ])('a value that is not a finite number (%s) names its row and column', async (_what, cell, message) => {
    const e = await rejected(importHistory(db, file('n.csv', `date,apy\n2024-01-01,1\n2024-01-02,${cell}\n`), venue('n')));
    expect(e.field).toBe('row 2, column "apy"');
    expect(e.message).toContain(message);
  });

  it('an empty cell unless --nulls skip; a bad time; an out-of-range value', async () => {
    expect((await rejected(importHistory(db, file('e.csv', 'date,apy\n2024-01-01,\n'), venue('e')))).message).toContain('row 1, column "apy": empty cell');
    expect((await rejected(importHistory(db, file('t.csv', 'date,apy\n2024-02-30,1\n'), venue('t')))).message).toContain('row 1, column "date": not a calendar date');
    const u = await rejected(importHistory(db, file('u.csv', 'date,apy,u\n2024-01-01,1,1.5\n'), venue('u', { map: { date: 'date', apy: 'apy', utilisation: 'u' } })));
    expect(u.message).toBe('row 1, column "u": utilisation must be within [0, 1], got 1.5');
    const p = await rejected(importHistory(db, file('p.csv', 'date,sp\n2024-01-01,0\n'), venue('p', { map: { date: 'date', share_price: 'sp' } })));
    expect(p.message).toContain('share_price must be > 0, got 0');
  });

  it('undeclared units are never guessed', async () => {
    const path = file('x.csv', GOOD);
    expect((await rejected(importHistory(db, path, venue('x', { apyUnit: null })))).field).toBe('--apy-unit');
    expect((await rejected(importHistory(db, path, venue('x', { rate: null })))).field).toBe('--rate');
    const epoch = await rejected(importHistory(db, file('ep.csv', 'date,apy\n1704067200,1\n'), venue('ep')));
    expect(epoch.field).toBe('--epoch');
    const parquet = join(dir, 'ep.parquet');
    await queryDuckDb(':memory:', `COPY (SELECT 1704067200 AS ts, 1.0 AS apy) TO '${parquet}' (FORMAT parquet)`);
    expect((await rejected(importHistory(db, parquet, venue('ep', { map: { date: 'ts', apy: 'apy' } })))).field).toBe('--epoch');
  });

  it('unknown columns, a missing file, a yield field missing or doubled', async () => {
    const path = file('c.csv', GOOD);
    const e = await rejected(importHistory(db, path, venue('c', { map: { date: 'date', apy: 'supply' } })));
    expect(e.message).toBe('--map: apy: no column "supply" in ' + path + '; its columns are date, apy, tvl (map apy=<one of those>)');
    expect((await rejected(importHistory(db, join(dir, 'none.csv'), venue('c')))).field).toBe('<file>');
    expect((await rejected(importHistory(db, path, venue('c', { map: { date: 'date' } })))).message).toContain('a venue needs exactly one of apy, index, share_price, got none');
    expect((await rejected(importHistory(db, path, venue('c', { map: { date: 'date', apy: 'apy', index: 'tvl' } })))).message).toContain('got apy, index');
    expect((await rejected(importHistory(db, path, venue('c', { map: { date: 'date', index: 'tvl' }, resample: 'mean' })))).field).toBe('--resample');
  });

  it('refuses to write into a DuckDB file that is not a history file', async () => {
    const other = join(dir, 'ledger.duckdb');
    await queryDuckDb(other, 'CREATE TABLE events (x INTEGER)');
    const e = await rejected(importHistory(other, file('ok.csv', GOOD), venue('ok')));
    expect(e.message).toContain('is not a capflow history file');
    expect(await queryDuckDb(other, `SELECT table_name FROM information_schema.tables`)).toEqual([['events']]);
  });

  it('leaves the history file as it was: no partial series, the old one kept on a refused replace', async () => {
    await importHistory(db, file('ok.csv', GOOD), venue('ok'));
    const before = await withHistoryStore(db, async (s) => ({ list: await s.list(), days: await s.venueDays('ok') }));
    const bad = file('bad.csv', 'date,apy\n2024-01-01,1\n2024-01-02,1\n2024-01-03,oops\n');
    await rejected(importHistory(db, bad, venue('ok'), { replace: true }));
    await rejected(importHistory(db, bad, venue('new')));
    const again = await rejected(importHistory(db, file('ok2.csv', GOOD), venue('ok')));
    expect(again.message).toContain('ok is already stored');
    const after = await withHistoryStore(db, async (s) => ({ list: await s.list(), days: await s.venueDays('ok') }));
    expect(after).toEqual(before);
    expect(await queryDuckDb(db, 'SELECT count(*)::INTEGER FROM venue_days')).toEqual([[3]]);
  });
});

describe('loading for a backtest', () => {
  it('the horizon is the days all series cover; no overlap names every range', async () => {
    await importHistory(db, file('a.csv', GOOD), venue('a'));
    await importHistory(db, file('b.csv', 'date,apy\n2024-01-02,1\n2024-01-03,1\n2024-01-04,1\n'), venue('b'));
    await importHistory(db, file('c.csv', 'date,apy\n2025-01-01,1\n'), venue('c'));
    const m = await loadHistoryMarket({ db, venues: ['a', 'b'] });
    expect(m.dates).toEqual(['2024-01-02', '2024-01-03']);
    expect(m.venues[0].dailyReturn[0]).toBe(0);
    expect(m.venues[0].dailyReturn[1]).toBe(7.3 / 100 / 365);
    const e = await rejected(loadHistoryMarket({ db, venues: ['a', 'b', 'c'] }));
    expect(e.message).toBe('market: the series have no day in common: a 2024-01-01..2024-01-03, b 2024-01-02..2024-01-04, c 2025-01-01..2025-01-01 (pick series (and a from/to range) that overlap)');
  });

  it('a series stored with --gaps drop is refused over a range with holes', async () => {
    await importHistory(db, file('h.csv', 'date,apy\n2024-01-01,1\n2024-01-03,1\n2024-01-04,1\n'), venue('h', { gaps: 'drop' }));
    expect((await rejected(loadHistoryMarket({ db, venues: ['h'] }))).message).toContain('h: missing dates in the range: 2024-01-02');
    const m = await loadHistoryMarket({ db, venues: ['h'], from: '2024-01-03' });
    expect(m.dates).toEqual(['2024-01-03', '2024-01-04']);
  });
});
