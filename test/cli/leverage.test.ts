import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli, runCliJson } from '../helpers/cli.ts';

const fixture = JSON.parse(readFileSync(`${ROOT}test/fixtures/leverage-lending.json`, 'utf8'));
const vector = (id: string) => fixture.vectors[id];

const OPEN = ['leverage', 'open-short'];
const CLOSE = ['leverage', 'close-short'];

/** |actual − expected| ≤ rel·|expected|. */
function expectRel(actual: number, expected: number, rel: number): void {
  expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(rel * Math.abs(expected));
}

describe('capflow leverage open-short', () => {
  it('LEV-03: prints exactly the documented keys with the vector values', () => {
    const v = vector('LEV-03');
    const r = runCliJson([...OPEN, '--reserve', '10000', '--leverage', '3', '--price', '1500', '--fee', '0.0005']);
    expect(r.code).toBe(0);
    expect(Object.keys(r.json)).toEqual(['borrowedValue', 'borrowedQuantity', 'additionalCollateral', 'totalCollateral', 'lpFees', 'liquidationPrice', 'leverage']);
    expectRel(r.json.borrowedValue, v.expected.borrowed_value, v.tolerance.rel);
    expectRel(r.json.borrowedQuantity, v.expected.borrowed_quantity, v.tolerance.rel);
    expectRel(r.json.additionalCollateral, v.expected.additional_collateral_quantity, v.tolerance.rel);
    expectRel(r.json.totalCollateral, v.expected.total_collateral_quantity, v.tolerance.rel);
    expectRel(r.json.lpFees, v.expected.lp_fees, v.tolerance.rel);
    expectRel(r.json.liquidationPrice, v.expected.liquidation_price, v.tolerance.rel);
    expectRel(r.json.leverage, v.expected.loan_leverage_after_execution, v.tolerance.rel);
  });

  it('LEV-02: defaults to no fee and cf 0.85; --liquidation-threshold moves the liquidation price', () => {
    const r = runCliJson([...OPEN, '--reserve', '1000', '--leverage', '3', '--price', '1500']);
    expect(r.json.lpFees).toBe(0);
    expectRel(r.json.liquidationPrice, vector('LEV-02').expected.liquidation_price, 1e-9);
    const cf = runCliJson([...OPEN, '--reserve', '1000', '--leverage', '3', '--price', '1500', '--liquidation-threshold', '0.8']);
    expectRel(cf.json.liquidationPrice, (1500 * 0.8 * 4) / 3, 1e-12);
  });

  it('prints an aligned table with units', () => {
    const r = runCli([...OPEN, '--reserve', '1000', '--leverage', '3', '--price', '1500']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(7);
    expect(r.stdout).toMatch(/liquidation price\s+1,700\s+USD per token/);
    expect(r.stdout).toMatch(/borrowed value\s+3,000\s+USD/);
    expect(r.stdout).toMatch(/leverage\s+3\s+x/);
    // the value column is right-aligned: every value ends in the same column
    const ends = lines.map((l) => l.search(/\d\s{2}[A-Za-z]/));
    expect(new Set(ends).size).toBe(1);
  });

  it('LEV-01: refuses leverage at or above the max short leverage, naming --leverage', () => {
    const r = runCli([...OPEN, '--reserve', '1000', '--leverage', '10', '--price', '1500']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--leverage');
    expect(r.stderr).toContain('Max short leverage for cf 0.85 is 5.6667, got 10');
    const j = runCliJson([...OPEN, '--reserve', '1000', '--leverage', '5.6666666666666667', '--price', '1500']);
    expect(j.code).toBe(2);
    expect(j.json.error.field).toBe('--leverage');
  });

  it.each([
    [['--reserve', 'abc', '--leverage', '3', '--price', '1500'], '--reserve'],
    [['--reserve', '0', '--leverage', '3', '--price', '1500'], '--reserve'],
    [['--reserve', '-5', '--leverage', '3', '--price', '1500'], '--reserve'],
    [['--reserve', '1000', '--leverage', '3', '--price', '0'], '--price'],
    [['--reserve', '1000', '--leverage', '3', '--price', '0x10'], '--price'],
    [['--reserve', '1000', '--leverage', '0b1', '--price', '1500'], '--leverage'],
    [['--reserve', '1000', '--leverage', '-1', '--price', '1500'], '--leverage'],
    [['--reserve', '1000', '--leverage', '3', '--price', '1500', '--fee', '1'], '--fee'],
    [['--reserve', '1000', '--leverage', '3', '--price', '1500', '--liquidation-threshold', '1.2'], '--liquidation-threshold'],
    [['--leverage', '3', '--price', '1500'], '--reserve'],
  ])('exits 2 naming the flag: %j', (args, flag) => {
    const r = runCliJson([...OPEN, ...args]);
    expect(r.code).toBe(2);
    expect(r.json.error.field).toBe(flag);
    expect(r.json.error.message).toContain(flag);
  });

  it('refuses a fee that eats the reserve or leaves the short liquidatable at open, naming --fee', () => {
    const eaten = runCliJson([...OPEN, '--reserve', '1000', '--leverage', '5', '--price', '100', '--fee', '0.5']);
    expect(eaten.code).toBe(2);
    expect(eaten.json.error.field).toBe('--fee');
    expect(eaten.json.error.message).toContain('NAV after fees = reserve·(1 − leverage·fee) = 1000·(1 − 5·0.5) = -1500 USD ≤ 0');
    expect(eaten.json.error.message).toContain('use --fee below 0.0235 at this leverage, or --leverage below 1.4783 at this fee');
    const zeroNav = runCli([...OPEN, '--reserve', '1000', '--leverage', '2', '--price', '100', '--fee', '0.5']);
    expect(zeroNav.code).toBe(2);
    expect(zeroNav.stdout).toBe('');
    expect(zeroNav.stderr).toMatch(/^capflow: --fee: the fee eats the whole reserve/);
    const liquidatable = runCliJson([...OPEN, '--reserve', '1000', '--leverage', '3', '--price', '100', '--fee', '0.2']);
    expect(liquidatable.code).toBe(2);
    expect(liquidatable.json.error.field).toBe('--fee');
    expect(liquidatable.json.error.message).toContain('health factor after fees 0.9633 ≤ 1');
  });

  it('documents flags and defaults in --help', () => {
    const r = runCli([...OPEN, '--help']);
    expect(r.code).toBe(0);
    const help = r.stdout.replace(/\s+/g, ' '); // commander wraps long lines
    for (const text of ['--reserve <usd>', '--leverage <x>', '--price <usd>', '--fee <frac>', '--liquidation-threshold <frac>', 'default 0.85', '--json']) {
      expect(help).toContain(text);
    }
  });
});

describe('capflow leverage close-short', () => {
  it.each(['LEV-04', 'LEV-05'])('%s: prints exactly the documented keys with the vector values', (id) => {
    const v = vector(id);
    const i = v.inputs;
    const r = runCliJson([...CLOSE, '--collateral', String(i.start_collateral), '--borrowed', String(i.start_borrowed), '--close', String(i.close_size), '--price', String(i.borrowed_asset_price), '--fee', String(i.fee)]);
    expect(r.code).toBe(0);
    expect(Object.keys(r.json)).toEqual(['leverage', 'borrowedQuantity', 'additionalCollateral', 'totalCollateral', 'totalBorrowed', 'lpFees']);
    expectRel(r.json.leverage, v.expected.leverage, v.tolerance.rel);
    expectRel(r.json.borrowedQuantity, v.expected.borrowed_quantity, v.tolerance.rel);
    expectRel(r.json.additionalCollateral, v.expected.additional_collateral_quantity, v.tolerance.rel);
    expectRel(r.json.totalCollateral, v.expected.total_collateral_quantity, v.tolerance.rel);
    expect(r.json.totalBorrowed).toBe(v.expected.total_borrowed_quantity);
    expectRel(r.json.lpFees, v.expected.lp_fees, v.tolerance.rel);
  });

  it('prints an aligned table with units', () => {
    const r = runCli([...CLOSE, '--collateral', '4000', '--borrowed', '2', '--close', '1', '--price', '1500']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/borrowed quantity\s+-1\s+token/);
    expect(r.stdout).toMatch(/total collateral\s+2,500\s+USD/);
    expect(r.stdout).toMatch(/leverage\s+2\.5\s+x/);
  });

  it.each([
    [['--collateral', 'x', '--borrowed', '20', '--close', '20', '--price', '1500'], '--collateral'],
    [['--collateral', '39985', '--borrowed', '0', '--close', '20', '--price', '1500'], '--borrowed'],
    [['--collateral', '39985', '--borrowed', '20', '--close', '21', '--price', '1500'], '--close'],
    [['--collateral', '39985', '--borrowed', '20', '--close', '20', '--price', '-1'], '--price'],
    [['--collateral', '39985', '--borrowed', '20', '--close', '20', '--price', '1500', '--fee', '-0.1'], '--fee'],
    [['--collateral', '1000', '--borrowed', '20', '--close', '20', '--price', '1500'], '--collateral'],
  ])('exits 2 naming the flag: %j', (args, flag) => {
    const r = runCliJson([...CLOSE, ...args]);
    expect(r.code).toBe(2);
    expect(r.json.error.field).toBe(flag);
  });

  it('documents flags in --help', () => {
    const r = runCli([...CLOSE, '--help']);
    expect(r.code).toBe(0);
    const help = r.stdout.replace(/\s+/g, ' '); // commander wraps long lines
    for (const text of ['--collateral <qty>', '--borrowed <qty>', '--close <qty>', '--price <usd>', '--fee <frac>', 'default 0']) {
      expect(help).toContain(text);
    }
  });
});
