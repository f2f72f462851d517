import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { Matrix, pseudoInverse } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import { UserError } from '../../src/core/errors.ts';
import {
  balanceChange,
  checkTotalBalance,
  constrainedIncidenceMatrix,
  emptyTotals,
  endogenousTargetWeights,
  executeTransfers,
  exogenousTargetWeights,
  gridQuantum,
  maxTotalBalance,
  rebalancePlan,
  rebalanceRate,
  targetWeightsFromHistory,
  transferMatrix,
  TRANSFER_METHODS,
  type TransferMethod,
} from '../../src/strategies/capitalAllocation.ts';

/** Vectors: capital-allocation.json (rebalance_matrix_cases, constrained_incidence_matrices, endogenous_weight_cases, exogenous_weight_update). */
const fx = JSON.parse(readFileSync(new URL('../fixtures/capital-allocation.json', import.meta.url), 'utf8'));

interface RebalanceCase {
  id: string;
  n: number;
  inputs: { target_weights: number[]; current_weights: number[]; total_fei: number; rebalance_rate: number };
  balance_change: number[];
  rebalance_matrix: number[][];
  min_norm_edge_flows: number[];
  execution: {
    current_balances: number[];
    executed_new_balances: number[];
    any_transfer_capped: boolean;
    transfers: Array<{ from: number; to: number; requested: number; executed: number }>;
  };
}
const cases: RebalanceCase[] = fx.rebalance_matrix_cases;

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, absTol: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(Math.abs(actual[i] - expected[i]), `index ${i}: ${actual[i]} vs ${expected[i]}`).toBeLessThanOrEqual(absTol);
}

function upperTriangle(m: ArrayLike<number>, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) out.push(m[i * n + j]);
  return out;
}

function balancesOf(c: RebalanceCase): Float64Array {
  return Float64Array.from(c.inputs.current_weights, (w) => w * c.inputs.total_fei);
}

describe('rebalance rate and balance change', () => {
  it('r = √(dt / duration)', () => {
    expect(rebalanceRate(1, 30)).toBe(0.18257418583505536);
    expect(rebalanceRate(30, 30)).toBe(1);
  });

  it.each(cases.map((c) => [c.id, c] as const))('%s: b = r·(target − current)·total', (_id, c) => {
    const b = balanceChange(balancesOf(c), c.inputs.target_weights, c.inputs.rebalance_rate, new Float64Array(c.n));
    expectClose(b, c.balance_change, 1e-9 * c.inputs.total_fei);
  });
});

describe('transfer matrices', () => {
  it.each(cases.map((c) => [c.id, c] as const))('%s: fei-reference reproduces the original matrix', (_id, c) => {
    const m = transferMatrix(c.balance_change, 'fei-reference', new Float64Array(c.n * c.n));
    expectClose(m, c.rebalance_matrix.flat(), 1e-9 * c.inputs.total_fei);
  });

  it.each(cases.map((c) => [c.id, c] as const))('%s: min-norm is (b_i − b_j)/n', (_id, c) => {
    const m = transferMatrix(c.balance_change, 'min-norm', new Float64Array(c.n * c.n));
    expectClose(upperTriangle(m, c.n), c.min_norm_edge_flows, 1e-9 * c.inputs.total_fei);
  });

  it.each(cases.map((c) => [c.id, c] as const))('%s: direct pays losers to gainers, volume Σ max(b, 0)', (_id, c) => {
    const n = c.n;
    const m = transferMatrix(c.balance_change, 'direct', new Float64Array(n * n));
    const net = new Float64Array(n);
    let volume = 0;
    let count = 0;
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const v = m[i * n + j];
        if (v === 0) continue;
        count++;
        volume += Math.abs(v);
        const [from, to] = v > 0 ? [j, i] : [i, j];
        expect(c.balance_change[from]).toBeLessThan(0);
        expect(c.balance_change[to]).toBeGreaterThan(0);
        net[from] -= Math.abs(v);
        net[to] += Math.abs(v);
      }
    }
    expect(count).toBeLessThanOrEqual(Math.max(0, n - 1));
    expectClose(net, c.balance_change, 1e-9 * c.inputs.total_fei);
    expect(volume).toBeCloseTo(c.balance_change.reduce((s, b) => s + Math.max(b, 0), 0), 6);
  });

  it('builds the constrained incidence matrices of the original (n = 2…5)', () => {
    for (const [n, expected] of Object.entries(fx.constrained_incidence_matrices as Record<string, number[][]>)) {
      expect(constrainedIncidenceMatrix(Number(n))).toEqual(expected);
    }
  });

  it('fei-reference closed form = ml-matrix pseudoInverse(A)·[b, 0] (n = 2…8, Σb = 0 and Σb ≠ 0)', () => {
    const rng = Rng.stream(7, 0);
    for (let n = 2; n <= 8; n++) {
      const pinv = pseudoInverse(new Matrix(constrainedIncidenceMatrix(n)));
      for (const balanced of [true, false]) {
        const b = Array.from({ length: n }, () => rng.uniform() * 2000 - 1000);
        if (balanced) {
          const mean = b.reduce((s, x) => s + x, 0) / n;
          for (let i = 0; i < n; i++) b[i] -= mean;
        }
        const flows = pinv.mmul(Matrix.columnVector([...b, 0])).to1DArray();
        const m = transferMatrix(b, 'fei-reference', new Float64Array(n * n));
        expectClose(upperTriangle(m, n), n === 2 ? flows.slice(0, 1) : flows, 1e-9);
      }
    }
  });
});

