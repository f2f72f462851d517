/**
 * Capital allocation: how users move capital between N deposits (venues) toward yield- and
 * risk-weighted targets (after the Fei Protocol capital allocation model, rewritten from its
 * formulas).
 *
 * 1. **Targets.** Endogenous: w_i ∝ ȳ_i / (1 + volatileRisk_i + σ_i/μ_i) over a moving window
 *    of past yields, ȳ floored at 1e-18. Exogenous: (w + r·p) / (1 + r) with p ~ Dirichlet(α).
 * 2. **Balance change.** r = √(dt / rebalanceDuration); b_i = r·(target_i − current_i)·total.
 * 3. **Transfers.** b is split into pairwise flows, an n×n matrix M (row-major, only i < j
 *    used): M[i][j] > 0 moves M[i][j] from deposit j to deposit i, M[i][j] < 0 moves |M[i][j]|
 *    from i to j. Methods: `direct` (default; each losing deposit pays gaining deposits in
 *    index order, volume Σ max(b_i, 0)), `min-norm` ((b_i − b_j)/n on every pair) and
 *    `fei-reference` (the original's pseudo-inverse solution, in closed form).
 * 4. **Execution.** Transfers run in row-major order; each is capped at the source's balance
 *    at that moment, and the shortfall is reported. Amounts move on a binary grid (a
 *    multiple of Q = 2^(⌊log2 Σ⌋ − 51)), so every addition and subtraction is exact and Σ
 *    balances is conserved bit for bit.
 *
 * Compatibility: `compat: 'fei-reference'` reproduces the original's target weights exactly,
 * including its edge cases: it divides the window sum by the full window length even when
 * fewer samples exist (early timesteps), and uses σ/(μ + 1e-18) (negative for negative mean
 * yields). The default divides by the number of samples and uses σ / max(μ, 1e-18).
 */
import { UserError } from '../core/errors.ts';
import type { Rng } from '../core/rng.ts';

/** Floor of a deposit's moving-average yield (keeps zero-yield deposits in the simplex). */
export const YIELD_FLOOR = 1e-18;

/** How the balance change is split into transfers. */
export type TransferMethod = 'direct' | 'min-norm' | 'fei-reference';
/** The transfer methods, default first. */
export const TRANSFER_METHODS: readonly TransferMethod[] = ['direct', 'min-norm', 'fei-reference'];

/** Target-weight semantics: fixed edge cases (default) or the original's exactly. */
export type TargetCompat = 'default' | 'fei-reference';

/**
 * r = √(dt / rebalanceDuration): the fraction of the gap to target closed per step.
 *
 * @example rebalanceRate(1, 30) // 0.18257418583505536
 */
export function rebalanceRate(dtDays: number, rebalanceDurationDays: number): number {
  return Math.sqrt(dtDays / rebalanceDurationDays);
}

/**
 * b_i = rate·(target_i − balance_i/total)·total into `out` (zeros when the total is 0).
 *
 * @example balanceChange([700, 300], [0.4, 0.6], 1, new Float64Array(2)) // [-300, 300]
 */
export function balanceChange(balances: ArrayLike<number>, targetWeights: ArrayLike<number>, rate: number, out: Float64Array): Float64Array {
  const n = balances.length;
  let total = 0;
  for (let i = 0; i < n; i++) total += balances[i];
  if (total === 0) return out.fill(0, 0, n);
  for (let i = 0; i < n; i++) out[i] = rate * (targetWeights[i] - balances[i] / total) * total;
  return out;
}

function nextGainer(b: ArrayLike<number>, from: number): number {
  let j = from;
  while (j < b.length && !(b[j] > 0)) j++;
  return j;
}

function directMatrix(b: ArrayLike<number>, n: number, m: Float64Array): void {
  let sink = nextGainer(b, 0);
  let sinkLeft = sink < n ? b[sink] : 0;
  for (let s = 0; s < n && sink < n; s++) {
    if (!(b[s] < 0)) continue;
    let left = -b[s];
    while (left > 0 && sink < n) {
      const amount = Math.min(left, sinkLeft);
      // flow s → sink: a positive entry when the receiver has the lower index
      if (sink < s) m[sink * n + s] += amount;
      else m[s * n + sink] -= amount;
      left -= amount;
      sinkLeft -= amount;
      if (sinkLeft <= 0) {
        sink = nextGainer(b, sink + 1);
        sinkLeft = sink < n ? b[sink] : 0;
      }
    }
  }
}

