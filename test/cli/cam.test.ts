import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli, runCliJson } from '../helpers/cli.ts';

/** Vectors: capital-allocation.json rebalance_matrix_cases (n3_generic_rate_half) and endogenous_weight_cases (steady_yields_risk_0_3). */
const fx = JSON.parse(readFileSync(new URL('../fixtures/capital-allocation.json', import.meta.url), 'utf8'));

describe('capflow cam rebalance', () => {
  it('gives balanceChange, matrix, transfers and volume (direct by default)', () => {
    const { code, json } = runCliJson(['cam', 'rebalance', '--current', '700,300', '--target', '0.4,0.6']);
    expect(code).toBe(0);
    expect(Object.keys(json)).toEqual(['balanceChange', 'matrix', 'transfers', 'volume']);
    expect(json.matrix[0][1]).toBeCloseTo(-300, 9);
    expect(json.transfers).toEqual([{ from: 0, to: 1, amount: json.volume }]);
    expect(json.volume).toBeCloseTo(300, 9);
  });

  it('--method fei-reference reproduces the original matrix (n3_generic_rate_half)', () => {
    const c = fx.rebalance_matrix_cases.find((x: { id: string }) => x.id === 'n3_generic_rate_half');
    const { code, json } = runCliJson([
      'cam', 'rebalance', '--current', c.execution.current_balances.join(','), '--target', c.inputs.target_weights.join(','),
      '--rate', String(c.inputs.rebalance_rate), '--method', 'fei-reference',
    ]);
    expect(code).toBe(0);
    json.matrix.flat().forEach((v: number, k: number) => expect(Math.abs(v - c.rebalance_matrix.flat()[k])).toBeLessThan(1e-6));
    json.balanceChange.forEach((v: number, k: number) => expect(Math.abs(v - c.balance_change[k])).toBeLessThan(1e-6));
  });

  it('prints tables for people', () => {
    const r = runCli(['cam', 'rebalance', '--current', '700,300', '--target', '0.4,0.6', '--method', 'min-norm']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/from\s+to\s+amount \(USD\)/);
    expect(r.stdout).toMatch(/volume\s+300\s+USD/);
  });

  it('exits 2 naming the flag on bad input', () => {
    for (const [args, flag] of [
      [['--current', '700,x', '--target', '0.4,0.6'], '--current[1]'],
      [['--current', '700,300', '--target', '0.4,0.7'], '--target'],
      [['--current', '700,300', '--target', '0.4,0.6', '--rate', '2'], '--rate'],
      [['--current', '700,300', '--target', '0.4,0.6', '--method', 'magic'], '--method'],
      [['--target', '0.4,0.6'], '--current'],
      [['--current', '1e308,1e308', '--target', '0.1,0.9'], '--current'],
    ] as const) {
      const { code, json } = runCliJson(['cam', 'rebalance', ...args]);
      expect(code).toBe(2);
      expect(json.error.field).toBe(flag);
    }
  });
});

describe('capflow cam targets', () => {
  it('reproduces the original weights with --compat fei-reference (steady_yields_risk_0_3)', () => {
    const c = fx.endogenous_weight_cases.find((x: { id: string }) => x.id === 'steady_yields_risk_0_3');
    const { code, json } = runCliJson([
      'cam', 'targets', '--history', JSON.stringify(c.state_history_yields), '--window', '3',
      '--volatile-risk', String(c.volatile_asset_risk_metric), '--volatile', '0,1', '--compat', 'fei-reference',
    ]);
    expect(code).toBe(0);
    json.targetWeights.forEach((w: number, i: number) => expect(w).toBeCloseTo(c.target_weights[i], 14));
  });

  it('exits 2 naming the flag on bad input', () => {
    for (const [args, flag] of [
      [['--history', 'nope'], '--history'],
      [['--history', '[1,2]'], '--history'],
      [['--history', '[[0.1,0.2]]', '--window', '0'], '--window'],
      [['--history', '[[0.1,0.2]]', '--volatile', '5'], '--volatile'],
      [['--history', '[[0.1,0.2]]', '--compat', 'old'], '--compat'],
    ] as const) {
      const { code, json } = runCliJson(['cam', 'targets', ...args]);
      expect(code).toBe(2);
      expect(json.error.field).toBe(flag);
    }
  });
});
