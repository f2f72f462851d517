/**
 * Investor flows of a fund: deposits and redemption requests arriving each day as compound
 * Poisson processes with lognormal sizes, seeded.
 *
 * Deposits are sized in USD; redemptions as a fraction of the fund's NAV (so a small fund is
 * not asked to pay out more than it holds), capped per request. Lognormal sizes keep the
 * given mean: log-size ~ N(ln(mean) − σ²/2, σ²).
 */
import { UserError } from '../core/errors.ts';
import type { Rng } from '../core/rng.ts';

/** Parameters of the daily flow process. */
export interface FlowSpec {
  /** Expected number of deposits per day (Poisson rate). */
  depositsPerDay: number;
  /** Mean size of one deposit, USD. */
  depositMeanUsd: number;
  /** σ of the log of a deposit's size (0 = every deposit is the mean). */
  depositSizeVol: number;
  /** Expected number of redemption requests per day (Poisson rate). */
  redemptionsPerDay: number;
  /** Mean size of one redemption, as a fraction of NAV. */
  redemptionMeanPct: number;
  /** σ of the log of a redemption's size. */
  redemptionSizeVol: number;
  /** Largest single redemption, as a fraction of NAV. */
  redemptionMaxPct: number;
}

/** One day's sampled flows, in preallocated buffers (grown when a day needs more room). */
export interface DayFlows {
  /** Deposit sizes in USD; the first `depositCount` entries are used. */
  depositsUsd: Float64Array;
  depositCount: number;
  /** Redemption sizes as fractions of NAV; the first `redemptionCount` entries are used. */
  redemptionPcts: Float64Array;
  redemptionCount: number;
}

/**
 * Checks a flow spec; throws a {@link UserError} naming `${path}.<field>`.
 *
 * @example checkFlowSpec(spec, 'flows')
 */
export function checkFlowSpec(spec: FlowSpec, path = 'flows'): FlowSpec {
  const nonNegative: Array<keyof FlowSpec> = ['depositsPerDay', 'depositMeanUsd', 'depositSizeVol', 'redemptionsPerDay', 'redemptionMeanPct', 'redemptionSizeVol'];
  for (const key of nonNegative) {
    const v = spec[key];
    if (!Number.isFinite(v) || v < 0) throw new UserError({ field: `${path}.${key}`, value: v, message: `must be a finite number >= 0, got ${v}` });
  }
  for (const key of ['depositsPerDay', 'redemptionsPerDay'] as const) {
    if (spec[key] > MAX_FLOWS_PER_DAY) {
      throw new UserError({ field: `${path}.${key}`, value: spec[key], message: `must be a number from 0 to ${MAX_FLOWS_PER_DAY} (flows per day), got ${spec[key]}`, hint: 'a Poisson rate of investor requests per day' });
    }
  }
  if (!(spec.redemptionMaxPct > 0 && spec.redemptionMaxPct <= 1)) {
    throw new UserError({ field: `${path}.redemptionMaxPct`, value: spec.redemptionMaxPct, message: `must be in (0, 1], got ${spec.redemptionMaxPct}` });
  }
  if (spec.redemptionMeanPct > spec.redemptionMaxPct) {
    throw new UserError({
      field: `${path}.redemptionMeanPct`,
      value: spec.redemptionMeanPct,
      message: `mean redemption ${spec.redemptionMeanPct} is above the cap redemptionMaxPct ${spec.redemptionMaxPct}`,
      hint: 'lower redemptionMeanPct or raise redemptionMaxPct',
    });
  }
  return spec;
}

/** The largest Poisson rate of deposits (and of redemptions) per day a flow process takes. */
export const MAX_FLOWS_PER_DAY = 10_000;

/**
 * Empty day buffers with room for `capacity` flows of each kind.
 *
 * @example const day = createDayFlows();
 */
export function createDayFlows(capacity = 16): DayFlows {
  return { depositsUsd: new Float64Array(capacity), depositCount: 0, redemptionPcts: new Float64Array(capacity), redemptionCount: 0 };
}

function lognormalWithMean(rng: Rng, mean: number, sigma: number): number {
  if (sigma === 0) return mean;
  return rng.lognormal(Math.log(mean) - 0.5 * sigma * sigma, sigma);
}

function ensureRoom(buffer: Float64Array, count: number): Float64Array {
  if (count <= buffer.length) return buffer;
  const grown = new Float64Array(Math.max(count, buffer.length * 2));
  grown.set(buffer);
  return grown;
}

/**
 * Samples one day's deposits and redemption requests into `out` (reused day after day).
 * Draw order is fixed (deposit count, deposit sizes, redemption count, redemption sizes), so
 * a seeded stream gives the same flows everywhere.
 *
 * @example sampleDayFlows(Rng.stream(42, 0), spec, createDayFlows()).depositCount
 */
export function sampleDayFlows(rng: Rng, spec: FlowSpec, out: DayFlows): DayFlows {
  out.depositCount = rng.poisson(spec.depositsPerDay);
  out.depositsUsd = ensureRoom(out.depositsUsd, out.depositCount);
  for (let i = 0; i < out.depositCount; i++) out.depositsUsd[i] = lognormalWithMean(rng, spec.depositMeanUsd, spec.depositSizeVol);
  out.redemptionCount = rng.poisson(spec.redemptionsPerDay);
  out.redemptionPcts = ensureRoom(out.redemptionPcts, out.redemptionCount);
  for (let i = 0; i < out.redemptionCount; i++) {
    out.redemptionPcts[i] = Math.min(spec.redemptionMaxPct, lognormalWithMean(rng, spec.redemptionMeanPct, spec.redemptionSizeVol));
  }
  return out;
}
