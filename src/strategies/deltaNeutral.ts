/**
 * Delta-neutral LP farming: liquidity in a constant-product stable/token pool plus a short of
 * the pool's token amount, rebalanced on a schedule and/or a hedge band.
 *
 * Two accountings of the same strategy:
 * - `exact` (default, {@link ./deltaNeutral/exact.ts}): fractions of the capital actually
 *   committed, the short marked at its real size with margin and liquidation, funding on the mark
 *   notional, the LVR estimate beside the realised cost of neutrality.
 * - `reference` ({@link ./deltaNeutral/reference.ts}): the original system step for step, bugs
 *   included, to reproduce its published numbers.
 *
 * This module adds the funding-rate sources and one-path entry points; Monte Carlo lives in
 * `scenarios/deltaNeutral.ts`.
 */
import type { RateProcess } from '../market/processes.ts';
import { EXACT_OUTPUT_KEYS, X_SIZE, runExactPath, type ExactParams } from './deltaNeutral/exact.ts';
import { REFERENCE_OUTPUT_KEYS, R_SIZE, runReferencePath, type ReferenceParams, type ReferenceSeries } from './deltaNeutral/reference.ts';
import { DAYS_PER_YEAR } from '../core/time.ts';

export * from './deltaNeutral/exact.ts';
export * from './deltaNeutral/reference.ts';
export * from './deltaNeutral/outputs.ts';

/** Which accounting to run. */
export type Accounting = 'exact' | 'reference';

/**
 * Funding rate of the short, annual (> 0: shorts receive), any rate process of
 * `market/processes.ts`: constant, a per-step series, a sinusoid or a seeded mean-reverting
 * (Ornstein–Uhlenbeck) rate. `fundingAprs[t]` applies from step t to t + 1.
 *
 * @example const funding: FundingSpec = { kind: 'meanReverting', level: 0.08, speed: 12, vol: 0.3, initial: 0.1 };
 */
export type FundingSpec = RateProcess;

/**
 * Pool fee APR from trading volume: volume × fee tier / TVL, annualised.
 *
 * @example poolAprFromVolume({ volumeUsdPerDay: 1e6, feeTier: 0.003, tvlUsd: 5e6 }) // 0.219
 */
export function poolAprFromVolume(v: { volumeUsdPerDay: number; feeTier: number; tvlUsd: number }): number {
  return (v.volumeUsdPerDay * v.feeTier * DAYS_PER_YEAR) / v.tvlUsd;
}

/** Outputs of one path: each key of the accounting's output list → its value. */
export type DeltaNeutralOutputs = Record<string, number>;

/**
 * Reference accounting of one price path; returns the outputs and the per-step series.
 *
 * @example simulateReferencePath([35000, 36000, 34000], { poolRatePerStep: 0.2 / 365, fundingRatePerStep: 0.08 / 365, makerFeePct: 0.0002, rebalanceEvery: 1, initialQuantity: 1 })
 */
export function simulateReferencePath(prices: ArrayLike<number>, params: ReferenceParams): { outputs: DeltaNeutralOutputs; series: ReferenceSeries } {
  const row = new Float64Array(REFERENCE_OUTPUT_KEYS.length);
  const series: ReferenceSeries = { totalGain: [], shortPnl: [], poolMoney: [], fundingFees: [], shortingFees: [], poolFees: [], impermanentLoss: [] };
  runReferencePath(prices, params, new Float64Array(R_SIZE), row, 0, series);
  return { outputs: rowToRecord(REFERENCE_OUTPUT_KEYS, row, 0), series };
}

/**
 * Exact accounting of one price path with per-step funding APRs (length prices − 1).
 *
 * @example simulateExactPath([35000, 36000], [0.08], params).roi
 */
export function simulateExactPath(prices: ArrayLike<number>, fundingAprs: ArrayLike<number>, params: ExactParams): DeltaNeutralOutputs {
  const row = new Float64Array(EXACT_OUTPUT_KEYS.length);
  runExactPath(prices, fundingAprs, params, new Float64Array(X_SIZE), row, 0);
  return rowToRecord(EXACT_OUTPUT_KEYS, row, 0);
}

/**
 * The output keys of an accounting, in row order.
 *
 * @example outputKeys('reference')[0] // 'roi'
 */
export function outputKeys(accounting: Accounting): readonly string[] {
  return accounting === 'exact' ? EXACT_OUTPUT_KEYS : REFERENCE_OUTPUT_KEYS;
}

/**
 * Turns one output row into a keyed record.
 *
 * @example rowToRecord(['roi'], Float64Array.of(0.1), 0) // { roi: 0.1 }
 */
export function rowToRecord(keys: readonly string[], row: ArrayLike<number>, offset: number): DeltaNeutralOutputs {
  const out: DeltaNeutralOutputs = {};
  keys.forEach((k, i) => (out[k] = row[offset + i]));
  return out;
}