describe('execution', () => {
  it.each(cases.map((c) => [c.id, c] as const))('%s: executing the fei-reference matrix gives the original balances', (_id, c) => {
    const n = c.n;
    const bal = Float64Array.from(c.execution.current_balances);
    const executed = new Float64Array(n * n);
    const totals = executeTransfers(bal, c.rebalance_matrix.flat(), executed, emptyTotals());
    expectClose(bal, c.execution.executed_new_balances, 1e-9 * c.inputs.total_fei);
    expect(totals.cappedCount > 0).toBe(c.execution.any_transfer_capped);
    expect(totals.shortfall).toBe(0);
    for (const t of c.execution.transfers) {
      const [i, j] = [Math.min(t.from, t.to), Math.max(t.from, t.to)];
      expect(Math.abs(Math.abs(executed[i * n + j]) - t.executed)).toBeLessThanOrEqual(1e-9 * c.inputs.total_fei);
    }
  });

  it('caps a transfer at the source balance and reports the shortfall', () => {
    // 0 → 1 needs 60 but deposit 0 holds 50 (a plan made against stale balances).
    const bal = new Float64Array([50, 0, 50]);
    const totals = executeTransfers(bal, [0, -60, 0, 0, 0, 0, 0, 0, 0], null, emptyTotals());
    expect(Array.from(bal)).toEqual([0, 50, 50]);
    expect(totals).toEqual({ requestedVolume: 60, executedVolume: 50, shortfall: 10, cappedCount: 1 });
  });

  it('fei-reference routing can overdraw a deposit: the cap binds and the shortfall is reported', () => {
    // Everything sits in deposit 0; the closed form routes part of the flow through deposit 2.
    const bal = new Float64Array([100, 0, 0]);
    const m = transferMatrix(balanceChange(bal, [0, 0.9, 0.1], 1, new Float64Array(3)), 'fei-reference', new Float64Array(9));
    const totals = executeTransfers(bal, m, null, emptyTotals());
    expect(totals.cappedCount).toBeGreaterThan(0);
    expect(totals.shortfall).toBeGreaterThan(0);
    expect(totals.requestedVolume - totals.executedVolume).toBeCloseTo(totals.shortfall, 9);
    expect(bal[0] + bal[1] + bal[2]).toBe(100);
  });

  const methodArb = fc.constantFrom<TransferMethod>(...TRANSFER_METHODS);
  const caseArb = fc
    .integer({ min: 2, max: 8 })
    .chain((n) =>
      fc.record({
        balances: fc.array(fc.double({ min: 0, max: 1e9, noNaN: true }), { minLength: n, maxLength: n }),
        raw: fc.array(fc.double({ min: 0.001, max: 1, noNaN: true }), { minLength: n, maxLength: n }),
        rate: fc.double({ min: 0, max: 1, noNaN: true }),
        method: methodArb,
      }),
    )
    .filter((c) => c.balances.reduce((s, x) => s + x, 0) > 0);

  it('conserves Σ balances exactly and never overdraws (property)', () => {
    fc.assert(
      fc.property(caseArb, ({ balances, raw, rate, method }) => {
        const n = balances.length;
        const rawSum = raw.reduce((s, x) => s + x, 0);
        const target = raw.map((x) => x / rawSum);
        const bal = Float64Array.from(balances);
        const m = transferMatrix(balanceChange(bal, target, rate, new Float64Array(n)), method, new Float64Array(n * n));
        // snap once to the grid, then Σ must not move by a single bit across execution
        executeTransfers(bal, new Float64Array(n * n), null, emptyTotals());
        const before = bal.reduce((s, x) => s + x, 0);
        const reversedBefore = [...bal].reverse().reduce((s, x) => s + x, 0);
        const totals = executeTransfers(bal, m, null, emptyTotals());
        expect(bal.reduce((s, x) => s + x, 0)).toBe(before);
        expect([...bal].reverse().reduce((s, x) => s + x, 0)).toBe(reversedBefore);
        expect(bal.every((x) => x >= 0)).toBe(true);
        expect(totals.executedVolume).toBeLessThanOrEqual(totals.requestedVolume * (1 + 1e-12) + 1e-6);
        if (method === 'direct') expect(totals.shortfall).toBeLessThanOrEqual(1e-9 * before); // direct never overdraws
      }),
      { numRuns: 300, seed: 5 },
    );
  });

  it('keeps integer balances exact: Σ after === Σ before (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1e12 }), { minLength: 2, maxLength: 6 }), methodArb, (ints, method) => {
        fc.pre(ints.some((x) => x > 0));
        const n = ints.length;
        const bal = Float64Array.from(ints);
        const total = ints.reduce((s, x) => s + x, 0);
        const target = ints.map((_, i) => (i === 0 ? 1 : 0));
        const m = transferMatrix(balanceChange(bal, target, 0.37, new Float64Array(n)), method, new Float64Array(n * n));
        executeTransfers(bal, m, null, emptyTotals());
        expect(bal.reduce((s, x) => s + x, 0)).toBe(total);
      }),
      { numRuns: 200, seed: 9 },
    );
  });
});

