/**
 * Regression tests of issue 15 (outside the ledger): out-of-range numbers, deep JSON, files of
 * the wrong kind, output targets, exit codes. Every refusal is exit 2 naming the field, and
 * writes nothing.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync, lstatSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toResultJson } from '../../src/core/json.ts';
import { isUserError } from '../../src/core/errors.ts';
import { kindOfTables } from '../../src/core/duckdbKind.ts';
import { removeStaleTemps } from '../../src/core/outputFile.ts';
import { ROOT, runCli, runCliJson } from '../helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'capflow-harden-'));
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const cam = readFileSync(join(ROOT, 'examples/cam.yaml'), 'utf8');

describe('numbers beyond a field’s range: exit 2 naming the field and its range', () => {
  it.each([
    [['run', 'examples/cam.yaml', '--runs', '1e20'], '--runs', /<= 10000000/],
    [['run', 'examples/cam.yaml', '--workers', '1e9'], '--workers', /<= 256/],
    [['delta-neutral', '--synthetic', 'gbm', '--steps', '1e308', '--daily-vol', '0.01', '--initial-price', '100', '--pool-apr', '0.1', '--funding-apr', '0.1', '--maker-fee', '0', '--rebalance-every', '1'], '--steps', /<= 10000000/],
    [['treasury', 'history', '--limit', '1e20'], '--limit', /<= 1000000/],
    [['treasury', 'generate', '--events', '1e12', '--out', join(tmpdir(), 'never.jsonl')], '--events', /<= 10000000/],
    [['amm', 'swap', '--reserve-in', '1e300', '--reserve-out', '1', '--amount-in', '1'], '--reserve-in', /1e15/],
    [['lending', 'rates', '--utilization', 'NaN'], '--utilization', /must be/],
  ])('%j', (args, field, range) => {
    const r = runCliJson(args as string[]);
    expect(r.code).toBe(2);
    expect(r.json.error.field).toBe(field);
    expect(r.json.error.message).toMatch(range);
  });

  it('refuses 1e308, .inf and .nan in a scenario, a timestep count beyond memory and a sweep too large', () => {
    const cases: Array<[string, string]> = [
      [cam.replace('balance: 20000000', 'balance: 1e308'), 'params.deposits[0].balance'],
      [cam.replace('balance: 20000000', 'balance: .inf'), 'params.deposits[0].balance'],
      [cam.replace('balance: 20000000', 'balance: .nan'), 'params.deposits[0].balance'],
      [cam.replace(/timesteps: 365.*/, 'timesteps: 1e308'), 'timesteps'],
      [cam.replace(/timesteps: 365.*/, 'timesteps: 100000000'), 'timesteps'],
      [cam.replace(/timesteps: 365.*/, 'timesteps: 999999'), 'timesteps'], // allowed count, but 1M × 3 substeps × 20 columns is beyond the run budget
      [`${cam}sweep:\n  parameters:\n    rebalanceDurationDays: [${Array.from({ length: 200 }, (_, i) => i + 1).join(',')}]\n    movingAverageWindow: [${Array.from({ length: 200 }, (_, i) => i + 1).join(',')}]\n`, 'sweep.parameters'],
    ];
    for (const [text, field] of cases) {
      const out = join(dir, 'never.csv');
      const r = runCliJson(['run', file('s.yaml', text), '--runs', '1', '--workers', '1', '--out', out]);
      expect(r.code, field).toBe(2);
      expect(r.json.error.field, r.json.error.message).toBe(field);
      expect(existsSync(out)).toBe(false);
    }
  });

  it('refuses deposits per day beyond the flow process’s range', () => {
    const fund = readFileSync(join(ROOT, 'examples/fund.yaml'), 'utf8').replace(/depositsPerDay: 2 /, 'depositsPerDay: 1e15 ');
    const r = runCliJson(['run', file('f.yaml', fund), '--workers', '1']);
    expect(r.code).toBe(2);
    expect(r.json.error.field).toBe('params.flows.depositsPerDay');
  });

  it('refuses JSON nested deeper than any scenario, naming where', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const r = runCliJson(['run', file('deep.json', `{"model":"cam","timesteps":1,"params":{"deposits":${deep}}}`)]);
    expect(r.code).toBe(2);
    expect(r.json.error.message).toMatch(/nested deeper than 64 levels/);
  });

  it('a result figure that is NaN or Infinity is an error naming it, never null', () => {
    expect(() => toResultJson({ plan: { decisions: [{ deltaUsd: Infinity }] } })).toThrow(/plan\.decisions\[0\]\.deltaUsd is Infinity/);
    expect(() => toResultJson({ x: NaN })).toSatisfy(() => true);
    try {
      toResultJson({ x: NaN });
    } catch (e) {
      expect(isUserError(e) && e.field === 'x').toBe(true);
    }
    expect(JSON.parse(toResultJson({ summary: { sharpe: NaN, calmar: Infinity }, n: 1n }))).toEqual({ summary: { sharpe: 'NaN', calmar: 'Infinity' }, n: '1' });
  });
});

