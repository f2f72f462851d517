import { describe, expect, it } from 'vitest';
import { runCli, runCliJson } from '../helpers/cli.ts';

const RATES = ['lending', 'rates'];

describe('capflow lending rates', () => {
  it('prints exactly borrowApr, supplyApr, borrowApy, supplyApy with the USDC-like defaults', () => {
    const r = runCliJson([...RATES, '--utilization', '0.8']);
    expect(r.code).toBe(0);
    expect(Object.keys(r.json)).toEqual(['borrowApr', 'supplyApr', 'borrowApy', 'supplyApy']);
    const borrowApr = (0.06 * 0.8) / 0.9;
    expect(r.json.borrowApr).toBeCloseTo(borrowApr, 15);
    expect(r.json.supplyApr).toBeCloseTo(borrowApr * 0.8 * 0.9, 15);
    // per-second compounding is within apr²/(2·year) of continuous compounding
    expect(r.json.borrowApy).toBeCloseTo(Math.expm1(borrowApr), 9);
    expect(r.json.borrowApy).toBeLessThan(Math.expm1(borrowApr));
    expect(r.json.supplyApy).toBeCloseTo(Math.expm1(r.json.supplyApr), 9);
  });

  it('takes every strategy parameter above the kink', () => {
    const r = runCliJson([...RATES, '--utilization', '0.9', '--base', '0.01', '--slope1', '0.04', '--slope2', '0.75', '--optimal', '0.8', '--reserve-factor', '0.2']);
    expect(r.code).toBe(0);
    const borrowApr = 0.01 + 0.04 + (0.75 * 0.1) / 0.2;
    expect(r.json.borrowApr).toBeCloseTo(borrowApr, 15);
    expect(r.json.supplyApr).toBeCloseTo(borrowApr * 0.9 * 0.8, 15);
  });

  it('accepts the ends of [0, 1]', () => {
    expect(runCliJson([...RATES, '--utilization', '0']).json).toEqual({ borrowApr: 0, supplyApr: 0, borrowApy: 0, supplyApy: 0 });
    expect(runCliJson([...RATES, '--utilization', '1']).json.borrowApr).toBeCloseTo(0.66, 15);
  });

  it('prints an aligned table with units', () => {
    const r = runCli([...RATES, '--utilization', '0.8']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('APR (%)');
    expect(r.stdout).toMatch(/borrow\s+5\.333333\s+5\.478118/);
    expect(r.stdout).toMatch(/supply\s+3\.84\s+3\.914681/);
    const lines = r.stdout.trimEnd().split('\n').slice(2); // separator and rows (the header is trimmed)
    expect(new Set(lines.map((l) => l.length)).size).toBe(1);
  });

  it.each([
    [['--utilization', '1.5'], '--utilization'],
    [['--utilization', '-0.1'], '--utilization'],
    [['--utilization', 'high'], '--utilization'],
    [[], '--utilization'],
    [['--utilization', '0.5', '--base', '-0.01'], '--base'],
    [['--utilization', '0.5', '--slope1', 'x'], '--slope1'],
    [['--utilization', '0.5', '--slope2', '-1'], '--slope2'],
    [['--utilization', '0.5', '--optimal', '0'], '--optimal'],
    [['--utilization', '0.5', '--reserve-factor', '1.1'], '--reserve-factor'],
  ])('exits 2 naming the flag: %j', (args, flag) => {
    const r = runCliJson([...RATES, ...args]);
    expect(r.code).toBe(2);
    expect(r.json.error.field).toBe(flag);
    expect(r.json.error.message).toContain(flag);
  });

  it('a bad value without --json is one line on stderr', () => {
    const r = runCli([...RATES, '--utilization', '2']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('--utilization');
  });

  it('documents flags and defaults in --help', () => {
    const r = runCli([...RATES, '--help']);
    expect(r.code).toBe(0);
    const help = r.stdout.replace(/\s+/g, ' '); // commander wraps long lines
    for (const text of ['--utilization <frac>', '--base <apr>', '--slope1 <apr>', '--slope2 <apr>', '--optimal <frac>', '--reserve-factor <frac>', 'default 0.06', 'default 0.9', '--json']) {
      expect(help).toContain(text);
    }
  });
});
