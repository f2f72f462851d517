/**
 * Yield and rate processes: fills of a `Float64Array` with one value per timestep
 * (`out[t]` is the rate at timestep `t`, `t = 0…out.length − 1`). Every fill is pure and
 * allocation-free; the seeded one draws from the {@link Rng} it is given, so a run's path
 * depends only on its stream.
 *
 * Processes: constant, a given series, a sinusoid, and a mean-reverting
 * Ornstein–Uhlenbeck process with exact discretisation (used for deposit yields and for
 * perp funding rates).
 */
import { UserError } from '../core/errors.ts';
import type { Rng } from '../core/rng.ts';

/** A rate that never changes. @example { kind: 'constant', value: 0.03 } */
export interface ConstantProcess {
  kind: 'constant';
  /** the rate at every timestep (e.g. an APR as a 0..1 fraction) */
  value: number;
}

/** Given values, one per timestep from timestep 0. @example { kind: 'series', values: [0.03, 0.03, 0] } */
export interface SeriesProcess {
  kind: 'series';
  /** `values[t]` is the rate at timestep t; needs at least as many values as the path */
  values: readonly number[];
}

/**
 * `mean + amplitude · sin(2π·t / periodSteps + phaseRad)`.
 *
 * @example { kind: 'sinusoid', mean: 0.02, amplitude: 0.005, periodSteps: 30 }
 */
export interface SinusoidProcess {
  kind: 'sinusoid';
  mean: number;
  amplitude: number;
  /** period in timesteps (> 0) */
  periodSteps: number;
  /** phase in radians (default 0) */
  phaseRad?: number;
}

/**
 * Ornstein–Uhlenbeck: dx = speed·(level − x)·dt + vol·dW, with dt in years.
 *
 * @example { kind: 'meanReverting', level: 0.05, speed: 12, vol: 0.1, initial: 0.03 }
 */
export interface MeanRevertingProcess {
  kind: 'meanReverting';
  /** long-run mean the process reverts to */
  level: number;
  /** reversion speed per year (≥ 0; 0 gives a random walk); half-life = ln 2 / speed years */
  speed: number;
  /** instantaneous volatility per √year (≥ 0) */
  vol: number;
  /** value at timestep 0 (default: level) */
  initial?: number;
}

/** Any rate process. @example const p: RateProcess = { kind: 'constant', value: 0.01 }; */
export type RateProcess = ConstantProcess | SeriesProcess | SinusoidProcess | MeanRevertingProcess;

/**
 * Fills `out` with `value`. @example fillConstant(new Float64Array(3), 0.02) // [0.02, 0.02, 0.02]
 */
export function fillConstant(out: Float64Array, value: number): Float64Array {
  return out.fill(value);
}

/**
 * Copies `values[0…out.length)` into `out`; throws when the series is too short.
 *
 * @example fillSeries(new Float64Array(2), [0.03, 0.01, 0]) // [0.03, 0.01]
 */
export function fillSeries(out: Float64Array, values: ArrayLike<number>, field = 'values'): Float64Array {
  if (values.length < out.length) {
    throw new UserError({
      field,
      value: values.length,
      message: `series has ${values.length} values but the path needs ${out.length} (timesteps 0…${out.length - 1})`,
      hint: 'give one value per timestep, starting at timestep 0',
    });
  }
  for (let t = 0; t < out.length; t++) out[t] = values[t];
  return out;
}

/**
 * `out[t] = mean + amplitude · sin(2π·t / periodSteps + phaseRad)`.
 *
 * @example fillSinusoid(new Float64Array(31), 0.02, 0.005, 30) // out[0] = 0.02, out[7.5 → 8] ≈ 0.025
 */
export function fillSinusoid(out: Float64Array, mean: number, amplitude: number, periodSteps: number, phaseRad = 0): Float64Array {
  const omega = (2 * Math.PI) / periodSteps;
  for (let t = 0; t < out.length; t++) out[t] = mean + amplitude * Math.sin(omega * t + phaseRad);
  return out;
}

/** Per-step coefficients of the exact OU discretisation. */
export interface MeanRevertingCoefficients {
  /** e^(−speed·dtYears): weight of the previous deviation from the level */
  decay: number;
  /** standard deviation of the step's Gaussian noise: vol·√((1 − e^(−2·speed·dt)) / (2·speed)) */
  noiseStd: number;
}

/**
 * Coefficients of the exact discretisation of an OU process over a step of `dtYears`
 * (speed 0 gives a random walk with noise vol·√dt).
 *
 * @example meanRevertingCoefficients(12, 0.1, 1 / 365) // { decay: 0.9676…, noiseStd: 0.00518… }
 */
export function meanRevertingCoefficients(speed: number, vol: number, dtYears: number): MeanRevertingCoefficients {
  if (speed === 0) return { decay: 1, noiseStd: vol * Math.sqrt(dtYears) };
  const decay = Math.exp(-speed * dtYears);
  // (1 − e^(−2κdt)) / (2κ) via expm1 to keep precision when κ·dt is small
  return { decay, noiseStd: vol * Math.sqrt(-Math.expm1(-2 * speed * dtYears) / (2 * speed)) };
}

/**
 * One exact OU step: `level + (x − level)·decay + noiseStd·z` with z ~ N(0, 1).
 *
 * @example meanRevertingStep(0.03, 0.05, c.decay, c.noiseStd, rng.normal())
 */
export function meanRevertingStep(x: number, level: number, decay: number, noiseStd: number, z: number): number {
  return level + (x - level) * decay + noiseStd * z;
}

/**
 * Fills `out` with an OU path: `out[0] = initial` (default level), then one exact step of
 * `dtYears` per timestep with normals drawn from `rng`.
 *
 * @example fillMeanReverting(new Float64Array(366), { level: 0.05, speed: 12, vol: 0.1, dtYears: 1 / 365 }, Rng.stream(42, 0))
 */
export function fillMeanReverting(
  out: Float64Array,
  p: { level: number; speed: number; vol: number; dtYears: number; initial?: number },
  rng: Rng,
): Float64Array {
  if (out.length === 0) return out;
  const { decay, noiseStd } = meanRevertingCoefficients(p.speed, p.vol, p.dtYears);
  let x = p.initial ?? p.level;
  out[0] = x;
  for (let t = 1; t < out.length; t++) {
    x = meanRevertingStep(x, p.level, decay, noiseStd, rng.normal());
    out[t] = x;
  }
  return out;
}

/**
 * Fills `out` with any {@link RateProcess}. `dtYears` is the length of one timestep (used by
 * the mean-reverting process); `rng` is drawn from only by seeded processes.
 *
 * @example fillRateProcess(new Float64Array(366), { kind: 'sinusoid', mean: 0.02, amplitude: 0.005, periodSteps: 30 }, 1 / 365, rng)
 */
export function fillRateProcess(out: Float64Array, process: RateProcess, dtYears: number, rng: Rng, field = 'process'): Float64Array {
  switch (process.kind) {
    case 'constant':
      return fillConstant(out, process.value);
    case 'series':
      return fillSeries(out, process.values, `${field}.values`);
    case 'sinusoid':
      return fillSinusoid(out, process.mean, process.amplitude, process.periodSteps, process.phaseRad);
    case 'meanReverting':
      return fillMeanReverting(out, { ...process, dtYears }, rng);
  }
}
