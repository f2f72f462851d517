/**
 * One rebalance step as plain data for people and the CLI: inputs checked (errors name the
 * flags), the balance change, its transfers.
 */
import { UserError } from '../../core/errors.ts';
import { balanceChange, emptyTotals, executeTransfers, transferMatrix, type TransferMethod } from './transfers.ts';

/**
 * One transfer of a plan, with 0-based deposit indexes: what executes (`amount`, capped at what
 * the source holds at that moment) and what the matrix asked (`requested`).
 *
 * @example const t: AllocationTransfer = { from: 2, to: 1, amount: 200, requested: 200 };
 */
export interface AllocationTransfer {
  from: number;
  to: number;
  amount: number;
  requested: number;
}

/** A rebalance step for people and the CLI. */
export interface RebalancePlan {
  /** b_i per deposit */
  balanceChange: number[];
  /** n×n flows (upper triangle; positive = from column j to row i) */
  matrix: number[][];
  /** non-zero flows of the matrix in execution (row-major) order, each capped at what its source holds then */
  transfers: AllocationTransfer[];
  /** Σ executed transfer amounts */
  volume: number;
  /** Σ requested transfer amounts */
  requestedVolume: number;
  /** Σ (requested − executed): what the sources could not pay */
  shortfall: number;
  /** balances after the transfers execute */
  balancesAfter: number[];
}

/**
 * The largest Σ balances a rebalance of `n` deposits accepts: Number.MAX_VALUE / (16·n). Below
 * it every intermediate result is finite: |b_i| ≤ total and Σ|b_i| ≤ 2·total; the largest
 * product, `fei-reference`'s 6·Σ_k (n−1−2k)·b_k, stays below 12·(n−1)·total; transfer volumes
 * stay below 20·total; exact execution needs multiples of its grid up to 2·total.
 *
 * @example maxTotalBalance(2) === Number.MAX_VALUE / 32 // true
 */
export function maxTotalBalance(n: number): number {
  return Number.MAX_VALUE / (16 * Math.max(n, 1));
}

/**
 * Checks that Σ balances is finite and at most {@link maxTotalBalance}(n); returns it. The
 * error names `fieldOf(i)` for the first balance at which the running sum goes over.
 *
 * @example checkTotalBalance([700, 300], (i) => `--current[${i}]`) // 1000
 */
export function checkTotalBalance(balances: ArrayLike<number>, fieldOf: (i: number) => string): number {
  const limit = maxTotalBalance(balances.length);
  let total = 0;
  for (let i = 0; i < balances.length; i++) {
    total += balances[i];
    if (!(total <= limit)) {
      throw new UserError({ field: fieldOf(i), value: balances[i], message: `Σ balances through deposit ${i} is ${total}, above the largest total ${limit.toPrecision(4)} for ${balances.length} deposits`, hint: 'the sum of balances and every result must be finite: give balances in larger units, e.g. millions of USD' });
    }
  }
  return total;
}

function checkVector(field: string, values: readonly number[], what: string): void {
  values.forEach((v, i) => {
    if (!Number.isFinite(v) || v < 0) throw new UserError({ field: `${field}[${i}]`, value: v, message: `${what} must be a finite number >= 0, got ${v}` });
  });
}

/**
 * Plans one rebalance of `balances` toward `targetWeights` (which must sum to 1).
 *
 * @example
 * rebalancePlan([700, 300], [0.4, 0.6], 1, 'direct')
 * // { balanceChange: [-300, 300], matrix: [[0, -300], [0, 0]], transfers: [{ from: 0, to: 1, amount: 300, requested: 300 }], volume: 300, requestedVolume: 300, shortfall: 0, balancesAfter: [400, 600] }
 */
export function rebalancePlan(balances: readonly number[], targetWeights: readonly number[], rate: number, method: TransferMethod = 'direct'): RebalancePlan {
  checkVector('--current', balances, 'a balance');
  checkTotalBalance(balances, () => '--current');
  checkVector('--target', targetWeights, 'a weight');
  if (targetWeights.length !== balances.length) {
    throw new UserError({ field: '--target', value: targetWeights.length, message: `has ${targetWeights.length} weights for ${balances.length} balances`, hint: 'give one weight per deposit' });
  }
  const weightSum = targetWeights.reduce((a, b) => a + b, 0);
  if (Math.abs(weightSum - 1) > 1e-9) throw new UserError({ field: '--target', value: weightSum, message: `weights must sum to 1, got ${weightSum}` });
  if (!(rate >= 0 && rate <= 1)) throw new UserError({ field: '--rate', value: rate, message: `must be in [0, 1], got ${rate}` });
  const n = balances.length;
  const b = balanceChange(balances, targetWeights, rate, new Float64Array(n));
  const flat = transferMatrix(b, method, new Float64Array(n * n));
  const matrix = Array.from({ length: n }, (_, i) => Array.from(flat.subarray(i * n, i * n + n)));
  const after = Float64Array.from(balances);
  const executed = new Float64Array(n * n);
  const totals = executeTransfers(after, flat, executed, emptyTotals());
  const transfers: AllocationTransfer[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = flat[i * n + j];
      const x = Math.abs(executed[i * n + j]);
      if (v !== 0) transfers.push(v > 0 ? { from: j, to: i, amount: x, requested: v } : { from: i, to: j, amount: x, requested: -v });
    }
  }
  return {
    balanceChange: Array.from(b),
    matrix,
    transfers,
    volume: totals.executedVolume,
    requestedVolume: totals.requestedVolume,
    shortfall: totals.shortfall,
    balancesAfter: Array.from(after),
  };
}
