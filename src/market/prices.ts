/**
 * Price paths: historical (a CSV column over an inclusive date range), an explicit list, or
 * synthetic and seeded — arithmetic normal returns (as the original delta-neutral system),
 * geometric Brownian motion, or Merton jump-diffusion.
 *
 * Synthetic paths are built from one-step functions ({@link normalReturnStep}, {@link gbmStep},
 * {@link mertonStep}) so Monte Carlo kernels can draw a price and use it in the same pass, with no
 * buffer. Every random draw comes from an {@link Rng} stream: path `i` of seed `s` is
 * `Rng.stream(s, i)`, the same on any worker.
 */
import { UserError } from '../core/errors.ts';
import type { Rng } from '../core/rng.ts';
import { checkNumber } from '../core/validate.ts';
import { DAYS_PER_YEAR } from '../core/time.ts';

/** A price path with its dates when it came from history (prices in USD per token). */
export interface PriceSeries {
  /** UTC dates `YYYY-MM-DD`, one per price (absent for lists and synthetic paths). */
  dates?: string[];
  /** Prices P₀…Pₙ, all finite and > 0. */
  prices: Float64Array;
}

/** Options of {@link parsePriceCsv}. */
export interface PriceCsvOptions {
  /** Column holding the price (default `open`). */
  column?: string;
  /** First date kept, inclusive (`YYYY-MM-DD`). */
  from?: string;
  /** Last date kept, inclusive (`YYYY-MM-DD`). */
  to?: string;
  /** File name, for error messages. */
  source?: string;
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Checks a `YYYY-MM-DD` calendar date; throws a {@link UserError} naming `field` otherwise.
 *
 * @example checkDate('--from', '2022-01-02') // '2022-01-02'
 */
export function checkDate(field: string, text: string): string {
  const d = new Date(`${text}T00:00:00Z`);
  if (!DATE_RE.test(text) || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== text) {
    throw new UserError({ field, value: text, message: `must be a date YYYY-MM-DD, got ${JSON.stringify(text)}` });
  }
  return text;
}

/**
 * Checks a price path: at least two prices, each finite and > 0.
 *
 * @example checkPrices('--prices-json', [100, 110]) // Float64Array [100, 110]
 */
export function checkPrices(field: string, prices: ArrayLike<number>): Float64Array {
  if (prices.length < 2) throw new UserError({ field, value: prices.length, message: `needs at least 2 prices, got ${prices.length}` });
  for (let i = 0; i < prices.length; i++) {
    const p = prices[i];
    if (typeof p !== 'number' || !Number.isFinite(p) || p <= 0) {
      throw new UserError({ field: `${field}[${i}]`, value: p, message: `prices must be finite numbers > 0, got ${String(p)}` });
    }
  }
  return Float64Array.from(prices);
}

/**
 * Reads a daily price CSV (header row; first column a UTC date or timestamp starting
 * `YYYY-MM-DD`, rows in ascending date order, each with as many fields as the header) and
 * keeps one column between `from` and `to`, both inclusive. Errors name the file line (blank
 * lines count) or the flag whose bound emptied the range.
 *
 * @example
 * parsePriceCsv('timestamp,open\n2022-01-01,100\n2022-01-02,110\n', { column: 'open' })
 * // { dates: ['2022-01-01', '2022-01-02'], prices: Float64Array [100, 110] }
 */
export function parsePriceCsv(text: string, opts: PriceCsvOptions = {}): Required<PriceSeries> {
  const column = opts.column ?? 'open';
  const source = opts.source ?? 'CSV';
  const from = opts.from === undefined ? undefined : checkDate('--from', opts.from);
  const to = opts.to === undefined ? undefined : checkDate('--to', opts.to);
  if (from !== undefined && to !== undefined && from > to) {
    throw new UserError({ field: '--to', value: to, message: `must not be before --from ${from}` });
  }
  const lines = text.split(/\r?\n/);
  const headerIndex = lines.findIndex((l) => l.trim() !== '');
  if (headerIndex < 0) throw new UserError({ field: source, message: 'is empty', hint: 'expected a header row and daily rows' });
  const header = lines[headerIndex].split(',').map((h) => h.trim());
  const col = header.indexOf(column);
  if (col < 1) {
    throw new UserError({ field: '--column', value: column, message: `no price column ${JSON.stringify(column)} in ${source}`, hint: `columns: ${header.slice(1).join(', ')}` });
  }
  const dates: string[] = [];
  const prices: number[] = [];
  const span = { first: '', last: '', beforeFrom: 0, afterTo: 0 };
  for (let i = headerIndex + 1; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    const line = `${source}:${i + 1}`;
    const cells = lines[i].split(',');
    if (cells.length !== header.length) {
      throw new UserError({ field: line, value: lines[i], message: `line ${i + 1} has ${cells.length} fields, the header has ${header.length}` });
    }
    const date = cells[0].trim().slice(0, 10);
    if (!DATE_RE.test(date)) throw new UserError({ field: line, value: cells[0], message: `line ${i + 1} has no YYYY-MM-DD date` });
    if (date <= span.last) throw new UserError({ field: line, value: date, message: `dates must be strictly ascending (${date} after ${span.last})` });
    if (span.first === '') span.first = date;
    span.last = date;
    if (from !== undefined && date < from) span.beforeFrom++;
    else if (to !== undefined && date > to) span.afterTo++;
    else {
      const price = Number(cells[col].trim());
      if (!Number.isFinite(price) || price <= 0) throw new UserError({ field: line, value: cells[col], message: `${column} must be a number > 0 on ${date}` });
      dates.push(date);
      prices.push(price);
    }
  }
  if (prices.length < 2) throw rangeTooShortError(source, prices.length, from, to, span);
  return { dates, prices: Float64Array.from(prices) };
}

/**
 * The error for a CSV or date range that keeps fewer than 2 rows, naming the bound that
 * dropped rows: `--from` (rows before it), `--to` (rows after it), both, or the file itself.
 */
function rangeTooShortError(source: string, kept: number, from: string | undefined, to: string | undefined, span: { first: string; last: string; beforeFrom: number; afterTo: number }): UserError {
  const message = `keeps ${kept} row(s) of ${source}; at least 2 are needed`;
  if (span.beforeFrom === 0 && span.afterTo === 0) return new UserError({ field: source, message: `has ${kept} data row(s); at least 2 are needed` });
  const field = span.afterTo === 0 ? '--from' : span.beforeFrom === 0 ? '--to' : '--from/--to';
  const value = field === '--from' ? from : field === '--to' ? to : `${from}..${to}`;
  return new UserError({ field, value, message: `the date range ${from ?? ''}..${to ?? ''} ${message}`, hint: `the file's dates run ${span.first}..${span.last}` });
}

/** Synthetic price processes. */
export type SyntheticKind = 'normal' | 'gbm' | 'jump';

/** Merton jump parameters, per step: Poisson jump count, each jump a lognormal factor. */
export interface JumpSpec {
  /** Expected jumps per step (λ·dt). */
  intensityPerStep: number;
  /** Mean of the log jump size. */
  meanLog: number;
  /** Standard deviation of the log jump size. */
  volLog: number;
}

/** A seeded synthetic path of `steps` steps (steps + 1 prices). */
export interface SyntheticSpec {
  kind: SyntheticKind;
  /** P₀ in USD. */
  initialPrice: number;
  /** Standard deviation of the per-step return (simple return for `normal`, log return for `gbm`/`jump` diffusion). */
  volPerStep: number;
  steps: number;
  /** Expected return per step (default 0: prices are a martingale for every kind). */
  driftPerStep?: number;
  /** Jumps (used by `jump` only). */
  jump?: JumpSpec;
}

/** Default jump parameters: about 10 jumps a year on daily steps, each −2% ± 5% in log. */
export const DEFAULT_JUMP_PER_DAY: JumpSpec = { intensityPerStep: 10 / DAYS_PER_YEAR, meanLog: -0.02, volLog: 0.05 };

/** Lowest simple return the arithmetic normal process takes (keeps prices > 0). */
export const MIN_SIMPLE_RETURN = -0.99;

/**
 * One step of the original's arithmetic normal process, P·(1 + μ + σ·z), with the return
 * floored at {@link MIN_SIMPLE_RETURN} so the price stays positive (the original has no floor
 * and can go negative when σ is large).
 *
 * @example normalReturnStep(100, 0.05, 0, 1) // 105
 */
export function normalReturnStep(price: number, volPerStep: number, driftPerStep: number, z: number): number {
  const r = driftPerStep + volPerStep * z;
  return price * (1 + (r > MIN_SIMPLE_RETURN ? r : MIN_SIMPLE_RETURN));
}

/**
 * One step of geometric Brownian motion, P·exp(μ − σ²/2 + σ·z) (E[P′] = P·e^μ).
 *
 * @example gbmStep(100, 0, 0, 0) // 100
 */
export function gbmStep(price: number, volPerStep: number, driftPerStep: number, z: number): number {
  return price * Math.exp(driftPerStep - 0.5 * volPerStep * volPerStep + volPerStep * z);
}

/**
 * Sum of the log jump sizes of one step: N ~ Poisson(λ) jumps (Knuth's product of uniforms,
 * fine for the small λ of a step), each N(meanLog, volLog²).
 *
 * @example jumpLogStep(Rng.fromSeed(1), { intensityPerStep: 0, meanLog: 0, volLog: 0 }) // 0
 */
export function jumpLogStep(rng: Rng, jump: JumpSpec): number {
  const limit = Math.exp(-jump.intensityPerStep);
  let product = rng.uniform();
  let total = 0;
  while (product > limit) {
    total += jump.meanLog + jump.volLog * rng.normal();
    product *= rng.uniform();
  }
  return total;
}

/**
 * The compensator λ·κ, κ = E[e^Y] − 1, that keeps a Merton path a martingale.
 *
 * @example jumpCompensator({ intensityPerStep: 0.1, meanLog: 0, volLog: 0 }) // 0
 */
export function jumpCompensator(jump: JumpSpec): number {
  return jump.intensityPerStep * (Math.exp(jump.meanLog + 0.5 * jump.volLog * jump.volLog) - 1);
}

/**
 * One step of Merton jump-diffusion: P·exp(μ − σ²/2 − λκ + σ·z + ΣY). `compensator` is
 * {@link jumpCompensator}(jump), passed in so a hot loop computes it once.
 *
 * @example mertonStep(100, 0, 0, 0, Rng.fromSeed(1), { intensityPerStep: 0, meanLog: 0, volLog: 0 }, 0) // 100
 */
export function mertonStep(price: number, volPerStep: number, driftPerStep: number, z: number, rng: Rng, jump: JumpSpec, compensator: number): number {
  return price * Math.exp(driftPerStep - 0.5 * volPerStep * volPerStep - compensator + volPerStep * z + jumpLogStep(rng, jump));
}

/**
 * One step of any synthetic process, drawing its normal from `rng`.
 *
 * @example syntheticStep(spec, 100, rng, 0)
 */
export function syntheticStep(spec: SyntheticSpec, price: number, rng: Rng, compensator: number): number {
  const drift = spec.driftPerStep ?? 0;
  const z = rng.normal();
  if (spec.kind === 'gbm') return gbmStep(price, spec.volPerStep, drift, z);
  if (spec.kind === 'normal') return normalReturnStep(price, spec.volPerStep, drift, z);
  return mertonStep(price, spec.volPerStep, drift, z, rng, spec.jump ?? DEFAULT_JUMP_PER_DAY, compensator);
}

/**
 * Checks a synthetic spec; field names are the CLI flags.
 *
 * @example checkSyntheticSpec({ kind: 'gbm', initialPrice: 35000, volPerStep: 0.05, steps: 365 })
 */
export function checkSyntheticSpec(spec: SyntheticSpec): SyntheticSpec {
  checkNumber('--initial-price', spec.initialPrice, { gt: 0 });
  checkNumber('--daily-vol', spec.volPerStep, { min: 0 });
  checkNumber('--steps', spec.steps, { integer: true, min: 1 });
  if (spec.jump !== undefined) {
    checkNumber('--jump-intensity', spec.jump.intensityPerStep, { min: 0 });
    if (!Number.isFinite(spec.jump.meanLog)) throw new UserError({ field: '--jump-mean', value: spec.jump.meanLog, message: `must be a finite number, got ${spec.jump.meanLog}` });
    checkNumber('--jump-vol', spec.jump.volLog, { min: 0 });
  }
  return spec;
}

/**
 * Fills `out` (length steps + 1) with one seeded synthetic path and returns it: the prices
 * `steps` calls of {@link syntheticStep} give, drawing the same numbers. Normal and GBM paths
 * take one normal a step, so their normals are drawn in one {@link Rng.fillNormal} pass and
 * then turned into prices in place.
 *
 * @example fillSyntheticPath(new Float64Array(366), { kind: 'gbm', initialPrice: 35000, volPerStep: 0.05, steps: 365 }, Rng.stream(7, 0))
 */
export function fillSyntheticPath(out: Float64Array, spec: SyntheticSpec, rng: Rng): Float64Array {
  const steps = spec.steps;
  out[0] = spec.initialPrice;
  if (spec.kind === 'jump') {
    const compensator = jumpCompensator(spec.jump ?? DEFAULT_JUMP_PER_DAY);
    for (let t = 1; t <= steps; t++) out[t] = syntheticStep(spec, out[t - 1], rng, compensator);
    return out;
  }
  const volPerStep = spec.volPerStep;
  const driftPerStep = spec.driftPerStep ?? 0;
  rng.fillNormal(out, 1, steps + 1);
  if (spec.kind === 'gbm') for (let t = 1; t <= steps; t++) out[t] = gbmStep(out[t - 1], volPerStep, driftPerStep, out[t]);
  else for (let t = 1; t <= steps; t++) out[t] = normalReturnStep(out[t - 1], volPerStep, driftPerStep, out[t]);
  return out;
}