function minNormMatrix(b: ArrayLike<number>, n: number, m: Float64Array): void {
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) m[i * n + j] = (b[i] - b[j]) / n;
}

function feiReferenceMatrix(b: ArrayLike<number>, n: number, m: Float64Array): void {
  if (n === 2) {
    m[1] = (b[0] - b[1]) / 2; // = b_0 when b_0 + b_1 = 0 (least squares otherwise, as pinv)
    return;
  }
  let weighted = 0;
  for (let k = 0; k < n; k++) weighted += (n - 1 - 2 * k) * b[k];
  const c = (6 * weighted) / (n * n * (n - 1) * (n - 2));
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) m[i * n + j] = (b[i] - b[j]) / n - c * (n - 2 * (j - i));
}

/**
 * Splits a balance change into pairwise flows: writes the n×n matrix (row-major; diagonal and
 * lower triangle 0) into `out`.
 *
 * - `direct`: losing deposits (b < 0, by index) pay gaining deposits (b > 0, by index), each
 *   pair at most once; volume Σ max(b_i, 0), at most n − 1 transfers.
 * - `min-norm`: M_ij = (b_i − b_j)/n, the least-norm flow on the complete graph.
 * - `fei-reference`: the original's pinv of the complete graph's incidence matrix with an
 *   extra all-ones row, in closed form: M_ij = (b_i − b_j)/n − c·(n − 2(j − i)),
 *   c = 6·Σ_k (n−1−2k)·b_k / (n²(n−1)(n−2)) for n ≥ 3; M_01 = (b_0 − b_1)/2 (= b_0) for n = 2.
 *
 * @example transferMatrix([-300, 300], 'direct', new Float64Array(4)) // [0, -300, 0, 0]: 300 from 0 to 1
 */
export function transferMatrix(b: ArrayLike<number>, method: TransferMethod, out: Float64Array): Float64Array {
  const n = b.length;
  out.fill(0, 0, n * n);
  if (n < 2) return out;
  if (method === 'direct') directMatrix(b, n, out);
  else if (method === 'min-norm') minNormMatrix(b, n, out);
  else feiReferenceMatrix(b, n, out);
  return out;
}

/**
 * The original's constrained incidence matrix ((n+1) × edges): column e = (i, j) (edges in
 * lexicographic order) has +1 at row i and −1 at row j; the last row is all ones; for n = 2 a
 * zero column is appended. `fei-reference` flows are pinv(A)·[b, 0].
 *
 * @example constrainedIncidenceMatrix(2) // [[1, 0], [-1, 0], [1, 1]]
 */
export function constrainedIncidenceMatrix(n: number): number[][] {
  const edges: Array<[number, number]> = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) edges.push([i, j]);
  const columns = n === 2 ? 2 : edges.length;
  const a = Array.from({ length: n + 1 }, () => new Array<number>(columns).fill(0));
  edges.forEach(([i, j], e) => {
    a[i][e] = 1;
    a[j][e] = -1;
  });
  a[n].fill(1);
  return a;
}

/**
 * The grid step of exact execution for a total: Q = 2^(⌊log2 total⌋ − 51). Every multiple of
 * Q up to 2·total is a float64, so sums and differences of such multiples are exact.
 *
 * @example gridQuantum(1000) // 2^-42
 */
export function gridQuantum(total: number): number {
  if (!(total > 0)) return 0;
  return 2 ** (Math.floor(Math.log2(total)) - 51);
}

function snap(x: number, q: number): number {
  return Math.round(x / q) * q;
}

/** Totals of one execution (a reusable, mutable record). */
export interface ExecutionTotals {
  /** Σ |requested amount| */
  requestedVolume: number;
  /** Σ executed amount */
  executedVolume: number;
  /** Σ (requested − executed) over capped transfers: what the sources could not pay */
  shortfall: number;
  /** number of transfers capped at the source's balance */
  cappedCount: number;
}

