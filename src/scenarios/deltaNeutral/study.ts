/**
 * The delta-neutral study without the scenario-file schema: settings → a {@link DeltaNeutralJob}
 * (checked), one path, or a Monte Carlo study on threads (this one and workers) summarised per
 * output.
 * `capflow delta-neutral` imports this module (not `../deltaNeutral.ts`, whose zod schema
 * costs start-up time); `../deltaNeutral.ts` re-exports it.
 */
import { readFileSync } from 'node:fs';
import { UserError } from '../../core/errors.ts';
import { checkNumber } from '../../core/validate.ts';
import { parsePriceCsv, checkPrices, checkSyntheticSpec, type SyntheticSpec } from '../../market/prices.ts';
import type { Summary } from '../../market/stats.ts';
import { shareRunsParallel, checkWorkers } from '../../sim/parallel.ts';
import { checkExactParams, EXACT_DEFAULTS, type ExactParams } from '../../strategies/deltaNeutral/exact.ts';
import type { ReferenceParams } from '../../strategies/deltaNeutral/reference.ts';
import { outputKeys, rowToRecord, type Accounting, type DeltaNeutralOutputs, type FundingSpec } from '../../strategies/deltaNeutral.ts';
import { jobSteps, runDeltaNeutralPaths, type DeltaNeutralJob, type DeltaNeutralShare, type PriceSource } from './kernel.ts';
import { DELTA_NEUTRAL_KERNEL } from './kernelModule.ts';
import { DAYS_PER_YEAR } from '../../core/time.ts';

/**
 * Strategy settings shared by the CLI and the scenario file (rates annual, fees as fractions).
 *
 * @example const s: DeltaNeutralSettings = { ...DELTA_NEUTRAL_DEFAULTS, poolApr: 0.2, funding: { kind: 'constant', value: 0.08 }, makerFeePct: 0.0002, rebalanceEvery: 1 };
 */
export interface DeltaNeutralSettings {
  accounting: Accounting;
  stepsPerYear: number;
  poolApr: number;
  /** Funding of the short: a constant APR or a rate process (exact accounting). */
  funding: FundingSpec;
  makerFeePct: number;
  /** Taker fee (exact accounting; default: the maker fee). */
  takerFeePct?: number;
  /** Scheduled rebalance interval in steps (0 = band only, exact accounting). */
  rebalanceEvery: number;
  /** Hedge band |hedge ratio − 1| (exact accounting). */
  band?: number;
  capitalUsd: number;
  fixedCostUsd: number;
  shortLeverage: number;
  liquidationThreshold: number;
  liquidationPenaltyPct: number;
  /** |leverage / target − 1| beyond which a rebalance restores the margin in kind (Infinity = never). */
  marginBand: number;
  reinvestFees: boolean;
  /** Q₀ of reference accounting (the original's default 1). */
  initialQuantity: number;
}

/** Defaults of the settings that need not be given. */
export const DELTA_NEUTRAL_DEFAULTS = {
  accounting: 'exact',
  stepsPerYear: DAYS_PER_YEAR,
  capitalUsd: EXACT_DEFAULTS.capitalUsd,
  fixedCostUsd: EXACT_DEFAULTS.fixedCostUsd,
  shortLeverage: EXACT_DEFAULTS.shortLeverage,
  liquidationThreshold: EXACT_DEFAULTS.liquidationThreshold,
  liquidationPenaltyPct: EXACT_DEFAULTS.liquidationPenaltyPct,
  marginBand: EXACT_DEFAULTS.marginBand,
  reinvestFees: EXACT_DEFAULTS.reinvestFees,
  initialQuantity: 1,
} as const;

/**
 * Checks settings and builds the job for a price source and seed. Reference accounting accepts
 * a constant funding rate, a schedule (rebalanceEvery ≥ 1) and no band, as the original.
 *
 * @example buildDeltaNeutralJob(settings, { kind: 'list', prices: [100, 110] }, 0)
 */
export function buildDeltaNeutralJob(settings: DeltaNeutralSettings, source: PriceSource, seed: number): DeltaNeutralJob {
  checkNumber('--steps-per-year', settings.stepsPerYear, { integer: true, min: 1 });
  if (settings.accounting === 'reference') return { accounting: 'reference', reference: referenceParams(settings), source, seed };
  const exact: ExactParams = checkExactParams({
    capitalUsd: settings.capitalUsd,
    dtYears: 1 / settings.stepsPerYear,
    poolApr: settings.poolApr,
    reinvestFees: settings.reinvestFees,
    makerFeePct: settings.makerFeePct,
    takerFeePct: settings.takerFeePct ?? settings.makerFeePct,
    fixedCostUsd: settings.fixedCostUsd,
    rebalanceEvery: settings.rebalanceEvery,
    band: settings.band ?? Infinity,
    shortLeverage: settings.shortLeverage,
    liquidationThreshold: settings.liquidationThreshold,
    liquidationPenaltyPct: settings.liquidationPenaltyPct,
    marginBand: settings.marginBand,
  });
  const job: DeltaNeutralJob = { accounting: 'exact', exact, funding: settings.funding, source, seed };
  if (settings.funding.kind === 'series' && settings.funding.values.length < jobSteps(job)) {
    throw new UserError({ field: 'funding.values', value: settings.funding.values.length, message: `needs one funding APR per step (${jobSteps(job)}), got ${settings.funding.values.length}` });
  }
  return job;
}

