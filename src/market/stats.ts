/**
 * Summary statistics over samples (Monte Carlo outputs, return series): mean, sample standard
 * deviation (n − 1), standard error of the mean, min, max and the 5/25/50/75/95 percentiles.
 *
 * Percentiles use linear interpolation between order statistics (Hyndman–Fan type 7, numpy's
 * default): the q-quantile of n sorted values is at position q·(n − 1).
 */

/** The statistics of one sample. Every field is in the sample's own unit. */
export interface Summary {
  /** Arithmetic mean. */
  mean: number;
  /** Sample standard deviation (divides by n − 1; 0 for a single value). */
  std: number;
  /** Standard error of the mean, std / √n. */
  sem: number;
  min: number;
  max: number;
  p5: number;
  p25: number;
  p50: number;
  p75: number;
  p95: number;
}

/**
 * Arithmetic mean.
 *
 * @example mean(Float64Array.of(1, 2, 3)) // 2
 */
export function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return sum / values.length;
}

/**
 * Sample standard deviation (n − 1 in the denominator; 0 when n < 2), two-pass for accuracy.
 *
 * @example std(Float64Array.of(1, 2, 3)) // 1
 */
export function std(values: ArrayLike<number>): number {
  const n = values.length;
  if (n < 2) return 0;
  const m = mean(values);
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i] - m) ** 2;
  return Math.sqrt(ss / (n - 1));
}

/**
 * The q-quantile (0 ≤ q ≤ 1) of values already sorted ascending, by linear interpolation.
 *
 * @example quantileSorted(Float64Array.of(0, 10), 0.25) // 2.5
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
}

/**
 * Summary of a non-empty sample of finite values; the input is not modified.
 *
 * @example summarize(Float64Array.of(1, 2, 3, 4)).p50 // 2.5
 */
export function summarize(values: ArrayLike<number>): Summary {
  if (values.length === 0) throw new RangeError('summarize needs at least one value');
  const sorted = Float64Array.from(values).sort();
  const s = std(sorted);
  return {
    mean: mean(sorted),
    std: s,
    sem: s / Math.sqrt(sorted.length),
    min: sorted[0],
    max: sorted[sorted.length - 1],
    p5: quantileSorted(sorted, 0.05),
    p25: quantileSorted(sorted, 0.25),
    p50: quantileSorted(sorted, 0.5),
    p75: quantileSorted(sorted, 0.75),
    p95: quantileSorted(sorted, 0.95),
  };
}

/**
 * Summaries of several named samples at once.
 *
 * @example summarizeAll({ roi: Float64Array.of(0.1, 0.2) }).roi.mean // 0.15000000000000002
 */
export function summarizeAll<K extends string>(samples: Readonly<Record<K, ArrayLike<number>>>): Record<K, Summary> {
  const out = {} as Record<K, Summary>;
  for (const key of Object.keys(samples) as K[]) out[key] = summarize(samples[key]);
  return out;
}
