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
  const sorted = sortAscending(Float64Array.from(values));
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

/** True on a little-endian machine (the low 32-bit word of a float64 comes first). */
const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/**
 * Sorts in place, ascending, in exactly `Float64Array.prototype.sort`'s order (numeric, −0
 * before +0, NaN last) and about twice as fast: each float is mapped in place to a 64-bit
 * integer of the same order (negatives: every bit but the sign flipped; NaN: one canonical
 * positive NaN), the integers are sorted as a BigInt64Array (no NaN or −0 cases to handle), and
 * mapped back. Equal floats have equal bits (but ±0, told apart by the sign), so the result is
 * element for element the built-in sort's.
 *
 * @example sortAscending(Float64Array.of(2, -0, -1, 0, NaN)) // Float64Array [-1, -0, 0, 2, NaN]
 */
export function sortAscending(values: Float64Array): Float64Array {
  if (!LITTLE_ENDIAN) return values.sort();
  const words = new Int32Array(values.buffer, values.byteOffset, 2 * values.length);
  for (let i = 0; i < values.length; i++) {
    if (values[i] !== values[i]) {
      words[2 * i] = 0; // a NaN: the canonical quiet NaN 0x7ff8000000000000 sorts after +Infinity
      words[2 * i + 1] = 0x7ff80000;
    } else if (words[2 * i + 1] < 0) flipNegative(words, i);
  }
  new BigInt64Array(values.buffer, values.byteOffset, values.length).sort();
  for (let i = 0; i < values.length; i++) if (words[2 * i + 1] < 0) flipNegative(words, i);
  return values;
}

/** Flips every bit but the sign of float `i` (its two 32-bit words): its own inverse. */
function flipNegative(words: Int32Array, i: number): void {
  words[2 * i] = ~words[2 * i];
  words[2 * i + 1] ^= 0x7fffffff;
}

/**
 * Drawdown at each point of a value series: v_t / max_{s≤t} v_s − 1 (≤ 0).
 *
 * @example drawdownSeries([1, 1.1, 0.99]) // [0, 0, -0.1]
 */
export function drawdownSeries(values: ArrayLike<number>): Float64Array {
  const out = new Float64Array(values.length);
  let peak = -Infinity;
  for (let i = 0; i < values.length; i++) {
    if (values[i] > peak) peak = values[i];
    out[i] = values[i] / peak - 1;
  }
  return out;
}

/**
 * Max drawdown of a value series: min over t of v_t / max_{s≤t} v_s − 1 (≤ 0; 0 when it never falls).
 *
 * @example maxDrawdown([1, 1.1, 0.99, 1.2]) // -0.1
 */
export function maxDrawdown(values: ArrayLike<number>): number {
  let peak = -Infinity;
  let worst = 0;
  for (let i = 0; i < values.length; i++) {
    if (values[i] > peak) peak = values[i];
    const drawdown = values[i] / peak - 1;
    if (drawdown < worst) worst = drawdown;
  }
  return worst;
}
