/**
 * The capital allocation model's balance change and transfers: the rate √(dt/duration), the
 * change toward target, its split into pairwise transfers, and their exact execution (each
 * capped at what the source holds). The model is described in `capitalAllocation.ts`.
 */

/** How the balance change is split into transfers. */
export type TransferMethod = 'direct' | 'min-norm' | 'fei-reference';
/** The transfer methods, default first. */
export const TRANSFER_METHODS: readonly TransferMethod[] = ['direct', 'min-norm', 'fei-reference'];

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
  if (total !== lastGridTotal) {
    lastGridQuantum = 2 ** (Math.floor(Math.log2(total)) - 51);
    lastGridTotal = total;
  }
  return lastGridQuantum;
}

// The last total and its quantum: a simulation conserves Σ balances exactly, so every step asks
// for the same total, and log2 and a power are two library calls a step.
let lastGridTotal = NaN;
let lastGridQuantum = 0;

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