describe('endogenous target weights', () => {
  interface EndoCase {
    id: string;
    deposit_keys: string[];
    window: number;
    state_history_yields: number[][];
    volatile_asset_risk_metric: number;
    target_weights: number[];
  }
  const VOLATILE = new Set(['fei_liquidity_pool_user_deposit', 'fei_money_market_user_deposit']);

  it.each((fx.endogenous_weight_cases as EndoCase[]).map((c) => [c.id, c] as const))('%s (fei-reference mode)', (_id, c) => {
    const volatile = c.deposit_keys.flatMap((k, i) => (VOLATILE.has(k) ? [i] : []));
    const w = targetWeightsFromHistory(c.state_history_yields, { window: c.window, volatileRisk: c.volatile_asset_risk_metric, volatile, compat: 'fei-reference' });
    w.forEach((x, i) => expect(x).toBeCloseTo(c.target_weights[i], 14));
    const fixed = targetWeightsFromHistory(c.state_history_yields, { window: c.window, volatileRisk: c.volatile_asset_risk_metric, volatile });
    fixed.forEach((x, i) => expect(x).toBeCloseTo(c.target_weights[i], 14)); // no edge case in these histories
  });

  it('default mode averages over the samples it has; fei-reference divides by the full window', () => {
    // one timestep of history, window 3: the original's average 2e-18/3 falls below the 1e-18 floor
    const history = [[2e-18, 0.01]];
    const fixed = targetWeightsFromHistory(history, { window: 3 });
    const compat = targetWeightsFromHistory(history, { window: 3, compat: 'fei-reference' });
    expect(fixed[0]).toBeCloseTo(2e-18 / (2e-18 + 0.01), 30);
    expect(compat[0]).toBeCloseTo(1e-18 / (1e-18 + 0.01 / 3), 30);
  });

  it('default mode keeps weights ≥ 0 when a mean yield is negative (the original goes negative)', () => {
    const history = [
      [-0.01, 0.02],
      [0.01, 0.02],
      [-0.03, 0.02],
    ];
    const compat = targetWeightsFromHistory(history, { window: 3, compat: 'fei-reference' });
    const fixed = targetWeightsFromHistory(history, { window: 3 });
    expect(compat[0]).toBeLessThan(0);
    expect(fixed[0]).toBeGreaterThanOrEqual(0);
    expect(fixed[0] + fixed[1]).toBeCloseTo(1, 15);
  });

  it('uses only the last `window` rows', () => {
    const flat = new Float64Array([0.5, 0.5, 0.01, 0.02, 0.01, 0.02]);
    const w = endogenousTargetWeights(flat, 3, 2, { window: 2, volatileRisk: [0, 0] }, new Float64Array(2));
    expect(w[0]).toBeCloseTo(1 / 3, 15);
  });

  it('rejects bad histories naming the flag', () => {
    expect(() => targetWeightsFromHistory([], { window: 3 })).toThrow(UserError);
    expect(() => targetWeightsFromHistory([[0.1, 0.2], [0.1]], { window: 3 })).toThrow(/--history\[1\]/);
    expect(() => targetWeightsFromHistory([[0.1, 0.2]], { window: 3, volatile: [2] })).toThrow(/--volatile/);
  });
});

