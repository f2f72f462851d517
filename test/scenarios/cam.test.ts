import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/core/config.ts';
import { balanceChange, rebalanceRate, transferMatrix } from '../../src/strategies/capitalAllocation.ts';
import { resultCell, runModel, type ResultChunk } from '../../src/sim/engine.ts';
import { buildCamModel, CamParamsSchema, checkCamParams, type CamParams } from '../../src/scenarios/cam.ts';

/** Vectors: capital-allocation.json closed_loop_scenarios (A_three_deposits_fsr_step). */
const fx = JSON.parse(readFileSync(new URL('../fixtures/capital-allocation.json', import.meta.url), 'utf8'));
const scenarioA = fx.closed_loop_scenarios[0];

function closedLoopParams(): CamParams {
  const cfg = scenarioA.config;
  const T: number = cfg.timesteps;
  return parseConfig(CamParamsSchema, {
    deposits: [
      { name: 'moneyMarket', balance: cfg.initial_balances[0], initialYield: 0, volatile: true, yield: { kind: 'sinusoid', mean: 0.02, amplitude: 0.005, periodSteps: 30 } },
      { name: 'savings', balance: cfg.initial_balances[1], initialYield: 0, yield: { kind: 'series', values: Array.from({ length: T + 1 }, (_, t) => (t < 45 ? 0.03 : 0)) } },
      { name: 'idle', balance: cfg.initial_balances[2], initialYield: 0, yield: { kind: 'constant', value: 0 } },
    ],
    dtDays: cfg.dt,
    rebalanceDurationDays: cfg.rebalance_duration,
    movingAverageWindow: cfg.moving_average_window,
    volatileRisk: { kind: 'sinusoid', mean: 0.5, amplitude: 0.5, periodSteps: 60 },
    method: 'fei-reference',
    compat: 'fei-reference',
  });
}

function lastRowOf(chunk: ResultChunk, timestep: number): number {
  let row = -1;
  for (let r = 0; r < chunk.rows; r++) if (resultCell(chunk, r, 'timestep') === timestep) row = r;
  return row;
}

const names = ['moneyMarket', 'savings', 'idle'];

describe('cam model: closed loop A (fei-reference compatibility)', () => {
  const params = closedLoopParams();
  const T = scenarioA.config.timesteps;
  const chunk = runModel(buildCamModel(params), params, { timesteps: T, seed: 1, run: 0, subset: 0 });
  const total = scenarioA.config.initial_balances.reduce((s: number, x: number) => s + x, 0);

  it('rate is √(dt/duration)', () => {
    expect(rebalanceRate(params.dtDays, params.rebalanceDurationDays)).toBe(scenarioA.config.rebalance_rate);
  });

  it('records 1 + 3·T rows with the documented columns', () => {
    expect(chunk.rows).toBe(1 + 3 * T);
    expect(chunk.columns).toEqual([
      'run', 'subset', 'timestep', 'substep',
      ...names.map((n) => `yield_${n}`), 'riskMetric', ...names.map((n) => `target_${n}`), ...names.map((n) => `balance_${n}`), 'volume', 'shortfall',
    ]);
  });

  const points: Array<[number, unknown]> = scenarioA.trajectory.map((p: { timestep: number }) => [p.timestep, p]);
  it.each(points)('timestep %i: yields, risk, targets and balances match', (t, point) => {
    const p = point as { yields: number[]; volatile_asset_risk_metric: number; target_weights: number[]; balances_after_rebalance: number[]; rebalance_remainder: number[] };
    const row = lastRowOf(chunk, t);
    names.forEach((n, i) => {
      expect(resultCell(chunk, row, `yield_${n}`)).toBeCloseTo(p.yields[i], 14);
      expect(resultCell(chunk, row, `target_${n}`)).toBeCloseTo(p.target_weights[i], 9);
      expect(Math.abs(resultCell(chunk, row, `balance_${n}`) - p.balances_after_rebalance[i])).toBeLessThanOrEqual(1e-9 * total);
    });
    expect(resultCell(chunk, row, 'riskMetric')).toBeCloseTo(p.volatile_asset_risk_metric, 14);
    // the original silently drops what capped transfers could not move (its "remainder"); we report it
    const dropped = p.rebalance_remainder.reduce((sum, x) => sum + Math.max(x, 0), 0);
    expect(Math.abs(resultCell(chunk, row, 'shortfall') - dropped)).toBeLessThanOrEqual(1e-6);
    expect(names.reduce((s, n) => s + resultCell(chunk, row, `balance_${n}`), 0)).toBe(total);
  });

  it('the first three rebalance matrices match', () => {
    const rate = rebalanceRate(params.dtDays, params.rebalanceDurationDays);
    for (let t = 1; t <= 3; t++) {
      const before = lastRowOf(chunk, t - 1);
      const row = lastRowOf(chunk, t);
      const balances = names.map((n) => resultCell(chunk, before, `balance_${n}`));
      const target = names.map((n) => resultCell(chunk, row, `target_${n}`));
      const m = transferMatrix(balanceChange(balances, target, rate, new Float64Array(3)), 'fei-reference', new Float64Array(9));
      const expected = scenarioA.rebalance_matrices_first_3_timesteps[t - 1].flat();
      expected.forEach((v: number, k: number) => expect(Math.abs(m[k] - v)).toBeLessThanOrEqual(1e-9 * total));
    }
  });
});

