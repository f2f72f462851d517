import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import { UserError } from '../../src/core/errors.ts';
import {
  checkDate,
  checkPrices,
  checkSyntheticSpec,
  fillSyntheticPath,
  gbmStep,
  jumpCompensator,
  MIN_SIMPLE_RETURN,
  normalReturnStep,
  parsePriceCsv,
  syntheticStep,
} from '../../src/market/prices.ts';
import { summarize } from '../../src/market/stats.ts';
import { ROOT } from '../helpers/cli.ts';

const BTC = `${ROOT}../shared/data/delta-neutral/BTCUSDT_1d.csv`;

describe('historical CSV', () => {
  it('keeps one column over an inclusive date range (the original benchmark window, 212 daily opens)', () => {
    const series = parsePriceCsv(readFileSync(BTC, 'utf8'), { column: 'open', from: '2022-01-02', to: '2022-08-01', source: BTC });
    expect(series.prices).toHaveLength(212);
    expect(series.dates[0]).toBe('2022-01-02');
    expect(series.dates[211]).toBe('2022-08-01');
    const closes = parsePriceCsv(readFileSync(BTC, 'utf8'), { column: 'close', from: '2022-01-02', to: '2022-01-03' });
    expect(closes.prices[0]).toBe(series.prices[1]); // a daily close is the next day's open in this file
  });

  const csv = 'timestamp,open,close\n2022-01-01,100,101\n2022-01-02,101,99\n2022-01-03,99,98\n';
  it('reads a small file and names the bad field', () => {
    expect(Array.from(parsePriceCsv(csv).prices)).toEqual([100, 101, 99]);
    expect(() => parsePriceCsv(csv, { column: 'volume' })).toThrow(/--column.*volume/);
    expect(() => parsePriceCsv(csv, { from: '2022-13-01' })).toThrow(/--from/);
    expect(() => parsePriceCsv(csv, { from: '2022-01-03', to: '2022-01-01' })).toThrow(/--to/);
    expect(() => parsePriceCsv(csv, { from: '2022-01-03' })).toThrow(/at least 2/);
    expect(() => parsePriceCsv('timestamp,open\n2022-01-02,1\n2022-01-01,2\n')).toThrow(/ascending/);
    expect(() => parsePriceCsv('timestamp,open\n2022-01-01,1\n2022-01-02,-2\n')).toThrow(UserError);
  });

  it('names the flag whose bound left fewer than 2 rows', () => {
    const text = readFileSync(BTC, 'utf8');
    const fail = (opts: { from?: string; to?: string }): UserError => {
      try {
        parsePriceCsv(text, { ...opts, source: 'BTC.csv' });
      } catch (e) {
        if (e instanceof UserError) return e;
      }
      throw new Error('expected a UserError');
    };
    const early = fail({ to: '2010-01-01' }); // before the file's first date: --to empties the range
    expect(early.field).toBe('--to');
    expect(early.value).toBe('2010-01-01');
    expect(early.message).toMatch(/^--to: the date range \.\.2010-01-01 keeps 0 row\(s\) of BTC\.csv; .*the file's dates run 2017-08-17\.\./);
    const late = fail({ from: '2030-01-01' });
    expect(late.field).toBe('--from');
    expect(fail({ from: '2022-01-05', to: '2022-01-05' }).field).toBe('--from/--to'); // both bounds cut rows
    expect(fail({ from: '2010-01-01', to: '2011-01-01' }).field).toBe('--to'); // all rows are after --to
    expect(() => parsePriceCsv('timestamp,open\n2022-01-01,1\n', { source: 'one.csv' })).toThrow(/^one\.csv: has 1 data row/);
  });

  it('refuses a row whose field count differs from the header, naming its line', () => {
    expect(() => parsePriceCsv('timestamp,open\n2022-01-01,1\n2022-01-02,2,7\n', { source: 'x.csv' })).toThrow('x.csv:3: line 3 has 3 fields, the header has 2');
    expect(() => parsePriceCsv('timestamp,open,close\n2022-01-01,1,1\n\n2022-01-02,2\n', { source: 'x.csv' })).toThrow(/^x\.csv:4: line 4 has 2 fields/); // blank lines count
    // unused header columns are fine when every row has them
    expect(Array.from(parsePriceCsv('timestamp,open,high,low\n2022-01-01,1,2,0.5\n2022-01-02,2,3,1\n').prices)).toEqual([1, 2]);
  });

  it('checks dates and explicit lists', () => {
    expect(checkDate('--to', '2024-02-29')).toBe('2024-02-29');
    expect(() => checkDate('--to', '2023-02-29')).toThrow(/--to/);
    expect(() => checkPrices('--prices-json', [1])).toThrow(/at least 2/);
    expect(() => checkPrices('--prices-json', [1, Number.NaN])).toThrow(/--prices-json\[1\]/);
  });
});

describe('synthetic paths', () => {
  it('fillSyntheticPath gives, bit for bit, the prices of repeated syntheticStep calls (its normals drawn in one pass)', () => {
    const jump = { intensityPerStep: 0.2, meanLog: -0.05, volLog: 0.1 };
    for (const kind of ['gbm', 'normal', 'jump'] as const) {
      const spec = { kind, initialPrice: 35000, volPerStep: 0.06, steps: 400, driftPerStep: 0.001, jump };
      const path = fillSyntheticPath(new Float64Array(401), spec, Rng.stream(3, 8));
      const rng = Rng.stream(3, 8);
      const stepwise = [spec.initialPrice];
      for (let t = 1; t <= spec.steps; t++) stepwise.push(syntheticStep(spec, stepwise[t - 1], rng, kind === 'jump' ? jumpCompensator(jump) : 0));
      expect(Array.from(path), kind).toEqual(stepwise);
    }
  });

  it('are seeded: the same stream gives the same path, another stream another path', () => {
    const spec = { kind: 'jump' as const, initialPrice: 100, volPerStep: 0.05, steps: 50 };
    const a = fillSyntheticPath(new Float64Array(51), spec, Rng.stream(7, 3));
    const b = fillSyntheticPath(new Float64Array(51), spec, Rng.stream(7, 3));
    const c = fillSyntheticPath(new Float64Array(51), spec, Rng.stream(7, 4));
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
    expect(a[0]).toBe(100);
  });

  it('are martingales: the mean final price is P0 within 3 standard errors (gbm, jump, normal)', () => {
    for (const kind of ['gbm', 'jump', 'normal'] as const) {
      const finals = new Float64Array(4000);
      const path = new Float64Array(31);
      for (let i = 0; i < finals.length; i++) finals[i] = fillSyntheticPath(path, { kind, initialPrice: 100, volPerStep: 0.04, steps: 30, jump: { intensityPerStep: 0.2, meanLog: -0.05, volLog: 0.1 } }, Rng.stream(11, i))[30];
      const s = summarize(finals);
      expect(Math.abs(s.mean - 100), kind).toBeLessThan(3 * s.sem);
    }
  });

  it('step formulas', () => {
    expect(gbmStep(100, 0.1, 0, 0)).toBeCloseTo(100 * Math.exp(-0.005), 12);
    expect(normalReturnStep(100, 0.05, 0, 1)).toBeCloseTo(105, 12);
    expect(normalReturnStep(100, 0.5, 0, -10)).toBeCloseTo(100 * (1 + MIN_SIMPLE_RETURN), 12); // floored, stays > 0
    expect(jumpCompensator({ intensityPerStep: 0.5, meanLog: 0, volLog: 0 })).toBe(0);
  });

  it('rejects bad specs naming the flag', () => {
    expect(() => checkSyntheticSpec({ kind: 'gbm', initialPrice: 0, volPerStep: 0.1, steps: 3 })).toThrow(/--initial-price/);
    expect(() => checkSyntheticSpec({ kind: 'gbm', initialPrice: 1, volPerStep: -1, steps: 3 })).toThrow(/--daily-vol/);
    expect(() => checkSyntheticSpec({ kind: 'gbm', initialPrice: 1, volPerStep: 0.1, steps: 2.5 })).toThrow(/--steps/);
  });
});