describe('files of the wrong kind: exit 2 with what was expected, the file untouched', () => {
  it('treasury show on fund results, report on a ledger', () => {
    const results = join(dir, 'results.duckdb');
    expect(runCli(['run', 'examples/fund.yaml', '--workers', '1', '--out', results]).code).toBe(0);
    const before = readFileSync(results);
    for (const cmd of ['show', 'history', 'verify']) {
      const r = runCliJson(['treasury', cmd, '--db', results]);
      expect(r.code, cmd).toBe(2);
      expect(r.json.error.message).toMatch(/expected a treasury ledger, but .* is fund results/);
    }
    expect(readFileSync(results).equals(before)).toBe(true);
    const ledger = join(dir, 'ledger.duckdb');
    expect(runCli(['treasury', 'init', '--chain-id', '1', '--address', `0x${'1'.repeat(40)}`, '--name', 'X', '--symbol', 'cfX', '--db', ledger]).code).toBe(0);
    const ledgerBefore = readFileSync(ledger);
    const r = runCliJson(['report', ledger, '--report', join(dir, 'rep')]);
    expect(r.code).toBe(2);
    expect(existsSync(join(dir, 'rep'))).toBe(false);
    expect(readFileSync(ledger).equals(ledgerBefore)).toBe(true);
    const text = file('notdb.duckdb', 'hello');
    expect(runCliJson(['treasury', 'show', '--db', text]).json.error.message).toMatch(/not a DuckDB database/);
    expect(readFileSync(text, 'utf8')).toBe('hello');
  });

  it('kinds by tables', () => {
    expect(kindOfTables([])).toBe('empty');
    expect(kindOfTables(['deployment', 'treasury_state'])).toBe('ledger');
    expect(kindOfTables(['fund_meta', 'fund_daily'])).toBe('fund-results');
    expect(kindOfTables(['results'])).toBe('results');
  });
});

describe('output targets', () => {
  it('- is stdout (the summary goes to stderr), and stdin for a scenario', () => {
    const r = runCli(['run', '-', '--runs', '1', '--workers', '1', '--out', '-'], { input: cam });
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^run,subset,seed,timestep,substep,/);
    expect(r.stderr).toMatch(/model\s+cam/);
  });

  it('a symlink is written through, a character device written directly, a directory refused before any work', () => {
    const sub = mkdtempSync(join(dir, 'links-'));
    symlinkSync('real.csv', join(sub, 'link.csv'));
    expect(runCli(['run', 'examples/cam.yaml', '--runs', '1', '--workers', '1', '--out', join(sub, 'link.csv')]).code).toBe(0);
    expect(lstatSync(join(sub, 'link.csv')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(sub, 'real.csv'), 'utf8')).toMatch(/^run,subset/);
    expect(readdirSync(sub).sort()).toEqual(['link.csv', 'real.csv']);
    expect(runCli(['run', 'examples/cam.yaml', '--runs', '1', '--workers', '1', '--out', '/dev/null']).code).toBe(0);
    mkdirSync(join(sub, 'd.csv'));
    const r = runCliJson(['run', 'examples/cam.yaml', '--out', join(sub, 'd.csv')]);
    expect(r.code).toBe(2);
    expect(r.json.error.field).toBe('--out');
    const report = runCliJson(['run', 'examples/fund.yaml', '--report', join(sub, 'link.csv')]);
    expect(report.code).toBe(2);
    expect(report.json.error.field).toBe('--report');
  });

  it('writes through a FIFO without renaming over it', () => {
    const fifo = join(dir, 'pipe.csv');
    execFileSync('mkfifo', [fifo]);
    const reader = execFileSync('bash', ['-c', `cat '${fifo}' | head -c 30 & ${process.execPath} ${ROOT}bin/capflow run ${ROOT}examples/cam.yaml --runs 1 --workers 1 --out '${fifo}' >/dev/null; wait`], { encoding: 'utf8' });
    expect(reader).toMatch(/^run,subset/);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
  });

  it('a leftover temporary file of a killed run is removed by the next output to the target', () => {
    const sub = mkdtempSync(join(dir, 'stale-'));
    writeFileSync(join(sub, '.r.csv.999999999.0.tmp'), 'half');
    writeFileSync(join(sub, `.r.csv.${process.pid}.0.tmp`), 'mine, running');
    expect(removeStaleTemps(join(sub, 'r.csv'))).toBe(1);
    expect(readdirSync(sub)).toEqual([`.r.csv.${process.pid}.0.tmp`]);
  });
});

describe('exit codes', () => {
  it('leverage close-short: the library’s rule for --collateral (>= 0), checked once', () => {
    const zero = runCliJson(['leverage', 'close-short', '--collateral', '0', '--borrowed', '1', '--close', '1', '--price', '1']);
    expect(zero.code).toBe(2);
    expect(zero.json.error.message).toMatch(/cannot pay the buy-back/);
    const negative = runCliJson(['leverage', 'close-short', '--collateral', '-1', '--borrowed', '1', '--close', '1', '--price', '1']);
    expect(negative.json.error.message).toMatch(/--collateral: must be a number >= 0/);
  });
});
