import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli, runCliJson, ROOT } from '../helpers/cli.ts';

const BTC = `${ROOT}../shared/data/delta-neutral/BTCUSDT_1d.csv`;
const COMMON = ['--pool-apr', '0.2', '--funding-apr', '0.08', '--maker-fee', '0.0002', '--rebalance-every', '1'];
const EXACT_KEYS = ['roi', 'costOfNeutrality', 'poolMoney', 'shortPnl', 'poolFees', 'fundingFees', 'shortingFees', 'feesSum', 'fixedCosts', 'liquidationLosses', 'ilFinal', 'ilWorst', 'priceRatioFinal', 'lvr', 'maxDrawdown', 'liquidations', 'rebalances', 'wipedOut'];
const STAT_KEYS = ['mean', 'std', 'sem', 'min', 'max', 'p5', 'p25', 'p50', 'p75', 'p95'];

describe('capflow delta-neutral', () => {
  it('reproduces a shared sample path in reference accounting (--prices-json)', () => {
    const fixture = JSON.parse(readFileSync(`${ROOT}test/fixtures/delta-neutral.json`, 'utf8'));
    const path = fixture.paths[1];
    const r = runCliJson(['delta-neutral', '--prices-json', JSON.stringify(path.prices), '--accounting', 'reference', '--pool-apr', '0.2', '--funding-apr', '0.08', '--maker-fee', '0.0002', '--rebalance-every', '2']);
    expect(r.code).toBe(0);
    expect(Math.abs(r.json.roi - path.finalsByRebalanceEvery['2'].roi)).toBeLessThan(1e-9);
    expect(Math.abs(r.json.costOfNeutrality - path.finalsByRebalanceEvery['2'].cost_of_neutrality)).toBeLessThan(1e-9);
  });

  it('runs one historical path from a CSV column and inclusive date range, with the exact output keys', () => {
    const r = runCliJson(['delta-neutral', '--prices', BTC, '--column', 'open', '--from', '2022-01-02', '--to', '2022-08-01', ...COMMON]);
    expect(r.code).toBe(0);
    expect(Object.keys(r.json)).toEqual(EXACT_KEYS);
    expect(r.json.rebalances).toBe(211); // 212 prices = 211 steps, rebalanced at each
    expect(r.json.roi).toBeCloseTo(r.json.costOfNeutrality + r.json.feesSum + r.json.fixedCosts + r.json.liquidationLosses, 12);
    expect(r.json.maxDrawdown).toBeLessThan(0); // a fraction of peak equity, ≤ 0 as in the fund metrics
    expect(r.json.maxDrawdown).toBeGreaterThan(-1);
    expect(r.json.wipedOut).toBe(0);
  });

  it('stops a path whose equity reaches 0 (wiped out): roi −1, drawdown −1, and counts ruin in Monte Carlo', () => {
    const extreme = ['delta-neutral', '--synthetic', 'normal', '--daily-vol', '5', '--steps', '50', '--initial-price', '3000', '--pool-apr', '0.1', '--funding-apr', '0', '--maker-fee', '0', '--rebalance-every', '1'];
    const one = runCliJson(extreme);
    expect(one.code).toBe(0);
    expect(one.json).toMatchObject({ roi: -1, maxDrawdown: -1, wipedOut: 1 });
    expect(one.json.rebalances).toBeLessThan(50); // rebalanced at every step until it stopped, before step 50
    expect(one.json.costOfNeutrality + one.json.feesSum + one.json.fixedCosts + one.json.liquidationLosses).toBeLessThanOrEqual(-1); // the excess is the unpaid shortfall
    const study = runCliJson([...extreme, '--runs', '200', '--seed', '3', '--workers', '1']);
    expect(study.code).toBe(0);
    const { wipedOut, roi, maxDrawdown } = study.json.stats;
    expect(wipedOut.mean).toBeGreaterThan(0.5); // the ruin probability at 500% daily vol
    expect(wipedOut.max).toBe(1);
    expect(roi.min).toBe(-1);
    expect(maxDrawdown.min).toBe(-1);
    expect(maxDrawdown.max).toBeLessThanOrEqual(0);
  });

  it('summarises a Monte Carlo study as { runs, seed, stats }, identical for 1 and 2 workers', () => {
    const args = ['delta-neutral', '--synthetic', 'gbm', '--daily-vol', '0.04', '--steps', '50', '--initial-price', '35000', '--runs', '400', '--seed', '7', ...COMMON];
    const one = runCliJson([...args, '--workers', '1']);
    const two = runCliJson([...args, '--workers', '2']);
    expect(one.code).toBe(0);
    expect(Object.keys(one.json)).toEqual(['runs', 'seed', 'stats']);
    expect(one.json.runs).toBe(400);
    expect(one.json.seed).toBe(7);
    expect(Object.keys(one.json.stats)).toEqual(EXACT_KEYS);
    expect(Object.keys(one.json.stats.roi)).toEqual(STAT_KEYS);
    expect(two.json).toEqual(one.json);
  });

  it('prints aligned tables for people', () => {
    const r = runCli(['delta-neutral', '--synthetic', 'jump', '--daily-vol', '0.04', '--steps', '30', '--initial-price', '100', '--runs', '50', ...COMMON]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('50 paths, seed 0, exact accounting');
    expect(r.stdout).toMatch(/roi\s+-?\d/);
    const one = runCli(['delta-neutral', '--prices-json', '[100,101,99]', ...COMMON]);
    expect(one.stdout).toMatch(/lvr\s+-?\d.*of capital/);
  });

  it('exits 2 naming the flag on bad input', () => {
    const cases: Array<[string[], string]> = [
      [['delta-neutral', ...COMMON], '--prices'],
      [['delta-neutral', '--prices-json', '[1,2]', '--synthetic', 'gbm', ...COMMON], '--synthetic'],
      [['delta-neutral', '--prices-json', '[1,-2]', ...COMMON], '--prices-json[1]'],
      [['delta-neutral', '--prices-json', 'nope', ...COMMON], '--prices-json'],
      [['delta-neutral', '--prices', BTC, '--from', '2022-02-30', ...COMMON], '--from'],
      [['delta-neutral', '--prices', BTC, '--to', '2010-01-01', ...COMMON], '--to'], // keeps no row: the range ends before the data
      [['delta-neutral', '--prices', BTC, '--from', '2030-01-01', ...COMMON], '--from'],
      [['delta-neutral', '--prices', BTC, '--column', 'vwap', ...COMMON], '--column'],
      [['delta-neutral', '--prices', 'missing.csv', ...COMMON], '--prices'],
      [['delta-neutral', '--synthetic', 'brownian', '--daily-vol', '0.1', '--steps', '3', '--initial-price', '1', ...COMMON], '--synthetic'],
      [['delta-neutral', '--synthetic', 'gbm', '--daily-vol', 'NaN', '--steps', '3', '--initial-price', '1', ...COMMON], '--daily-vol'],
      [['delta-neutral', '--synthetic', 'gbm', '--daily-vol', '0.1', '--steps', '3', '--initial-price', '1', '--runs', '0', ...COMMON], '--runs'],
      [['delta-neutral', '--prices-json', '[1,2]', '--pool-apr', '-1', '--funding-apr', '0', '--maker-fee', '0', '--rebalance-every', '1'], '--pool-apr'],
      [['delta-neutral', '--prices-json', '[1,2]', '--pool-apr', '0.1', '--funding-apr', '0', '--maker-fee', '0', '--rebalance-every', '0'], '--rebalance-every'],
      [['delta-neutral', '--prices-json', '[1,2]', ...COMMON, '--short-leverage', '10'], '--short-leverage'],
      [['delta-neutral', '--prices-json', '[1,2]', ...COMMON, '--accounting', 'reference', '--band', '0.1'], '--band'],
      [['delta-neutral', '--prices-json', '[1,2]', ...COMMON, '--runs', '5'], '--runs'],
      [['delta-neutral', '--prices-json', '[1,2]', '--pool-apr', '0.1', '--maker-fee', '0', '--rebalance-every', '1'], '--funding-apr'],
    ];
    for (const [args, field] of cases) {
      const r = runCliJson(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.json.error.field, args.join(' ')).toBe(field);
    }
    const human = runCli(['delta-neutral', '--prices-json', '[1,2]', ...COMMON, '--short-leverage', '10']);
    expect(human.stderr.trim()).toMatch(/^capflow: --short-leverage: Max short leverage for cf 0.85 is 5.6667, got 10/);
  });

  it('runs as a scenario: capflow run examples/delta-neutral.yaml', () => {
    const r = runCliJson(['run', 'examples/delta-neutral.yaml', '--runs', '4', '--workers', '1']);
    expect(r.code).toBe(0);
    expect(r.json.model).toBe('delta-neutral');
    expect(r.json.final[0].runs).toBe(4);
    expect(r.json.final[0].mean).toHaveProperty('roi');
    expect(r.json.final[0].mean).toHaveProperty('lvr');
  });
});