describe('exogenous target weights', () => {
  const ex = fx.exogenous_weight_update;

  function sampleMoments(alpha: number[], current: number[], rate: number, draws: number): { mean: number[]; variance: number[] } {
    const n = alpha.length;
    const rng = Rng.stream(2024, 0);
    const out = new Float64Array(n);
    const sum = new Float64Array(n);
    const sq = new Float64Array(n);
    for (let k = 0; k < draws; k++) {
      exogenousTargetWeights(current, rate, alpha, rng, out);
      for (let i = 0; i < n; i++) {
        sum[i] += out[i];
        sq[i] += out[i] * out[i];
      }
    }
    const mean = Array.from(sum, (s) => s / draws);
    return { mean, variance: Array.from(sq, (s, i) => s / draws - mean[i] ** 2) };
  }

  it('matches E and Var of (w + r·p)/(1 + r), p ~ Dirichlet(1,1,1,1) (check_alpha_1111)', () => {
    const c = ex.check_alpha_1111;
    const draws = 100_000;
    const { mean, variance } = sampleMoments(c.alpha, c.current_weights, c.rebalance_rate, draws);
    c.analytic_target_mean.forEach((m: number, i: number) => expect(Math.abs(mean[i] - m)).toBeLessThan(5 * Math.sqrt(c.analytic_target_var[i] / draws)));
    c.analytic_target_var.forEach((v: number, i: number) => expect(Math.abs(variance[i] - v) / v).toBeLessThan(0.03));
  });

  it('Dirichlet(0.5, 3, 3, 1) perturbation has the analytic mean and variance (check_alpha_0.5_3_3_1)', () => {
    const c = ex['check_alpha_0.5_3_3_1'];
    // With current weights 0 the normalised target is the perturbation p itself.
    const draws = 100_000;
    const { mean, variance } = sampleMoments(c.alpha, [0, 0, 0, 0], 1, draws);
    c.analytic_mean.forEach((m: number, i: number) => expect(Math.abs(mean[i] - m)).toBeLessThan(5 * Math.sqrt(c.analytic_var[i] / draws)));
    c.analytic_var.forEach((v: number, i: number) => expect(Math.abs(variance[i] - v) / v).toBeLessThan(0.04));
  });

  it('closes r²/(1+r) of the gap to the perturbation per rebalance: effective_step_value (dt 1, duration 30)', () => {
    const step: number = ex.effective_step_value;
    const rate = rebalanceRate(1, 30);
    expect(rate ** 2 / (1 + rate)).toBeCloseTo(step, 15);
    // w_new = w + r·(target − w) = w + (r²/(1+r))·(p − w), through targets, transfers and execution
    const c = ex.check_alpha_1111;
    const rng = Rng.stream(11, 0);
    const p = rng.clone().dirichlet(c.alpha, new Float64Array(4));
    const target = exogenousTargetWeights(c.current_weights, rate, c.alpha, rng, new Float64Array(4));
    const totalUsd = 1e6;
    const bal = Float64Array.from(c.current_weights, (w: number) => w * totalUsd);
    const m = transferMatrix(balanceChange(bal, target, rate, new Float64Array(4)), 'direct', new Float64Array(16));
    expect(executeTransfers(bal, m, null, emptyTotals()).shortfall).toBe(0);
    c.current_weights.forEach((w: number, i: number) => expect(bal[i] / totalUsd).toBeCloseTo(w + step * (p[i] - w), 12));
  });

  it('is seeded: the same stream gives the same weights, and they sum to 1', () => {
    const a = exogenousTargetWeights([0.25, 0.25, 0.5], 0.2, [1, 2, 3], Rng.stream(1, 3), new Float64Array(3));
    const b = exogenousTargetWeights([0.25, 0.25, 0.5], 0.2, [1, 2, 3], Rng.stream(1, 3), new Float64Array(3));
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(a[0] + a[1] + a[2]).toBeCloseTo(1, 15);
  });
});

