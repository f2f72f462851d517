import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli, runCliJson } from '../helpers/cli.ts';

/** Vectors: capital-allocation.json rebalance_matrix_cases (n3_generic_rate_half) and endogenous_weight_cases (steady_yields_risk_0_3). */
const fx = JSON.parse(readFileSync(new URL('../fixtures/capital-allocation.json', import.meta.url), 'utf8'));

describe('capflow cam rebalance', () => {
  it('gives balanceChange, matrix, the transfers it would execute and volume (direct by default)', () => {
    const { code, json } = runCliJson(['cam', 'rebalance', '--current', '700,300', '--target', '0.4,0.6']);
    expect(code).toBe(0);
    expect(Object.keys(json)).toEqual(['balanceChange', 'matrix', 'transfers', 'volume', 'requestedVolume', 'shortfall', 'balancesAfter']);
    expect(json.matrix[0][1]).toBeCloseTo(-300, 9);
    expect(json.transfers).toEqual([{ from: 0, to: 1, amount: json.volume, requested: json.requestedVolume }]);
    expect(json.requestedVolume).toBeCloseTo(300, 9);
    expect(json.volume).toBeCloseTo(300, 9);
    expect(json.shortfall).toBe(0);
    expect(json.balancesAfter).toEqual([400, 600]);
  });

  it('caps each transfer at what its source holds when it runs (min-norm routes through an empty deposit)', () => {
    // b = [600, 0, −600]; min-norm asks 200 from deposit 1 (empty) to 0, 400 from 2 to 0, 200 from 2 to 1
    const { code, json } = runCliJson(['cam', 'rebalance', '--current', '0,0,1000', '--target', '0.6,0,0.4', '--method', 'min-norm']);
    expect(code).toBe(0);
    expect(json.transfers.map((t: { from: number; to: number; amount: number; requested: number }) => [t.from, t.to, t.amount])).toEqual([[1, 0, 0], [2, 0, 400], [2, 1, 200]]);
    json.transfers.forEach((t: { requested: number }, k: number) => expect(t.requested).toBeCloseTo([200, 400, 200][k], 9));
    expect(json.volume).toBe(600);
    expect(json.shortfall).toBeCloseTo(200, 9);
    expect(json.balancesAfter).toEqual([400, 200, 400]);
    expect(json.balancesAfter.reduce((s: number, x: number) => s + x, 0)).toBe(1000);
    const r = runCli(['cam', 'rebalance', '--current', '0,0,1000', '--target', '0.6,0,0.4', '--method', 'min-norm']);
    expect(r.stdout).toMatch(/requested \(USD\)/);
    expect(r.stdout).toMatch(/capped\s+200\s+USD/);
  });

  it('--rebalance-duration-days moves √(dt/T) of the way, as the CAM model steps (capped at 1)', () => {
    const { json } = runCliJson(['cam', 'rebalance', '--current', '700,300', '--target', '0.4,0.6', '--rebalance-duration-days', '16', '--dt-days', '4']);
    expect(json.balanceChange[1]).toBeCloseTo(150, 9);
    expect(json.balancesAfter).toEqual([550, 450]);
    const capped = runCliJson(['cam', 'rebalance', '--current', '700,300', '--target', '0.4,0.6', '--rebalance-duration-days', '1', '--dt-days', '4']);
    expect(capped.json.balancesAfter).toEqual([400, 600]);
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
      [['--current', '700,300', '--target', '0.4,0.6', '--rate', '0.5', '--rebalance-duration-days', '30'], '--rate'],
      [['--current', '700,300', '--target', '0.4,0.6', '--rebalance-duration-days', '0'], '--rebalance-duration-days'],
      [['--current', '700,300', '--target', '0.4,0.6', '--dt-days', '2'], '--dt-days'],
      [['--target', '0.4,0.6'], '--current'],
      [['--current', '1e308,1e308', '--target', '0.1,0.9'], '--current[0]'], // beyond ±1e15, refused as given
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

describe('capflow cam time', () => {
  it('times the step of examples/cam.yaml (engine and policies): at least 100,000 timesteps a pass by default, CPU and wall µs per timestep', () => {
    const { code, json } = runCliJson(['cam', 'time', 'examples/cam.yaml']);
    expect(code).toBe(0);
    expect(Object.keys(json)).toEqual(['deposits', 'timesteps', 'runs', 'substeps', 'passes', 'stepCpuMicros', 'stepWallMicros', 'firstPassCpuMicros']);
    expect(json).toMatchObject({ deposits: 4, timesteps: 365, runs: 274, substeps: 'all', passes: 3 }); // ⌈100,000 / 365⌉ runs
    for (const key of ['stepCpuMicros', 'stepWallMicros', 'firstPassCpuMicros']) {
      expect(Number.isFinite(json[key])).toBe(true);
      expect(json[key]).toBeGreaterThan(0);
    }
  });

  it('takes --runs, and prints a table for people', () => {
    expect(runCliJson(['cam', 'time', 'examples/cam.yaml', '--runs', '2']).json.runs).toBe(2);
    const r = runCli(['cam', 'time', 'examples/cam.yaml', '--runs', '2']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/step \(CPU\)\s+[\d.]+\s+µs per timestep, engine and policies/);
    expect(r.stdout).toMatch(/timesteps × runs\s+365 × 2/);
  });

  it('exits 2 naming the field: another model, a sweep, bad --runs, a missing file', () => {
    const sweep = 'model: cam\ntimesteps: 10\nparams:\n  deposits:\n    - { name: a, balance: 1, yield: { kind: constant, value: 0.01 } }\n    - { name: b, balance: 1, yield: { kind: constant, value: 0.02 } }\nsweep:\n  parameters:\n    rebalanceDurationDays: [30, 60]\n';
    for (const [args, field, input] of [
      [['examples/fund.yaml'], 'model', undefined],
      [['-'], 'sweep', sweep],
      [['examples/cam.yaml', '--runs', '0'], '--runs', undefined],
      [['no-such-file.yaml'], 'no-such-file.yaml', undefined],
    ] as const) {
      const r = runCli(['cam', 'time', ...args, '--json'], { input });
      expect(r.code, args.join(' ')).toBe(2);
      expect(JSON.parse(r.stdout).error.field).toBe(field);
    }
  });
});