function referenceParams(settings: DeltaNeutralSettings): ReferenceParams {
  const fail = (field: string, value: unknown, message: string): never => {
    throw new UserError({ field, value, message, hint: 'use --accounting exact for this' });
  };
  if (settings.funding.kind !== 'constant') fail('--funding-apr', settings.funding.kind, 'reference accounting takes a constant funding APR only');
  if (settings.band !== undefined) fail('--band', settings.band, 'reference accounting rebalances on the schedule only');
  if (!Number.isInteger(settings.rebalanceEvery) || settings.rebalanceEvery < 1) fail('--rebalance-every', settings.rebalanceEvery, `must be an integer >= 1 in reference accounting, got ${settings.rebalanceEvery}`);
  if (!(settings.makerFeePct >= 0 && settings.makerFeePct < 1)) fail('--maker-fee', settings.makerFeePct, `must be in [0, 1), got ${settings.makerFeePct}`);
  if (!(settings.poolApr >= 0) || !Number.isFinite(settings.poolApr)) fail('--pool-apr', settings.poolApr, `must be a number >= 0, got ${settings.poolApr}`);
  if (!(settings.initialQuantity > 0)) fail('initialQuantity', settings.initialQuantity, 'must be > 0');
  const fundingApr = (settings.funding as { value: number }).value;
  return {
    poolRatePerStep: settings.poolApr / settings.stepsPerYear,
    fundingRatePerStep: fundingApr / settings.stepsPerYear,
    makerFeePct: settings.makerFeePct,
    rebalanceEvery: settings.rebalanceEvery,
    initialQuantity: settings.initialQuantity,
  };
}

/**
 * Outputs of run 0 of a job (the only path of a list source).
 *
 * @example runDeltaNeutralOnce(job).roi
 */
export function runDeltaNeutralOnce(job: DeltaNeutralJob): DeltaNeutralOutputs {
  return rowToRecord(outputKeys(job.accounting), runDeltaNeutralPaths(job, 0, 1), 0);
}

/** A Monte Carlo study's result: statistics of every output over `runs` paths. */
export interface DeltaNeutralStudy {
  runs: number;
  seed: number;
  stats: Record<string, Summary>;
}


/**
 * Runs `runs` paths of a job on `workers` threads (this one included) and summarises every
 * output. Path i uses `Rng.stream(seed, i)` and the summaries do not depend on which thread ran
 * which path, so the result is the same for any worker count.
 *
 * @example const study = await monteCarloDeltaNeutral(job, { runs: 40000, workers: 2 }); study.stats.roi.mean
 */
export async function monteCarloDeltaNeutral(
  job: DeltaNeutralJob,
  opts: { runs: number; workers: number; onProgress?: (done: number, total: number) => void },
): Promise<DeltaNeutralStudy> {
  checkNumber('--runs', opts.runs, { integer: true, min: 1 });
  const workers = Math.min(checkWorkers(opts.workers), opts.runs);
  const keys = outputKeys(job.accounting);
  const columns = new Float64Array(new SharedArrayBuffer(Float64Array.BYTES_PER_ELEMENT * opts.runs * keys.length));
  const shares = await shareRunsParallel<DeltaNeutralShare, Array<[number, Summary]>>({
    workerModule: DELTA_NEUTRAL_KERNEL.module,
    exportName: DELTA_NEUTRAL_KERNEL.exportName,
    runs: opts.runs,
    workers,
    payload: { job, columns },
    onProgress: opts.onProgress,
  });
  const byColumn = new Map(shares.flat());
  const stats: Record<string, Summary> = {};
  keys.forEach((key, k) => (stats[key] = byColumn.get(k) as Summary));
  return { runs: opts.runs, seed: job.seed, stats };
}

/**
 * Reads a price CSV file (see {@link parsePriceCsv}).
 *
 * @example loadPriceCsvFile('BTCUSDT_1d.csv', { column: 'open', from: '2022-01-02', to: '2022-08-01' })
 */
export function loadPriceCsvFile(path: string, opts: { column?: string; from?: string; to?: string }, field = '--prices'): PriceSource {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError({ field, value: path, message: code === 'ENOENT' ? `file not found: ${path}` : `cannot read ${path} (${code ?? String(e)})` });
  }
  return { kind: 'list', prices: Array.from(parsePriceCsv(text, { ...opts, source: path }).prices) };
}

/**
 * A checked list source.
 *
 * @example listSource('--prices-json', [100, 110])
 */
export function listSource(field: string, prices: unknown): PriceSource {
  if (!Array.isArray(prices)) throw new UserError({ field, value: prices, message: 'must be a JSON array of prices', hint: "e.g. '[35000, 36000, 34500]'" });
  return { kind: 'list', prices: Array.from(checkPrices(field, prices as number[])) };
}

/**
 * A checked synthetic source.
 *
 * @example syntheticSource({ kind: 'gbm', initialPrice: 35000, volPerStep: 0.04, steps: 365 })
 */
export function syntheticSource(spec: SyntheticSpec): PriceSource {
  return { kind: 'synthetic', spec: checkSyntheticSpec(spec) };
}
