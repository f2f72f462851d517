/**
 * The capital allocation model's target weights: endogenous (yield over risk, from a moving
 * window of past yields) and exogenous (a Dirichlet draw around the current weights).
 */
import { UserError } from '../../core/errors.ts';
import type { Rng } from '../../core/rng.ts';

/** Floor of a deposit's moving-average yield (keeps zero-yield deposits in the simplex). */
export const YIELD_FLOOR = 1e-18;

/** Target-weight semantics: fixed edge cases (default) or the original's exactly. */
export type TargetCompat = 'default' | 'fei-reference';

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