/** A zeroed {@link ExecutionTotals}. @example const totals = emptyTotals(); */
export function emptyTotals(): ExecutionTotals {
  return { requestedVolume: 0, executedVolume: 0, shortfall: 0, cappedCount: 0 };
}

/**
 * Executes a transfer matrix on `balances` (in place): entries in row-major order, each
 * amount snapped to the grid {@link gridQuantum}(Σ balances) and capped at the source's
 * balance at that moment. Balances are first snapped to the grid (a change below Q/2, i.e.
 * ~1e-16 relative). Σ balances is conserved exactly. `executed` (n×n, optional) receives the
 * signed executed amounts in the matrix's orientation. Allocation-free.
 *
 * @example
 * const bal = new Float64Array([700, 300]);
 * executeTransfers(bal, new Float64Array([0, -300, 0, 0]), null, emptyTotals()); // bal = [400, 600]
 */
export function executeTransfers(balances: Float64Array, matrix: ArrayLike<number>, executed: Float64Array | null, totals: ExecutionTotals): ExecutionTotals {
  const n = balances.length;
  totals.requestedVolume = 0;
  totals.executedVolume = 0;
  totals.shortfall = 0;
  totals.cappedCount = 0;
  if (executed) executed.fill(0, 0, n * n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    if (!(balances[i] >= 0)) throw new RangeError(`balance ${i} must be >= 0, got ${balances[i]}`);
    total += balances[i];
  }
  const q = gridQuantum(total);
  if (q === 0) return totals;
  for (let i = 0; i < n; i++) balances[i] = snap(balances[i], q);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const value = matrix[i * n + j];
      if (value === 0) continue;
      const from = value > 0 ? j : i;
      const to = value > 0 ? i : j;
      const requested = Math.abs(value);
      const wanted = snap(requested, q);
      const amount = Math.min(wanted, balances[from]);
      balances[from] -= amount;
      balances[to] += amount;
      totals.requestedVolume += requested;
      totals.executedVolume += amount;
      if (amount < wanted) {
        totals.shortfall += requested - amount;
        totals.cappedCount++;
      }
      if (executed) executed[i * n + j] = value > 0 ? amount : -amount;
    }
  }
  return totals;
}

/** Options of {@link endogenousTargetWeights}. */
export interface EndogenousOptions {
  /** moving-average window (timesteps, ≥ 1) */
  window: number;
  /** per-deposit volatile-asset risk added to the risk (0 for non-volatile deposits) */
  volatileRisk: ArrayLike<number>;
  /** default: fixed edge cases; 'fei-reference': the original exactly */
  compat?: TargetCompat;
}

/**
 * Endogenous target weights from past yields: `history` holds `rows` rows of `n` yields
 * (row-major, oldest first); the last min(rows, window) rows are used. Per deposit:
 * ȳ = max(Σ/m, 1e-18) (Σ/window in `fei-reference` mode), σ and μ the population std and mean
 * of the m samples, risk = 1 + volatileRisk + σ/max(μ, 1e-18) (σ/(μ + 1e-18) in
 * `fei-reference` mode); w ∝ ȳ / risk, normalised. Writes into `out`.
 *
 * @example
 * endogenousTargetWeights(new Float64Array([0.01, 0.02, 0.015, 0]), 1, 4, { window: 3, volatileRisk: [0.3, 0.3, 0, 0] }, new Float64Array(4))
 */
export function endogenousTargetWeights(history: ArrayLike<number>, rows: number, n: number, opts: EndogenousOptions, out: Float64Array): Float64Array {
  if (rows < 1) throw new UserError({ field: 'history', value: rows, message: 'needs at least one timestep of yields' });
  const compat = opts.compat === 'fei-reference';
  const m = Math.min(rows, opts.window);
  const first = rows - m;
  let weightSum = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let t = first; t < rows; t++) s += history[t * n + i];
    const mean = s / m;
    let sq = 0;
    for (let t = first; t < rows; t++) {
      const d = history[t * n + i] - mean;
      sq += d * d;
    }
    const std = Math.sqrt(sq / m);
    const yieldAvg = Math.max(compat ? s / opts.window : mean, YIELD_FLOOR);
    const yieldRisk = compat ? std / (mean + YIELD_FLOOR) : std / Math.max(mean, YIELD_FLOOR);
    const w = yieldAvg / (1 + opts.volatileRisk[i] + yieldRisk);
    out[i] = w;
    weightSum += w;
  }
  for (let i = 0; i < n; i++) out[i] /= weightSum;
  return out;
}

