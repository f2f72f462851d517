import { describe, expect, it } from 'vitest';
import { runCli, runCliJson } from '../helpers/cli.ts';

const SWAP = ['amm', 'swap'];

describe('capflow amm swap', () => {
  it('prints the output, price impact and new reserves as JSON', () => {
    const r = runCliJson([...SWAP, '--reserve-in', '1000', '--reserve-out', '2000000', '--amount-in', '10']);
    expect(r.code).toBe(0);
    expect(Object.keys(r.json).sort()).toEqual(['amountOut', 'newReserveIn', 'newReserveOut', 'priceImpact']);
    const inAfterFee = 10 * 0.997;
    const expectedOut = (inAfterFee * 2_000_000) / (1000 + inAfterFee);
    expect(r.json.amountOut).toBeCloseTo(expectedOut, 9);
    expect(r.json.priceImpact).toBeCloseTo(inAfterFee / (1000 + inAfterFee), 12);
    expect(r.json.newReserveIn).toBe(1010);
    expect(r.json.newReserveOut).toBeCloseTo(2_000_000 - expectedOut, 9);
  });

  it('computes in exact decimal units, not in float sums', () => {
    // 0.1·0.3/(0.2 + 0.1) = 0.1 exactly with no fee; the float sum 0.2 + 0.1 would give 0.30000000000000004.
    const r = runCliJson([...SWAP, '--reserve-in', '0.2', '--reserve-out', '0.3', '--amount-in', '0.1', '--fee', '0']);
    expect(r.code).toBe(0);
    expect(r.json.amountOut).toBe(0.1);
    expect(r.json.newReserveIn).toBe(0.3);
    expect(r.json.newReserveOut).toBe(0.2);
    expect(r.json.priceImpact).toBeCloseTo(1 / 3, 15);
  });

  it('takes --fee as a fraction and handles a zero-amount swap', () => {
    const noFee = runCliJson([...SWAP, '--reserve-in', '100', '--reserve-out', '100', '--amount-in', '1', '--fee', '0']).json;
    const fee1pct = runCliJson([...SWAP, '--reserve-in', '100', '--reserve-out', '100', '--amount-in', '1', '--fee', '0.01']).json;
    expect(noFee.amountOut).toBeCloseTo(100 / 101, 15);
    expect(fee1pct.amountOut).toBeCloseTo((0.99 * 100) / 100.99, 15);
    const zero = runCliJson([...SWAP, '--reserve-in', '5', '--reserve-out', '7', '--amount-in', '0']);
    expect(zero.json).toEqual({ amountOut: 0, priceImpact: 0, newReserveIn: 5, newReserveOut: 7 });
  });

  it('prints an aligned table with units without --json', () => {
    const r = runCli([...SWAP, '--reserve-in', '1000', '--reserve-out', '2000000', '--amount-in', '10']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    const amountOut = lines.find((l) => l.startsWith('amount out'));
    expect(amountOut).toMatch(/19,743\.160688\s+token out$/);
    expect(r.stdout).toMatch(/price impact\s+0\.987158\s+% \(fee excluded\)/);
    expect(r.stdout).toMatch(/new reserve in\s+1,010\s+token in/);
    // values end in the same column
    const valueEnds = lines.map((l) => l.search(/\s{2}(token|%)/));
    expect(new Set(valueEnds).size).toBe(1);
  });

  it('has --help naming every flag', () => {
    const r = runCli([...SWAP, '--help']);
    expect(r.code).toBe(0);
    for (const flag of ['--reserve-in', '--reserve-out', '--amount-in', '--fee', '--json']) expect(r.stdout).toContain(flag);
    expect(runCli(['amm', '--help']).stdout).toContain('swap');
  });

  describe('bad input exits 2 naming the flag', () => {
    const base = { '--reserve-in': '1000', '--reserve-out': '2000', '--amount-in': '1' };
    const cases: [string, Record<string, string | undefined>, RegExp][] = [
      ['non-number reserve', { '--reserve-in': 'abc' }, /--reserve-in: must be a number > 0, got "abc"/],
      ['zero reserve', { '--reserve-in': '0' }, /--reserve-in: must be a number > 0, got 0/],
      ['negative reserve', { '--reserve-out': '-5' }, /--reserve-out: must be a number > 0, got -5/],
      ['reserve below one base unit', { '--reserve-out': '1e-20' }, /--reserve-out: must be at least 1e-18/],
      ['negative amount', { '--amount-in': '-1' }, /--amount-in: must be a number >= 0, got -1/],
      ['NaN amount', { '--amount-in': 'NaN' }, /--amount-in: must be a number/],
      ['missing amount', { '--amount-in': undefined }, /--amount-in: is required/],
      ['fee of 1', { '--fee': '1' }, /--fee: must be a number >= 0 and < 1, got 1/],
      ['negative fee', { '--fee': '-0.003' }, /--fee: must be a number >= 0/],
      ['non-number fee', { '--fee': '0.3%' }, /--fee: must be a number/],
      ['fee finer than 1e-6', { '--fee': '0.0000001' }, /--fee: must be a multiple of 0.000001/],
    ];
    const args = (over: Record<string, string | undefined>): string[] =>
      Object.entries({ ...base, ...over }).flatMap(([flag, value]) => (value === undefined ? [] : [flag, value]));

    it.each(cases)('%s', (_name, over, message) => {
      const r = runCli([...SWAP, ...args(over)]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    });

    it('reports the field in JSON', () => {
      const r = runCliJson([...SWAP, ...args({ '--reserve-in': '0' })]);
      expect(r.code).toBe(2);
      expect(r.json.error.field).toBe('--reserve-in');
    });
  });
});