describe('rebalancePlan', () => {
  it('gives balanceChange, matrix, transfers and volume', () => {
    const plan = rebalancePlan([700, 300], [0.4, 0.6], 1, 'direct');
    expect(plan.matrix[0][1]).toBeCloseTo(-300, 9);
    expect(plan.transfers).toHaveLength(1);
    expect(plan.transfers[0].from).toBe(0);
    expect(plan.transfers[0].to).toBe(1);
    expect(plan.volume).toBeCloseTo(300, 9);
  });

  it('rejects bad input naming the flag', () => {
    expect(() => rebalancePlan([100, -1], [0.5, 0.5], 1)).toThrow(/--current\[1\]/);
    expect(() => rebalancePlan([100, 1], [0.5, 0.6], 1)).toThrow(/--target: weights must sum to 1/);
    expect(() => rebalancePlan([100, 1], [0.5, 0.5, 0], 1)).toThrow(/--target/);
    expect(() => rebalancePlan([100, 1], [0.5, 0.5], 1.5)).toThrow(/--rate/);
    expect(() => rebalancePlan([100, NaN], [0.5, 0.5], 1)).toThrow(UserError);
  });

  it('refuses balances whose sum is not finite, naming --current', () => {
    expect(() => rebalancePlan([1e308, 1e308], [0.1, 0.9], 1)).toThrow(/^--current: Σ balances through deposit 0 is 1e\+308, above the largest total/);
    expect(() => rebalancePlan([Number.MAX_VALUE / 64, Number.MAX_VALUE / 64, 0], [0.1, 0.9, 0], 1)).toThrow(/^--current: Σ balances through deposit 1/);
    expect(() => checkTotalBalance([1, 2], (i) => `b[${i}]`)).not.toThrow();
    expect(checkTotalBalance([1, 2], (i) => `b[${i}]`)).toBe(3);
  });

  it('keeps every result finite for totals up to maxTotalBalance(n) (property)', () => {
    const arb = fc.integer({ min: 2, max: 8 }).chain((n) =>
      fc.record({
        shares: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: n, maxLength: n }),
        raw: fc.array(fc.double({ min: 0.001, max: 1, noNaN: true }), { minLength: n, maxLength: n }),
        scale: fc.double({ min: 0.5, max: 1, noNaN: true }),
        rate: fc.double({ min: 0, max: 1, noNaN: true }),
        method: fc.constantFrom<TransferMethod>(...TRANSFER_METHODS),
      }),
    );
    fc.assert(
      fc.property(arb, ({ shares, raw, scale, rate, method }) => {
        const n = shares.length;
        const shareSum = shares.reduce((a, b) => a + b, 0);
        fc.pre(shareSum > 0);
        // balances adding up to just under the limit
        const balances = shares.map((x) => ((x / shareSum) * scale * maxTotalBalance(n)) / (1 + 1e-9));
        const rawSum = raw.reduce((a, b) => a + b, 0);
        const target = raw.map((x) => x / rawSum);
        const plan = rebalancePlan(balances, target, rate, method);
        expect([...plan.balanceChange, ...plan.matrix.flat(), plan.volume].every(Number.isFinite)).toBe(true);
        const bal = Float64Array.from(balances);
        const totals = executeTransfers(bal, plan.matrix.flat(), null, emptyTotals());
        expect([...bal, totals.requestedVolume, totals.executedVolume, totals.shortfall].every(Number.isFinite)).toBe(true);
      }),
      { numRuns: 300, seed: 3 },
    );
  });
});

describe('gridQuantum', () => {
  it('is 2^(⌊log2 total⌋ − 51) for any sequence of totals, repeated or not (it keeps the last total and its quantum)', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.double({ min: 1e-300, max: 1e300, noNaN: true }), fc.constantFrom(0, -1, 1, 2 ** 53 - 1, 2 ** 60)), { minLength: 1, maxLength: 30 }), (totals) => {
        for (const t of [...totals, ...totals.slice().reverse(), ...totals]) {
          expect(gridQuantum(t)).toBe(t > 0 ? 2 ** (Math.floor(Math.log2(t)) - 51) : 0);
        }
      }),
    );
  });
});