/**
 * Exogenous target weights: (w + r·p) / Σ(w + r·p) = (w + r·p)/(1 + r) with p ~ Dirichlet(α)
 * drawn from `rng`. Writes into `out` (no allocation).
 *
 * @example exogenousTargetWeights([0.5, 0.5], 0.18, [1, 1], Rng.stream(42, 0), new Float64Array(2))
 */
export function exogenousTargetWeights(currentWeights: ArrayLike<number>, rate: number, alpha: ArrayLike<number>, rng: Rng, out: Float64Array): Float64Array {
  rng.dirichlet(alpha, out);
  let sum = 0;
  for (let i = 0; i < out.length; i++) {
    out[i] = currentWeights[i] + rate * out[i];
    sum += out[i];
  }
  for (let i = 0; i < out.length; i++) out[i] /= sum;
  return out;
}

/** One transfer of a plan, with 0-based deposit indexes. */
export interface AllocationTransfer {
  from: number;
  to: number;
  amount: number;
}

/** A rebalance step for people and the CLI. */
export interface RebalancePlan {
  /** b_i per deposit */
  balanceChange: number[];
  /** n×n flows (upper triangle; positive = from column j to row i) */
  matrix: number[][];
  /** non-zero flows in execution (row-major) order */
  transfers: AllocationTransfer[];
  /** Σ transfer amounts */
  volume: number;
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
 * // { balanceChange: [-300, 300], matrix: [[0, -300], [0, 0]], transfers: [{ from: 0, to: 1, amount: 300 }], volume: 300 }
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
  const transfers: AllocationTransfer[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = flat[i * n + j];
      if (v !== 0) transfers.push(v > 0 ? { from: j, to: i, amount: v } : { from: i, to: j, amount: -v });
    }
  }
  return { balanceChange: Array.from(b), matrix, transfers, volume: transfers.reduce((s, t) => s + t.amount, 0) };
}

/**
 * Endogenous target weights from a JSON-like history (one yield vector per timestep, oldest
 * first); `volatile` lists the deposits charged `volatileRisk`.
 *
 * @example targetWeightsFromHistory([[0.01, 0.02, 0.015, 0]], { window: 3, volatileRisk: 0.3, volatile: [0, 1] })
 */
export function targetWeightsFromHistory(
  history: readonly (readonly number[])[],
  opts: { window: number; volatileRisk?: number; volatile?: readonly number[]; compat?: TargetCompat },
): number[] {
  if (history.length === 0) throw new UserError({ field: '--history', message: 'needs at least one yield vector' });
  const n = history[0].length;
  if (n === 0) throw new UserError({ field: '--history[0]', message: 'needs at least one deposit' });
  const flat = new Float64Array(history.length * n);
  history.forEach((row, t) => {
    if (row.length !== n) throw new UserError({ field: `--history[${t}]`, value: row.length, message: `has ${row.length} yields, expected ${n}` });
    row.forEach((y, i) => {
      if (typeof y !== 'number' || !Number.isFinite(y)) throw new UserError({ field: `--history[${t}][${i}]`, value: y, message: 'must be a finite number' });
      flat[t * n + i] = y;
    });
  });
  const risk = new Float64Array(n);
  for (const i of opts.volatile ?? []) {
    if (!Number.isInteger(i) || i < 0 || i >= n) throw new UserError({ field: '--volatile', value: i, message: `deposit index must be in 0..${n - 1}, got ${i}` });
    risk[i] = opts.volatileRisk ?? 0;
  }
  return Array.from(endogenousTargetWeights(flat, history.length, n, { window: opts.window, volatileRisk: risk, compat: opts.compat }, new Float64Array(n)));
}