describe('cam model: defaults and Monte Carlo', () => {
  const base = {
    deposits: [
      { name: 'pool', balance: 1e6, volatile: true, yield: { kind: 'meanReverting', level: 0.06, speed: 20, vol: 0.2, initial: 0.05 } },
      { name: 'savings', balance: 2e6, yield: { kind: 'constant', value: 0.03 } },
      { name: 'idle', balance: 1e6, yield: { kind: 'constant', value: 0 } },
    ],
    volatileRisk: { kind: 'constant', value: 0.3 },
  };

  it('is deterministic per (seed, run) and differs across runs', () => {
    const params = parseConfig(CamParamsSchema, base);
    const a = runModel(buildCamModel(params), params, { timesteps: 50, seed: 42, run: 3, subset: 0 });
    const b = runModel(buildCamModel(params), params, { timesteps: 50, seed: 42, run: 3, subset: 0 });
    const c = runModel(buildCamModel(params), params, { timesteps: 50, seed: 42, run: 4, subset: 0 });
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    expect(resultCell(a, a.rows - 1, 'yield_pool')).not.toBe(resultCell(c, c.rows - 1, 'yield_pool'));
  });

  it('exogenous targets conserve Σ balances exactly with direct transfers', () => {
    const params = parseConfig(CamParamsSchema, { ...base, targets: 'exogenous', concentration: [1, 2, 1] });
    const chunk = runModel(buildCamModel(params), params, { timesteps: 100, seed: 7, run: 0, subset: 0, substeps: 'last' });
    expect(chunk.rows).toBe(101);
    for (let r = 0; r < chunk.rows; r++) {
      expect(resultCell(chunk, r, 'balance_pool') + resultCell(chunk, r, 'balance_savings') + resultCell(chunk, r, 'balance_idle')).toBe(4e6);
      expect(resultCell(chunk, r, 'shortfall')).toBe(0);
    }
  });

  it('rejects inconsistent parameters naming the field', () => {
    const dup = parseConfig(CamParamsSchema, { ...base, deposits: [base.deposits[0], { ...base.deposits[1], name: 'pool' }] });
    expect(() => checkCamParams(dup, { timesteps: 10 })).toThrow(/params\.deposits\[1\]\.name: duplicate/);
    const short = parseConfig(CamParamsSchema, { ...base, deposits: [base.deposits[0], { name: 's', balance: 1, yield: { kind: 'series', values: [0.1, 0.1] } }] });
    expect(() => checkCamParams(short, { timesteps: 10 })).toThrow(/params\.deposits\[1\]\.yield\.values/);
    const fast = parseConfig(CamParamsSchema, { ...base, rebalanceDurationDays: 0.5 });
    expect(() => checkCamParams(fast, { timesteps: 10 })).toThrow(/params\.rebalanceDurationDays/);
    expect(() => parseConfig(CamParamsSchema, { ...base, extra: 1 })).toThrow(/unknown field extra/);
    expect(() => parseConfig(CamParamsSchema, { ...base, deposits: [{ ...base.deposits[0], balance: -1 }, base.deposits[1]] })).toThrow(/deposits\[0\]\.balance/);
    const alpha = parseConfig(CamParamsSchema, { ...base, concentration: [1, 1] });
    expect(() => checkCamParams(alpha, { timesteps: 10 })).toThrow(/params\.concentration/);
  });

  it('refuses balances whose sum is not finite, naming the balance where it overflows', () => {
    const huge = parseConfig(CamParamsSchema, { ...base, deposits: base.deposits.map((d) => ({ ...d, balance: 1e308 })) });
    expect(() => checkCamParams(huge, { timesteps: 10 })).toThrow(/^params\.deposits\[0\]\.balance: Σ balances through deposit 0 is 1e\+308/);
    const sumOverflows = parseConfig(CamParamsSchema, { ...base, deposits: base.deposits.map((d) => ({ ...d, balance: 2e306 })) });
    expect(() => checkCamParams(sumOverflows, { timesteps: 10 })).toThrow(/^params\.deposits\[1\]\.balance/);
  });
});
