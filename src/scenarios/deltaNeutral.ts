/**
 * The delta-neutral LP farming scenario: settings (from CLI flags or a scenario file) → a
 * {@link DeltaNeutralJob}, run as one path or as a Monte Carlo study over worker threads
 * (the typed-array kernel of `deltaNeutral/kernel.ts`), summarised per output.
 *
 * Scenario file (`capflow run examples/delta-neutral.yaml`), validated by
 * {@link DeltaNeutralScenarioSchema}; every field but `prices` has a default:
 *
 * ```yaml
 * model: delta-neutral
 * runs: 2000
 * seed: 42
 * prices: { synthetic: { process: gbm, dailyVol: 0.04, steps: 365, initialPrice: 35000 } }
 * accounting: exact
 * pool: { apr: 0.2 }                       # or { volumeUsdPerDay, feeTier, tvlUsd }
 * funding: { kind: constant, value: 0.08 } # any rate process (series, meanReverting, …)
 * fees: { maker: 0.0002, taker: 0.0005, fixedUsd: 0 }
 * rebalance: { every: 1, band: 0.05 }
 * ```
 */
import * as z from '../core/zod.ts';
import { UserError } from '../core/errors.ts';
import { jumpCompensator, syntheticStep, DEFAULT_JUMP_PER_DAY } from '../market/prices.ts';
import { defineBlock, type Model } from '../sim/model.ts';
import { exactAdvance, exactFinish, exactInit, exactRebalance, hedgeDecision, EXACT_DEFAULTS, HEDGE_MAKER, HEDGE_NONE, X_PRICE, X_SIZE } from '../strategies/deltaNeutral/exact.ts';
import { referenceAdvance, referenceInit, referenceOutputs, referenceRecord, referenceTrade, R_POOL_QTY, R_PRICE, R_SHORT_QTY, R_SIZE } from '../strategies/deltaNeutral/reference.ts';
import { outputKeys, poolAprFromVolume } from '../strategies/deltaNeutral.ts';
import { fillJobFunding, type DeltaNeutralJob, type PriceSource } from './deltaNeutral/kernel.ts';
import { buildDeltaNeutralJob, listSource, loadPriceCsvFile, syntheticSource, type DeltaNeutralSettings } from './deltaNeutral/study.ts';
import { flagsToPaths, RateProcessSchema } from './schemas.ts';
import { DAYS_PER_YEAR } from '../core/time.ts';

export * from './deltaNeutral/kernel.ts';
export * from './deltaNeutral/study.ts';

// ----- scenario file and the generic engine model -----

const nonNegative = z.number().nonnegative();
const fraction = z.number().min(0).lt(1);

const PricesSchema = z.union([
  z.strictObject({ csv: z.strictObject({ file: z.string(), column: z.string().default('open'), from: z.string().optional(), to: z.string().optional() }) }),
  z.strictObject({ list: z.array(z.number().positive()).min(2) }),
  z.strictObject({
    synthetic: z.strictObject({
      process: z.enum(['normal', 'gbm', 'jump']),
      dailyVol: nonNegative,
      initialPrice: z.number().positive(),
      driftPerStep: z.number().default(0),
      jump: z.strictObject({ intensityPerStep: nonNegative, meanLog: z.number(), volLog: nonNegative }).optional(),
    }),
  }),
]);

/**
 * Parameters of a `model: delta-neutral` scenario file (`params:`). Rates are annual fractions,
 * fees fractions of notional, a CSV path is relative to the working directory; the envelope's
 * `timesteps` is the number of steps (a CSV or list needs at least timesteps + 1 prices).
 *
 * @example parseConfig(DeltaNeutralParamsSchema, { prices: { list: [100, 110] }, pool: { apr: 0.2 } })
 */
export const DeltaNeutralParamsSchema = z.strictObject({
  prices: PricesSchema,
  accounting: z.enum(['exact', 'reference']).default('exact'),
  stepsPerYear: z.number().int().positive().default(DAYS_PER_YEAR),
  capitalUsd: z.number().positive().default(EXACT_DEFAULTS.capitalUsd),
  pool: z
    .union([
      z.strictObject({ apr: nonNegative, reinvestFees: z.boolean().default(false) }),
      z.strictObject({ volumeUsdPerDay: nonNegative, feeTier: fraction, tvlUsd: z.number().positive(), reinvestFees: z.boolean().default(false) }),
    ])
    .default({ apr: 0, reinvestFees: false }),
  funding: RateProcessSchema.default({ kind: 'constant', value: 0 }),
  fees: z.strictObject({ maker: fraction.default(0), taker: fraction.optional(), fixedUsd: nonNegative.default(0) }).default({ maker: 0, fixedUsd: 0 }),
  rebalance: z.strictObject({ every: z.number().int().nonnegative().default(1), band: z.number().positive().optional() }).default({ every: 1 }),
  short: z
    .strictObject({
      leverage: z.number().positive().default(EXACT_DEFAULTS.shortLeverage),
      liquidationThreshold: z.number().gt(0).lt(1).default(EXACT_DEFAULTS.liquidationThreshold),
      liquidationPenalty: fraction.default(EXACT_DEFAULTS.liquidationPenaltyPct),
      marginBand: z.union([nonNegative, z.literal('off')]).default(EXACT_DEFAULTS.marginBand),
    })
    .default({ leverage: EXACT_DEFAULTS.shortLeverage, liquidationThreshold: EXACT_DEFAULTS.liquidationThreshold, liquidationPenalty: EXACT_DEFAULTS.liquidationPenaltyPct, marginBand: EXACT_DEFAULTS.marginBand }),
  initialQuantity: z.number().positive().default(1),
});

/** Parsed `params:` of a delta-neutral scenario. */
export type DeltaNeutralParams = z.output<typeof DeltaNeutralParamsSchema>;

/**
 * What a delta-neutral scenario reads outside its file, once in the parent: the prices of its
 * CSV (null without one).
 *
 * @example const inputs: DeltaNeutralInputs = { csvPrices: [35000, 35100] };
 */
export interface DeltaNeutralInputs {
  csvPrices: number[] | null;
}

/** The scenario path of each CLI flag that shared checks name in their errors. */
const SCENARIO_PATHS: Readonly<Record<string, string>> = {
  '--capital': 'params.capitalUsd',
  '--steps-per-year': 'params.stepsPerYear',
  '--pool-apr': 'params.pool.apr',
  '--maker-fee': 'params.fees.maker',
  '--taker-fee': 'params.fees.taker',
  '--fixed-cost': 'params.fees.fixedUsd',
  '--rebalance-every': 'params.rebalance.every',
  '--band': 'params.rebalance.band',
  '--liquidation-threshold': 'params.short.liquidationThreshold',
  '--short-leverage': 'params.short.leverage',
  '--liquidation-penalty': 'params.short.liquidationPenalty',
  '--margin-band': 'params.short.marginBand',
  '--funding-apr': 'params.funding',
  '--accounting': 'params.accounting',
  'funding.values': 'params.funding.values',
  initialQuantity: 'params.initialQuantity',
  '--from/--to': 'params.prices.csv',
  '--from': 'params.prices.csv.from',
  '--to': 'params.prices.csv.to',
  '--column': 'params.prices.csv.column',
  '--initial-price': 'params.prices.synthetic.initialPrice',
  '--daily-vol': 'params.prices.synthetic.dailyVol',
  '--steps': 'timesteps',
  '--jump-intensity': 'params.prices.synthetic.jump.intensityPerStep',
  '--jump-mean': 'params.prices.synthetic.jump.meanLog',
  '--jump-vol': 'params.prices.synthetic.jump.volLog',
};

/** Runs `fn`, renaming the flags its errors name to scenario paths. */
function inScenario<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw flagsToPaths(e, SCENARIO_PATHS);
  }
}

/**
 * Reads what the parameters point to (the registry's `inputs`): a price CSV's prices. Errors
 * name scenario paths (`params.prices.csv.file`, `params.prices.csv.from`).
 *
 * @example loadDeltaNeutralInputs(params).csvPrices?.length
 */
export function loadDeltaNeutralInputs(params: DeltaNeutralParams): DeltaNeutralInputs {
  const prices = params.prices;
  if (!('csv' in prices)) return { csvPrices: null };
  return inScenario(() => ({ csvPrices: (loadPriceCsvFile(prices.csv.file, prices.csv, 'params.prices.csv.file') as { prices: number[] }).prices }));
}

/**
 * The job of scenario parameters and their inputs over `steps` steps (a CSV or list must have
 * steps + 1 prices and is cut to them). Without `steps` lists are kept whole and a synthetic
 * spec gets 1 step: the engine's timesteps then decide the length. Errors name scenario paths.
 *
 * @example paramsToJob(params, 365, 42)
 */
export function paramsToJob(params: DeltaNeutralParams, steps: number | undefined, seed: number, inputs: DeltaNeutralInputs = { csvPrices: null }): DeltaNeutralJob {
  return inScenario(() => scenarioJob(params, steps, seed, inputs));
}

function scenarioJob(params: DeltaNeutralParams, steps: number | undefined, seed: number, inputs: DeltaNeutralInputs): DeltaNeutralJob {
  const pool = params.pool;
  const settings: DeltaNeutralSettings = {
    accounting: params.accounting,
    stepsPerYear: params.stepsPerYear,
    poolApr: 'apr' in pool ? pool.apr : poolAprFromVolume(pool),
    reinvestFees: pool.reinvestFees,
    funding: params.funding,
    makerFeePct: params.fees.maker,
    takerFeePct: params.fees.taker,
    fixedCostUsd: params.fees.fixedUsd,
    rebalanceEvery: params.rebalance.every,
    band: params.rebalance.band,
    capitalUsd: params.capitalUsd,
    shortLeverage: params.short.leverage,
    liquidationThreshold: params.short.liquidationThreshold,
    liquidationPenaltyPct: params.short.liquidationPenalty,
    marginBand: params.short.marginBand === 'off' ? Infinity : params.short.marginBand,
    initialQuantity: params.initialQuantity,
  };
  return buildDeltaNeutralJob(settings, paramsSource(params.prices, steps, inputs), seed);
}

function paramsSource(prices: DeltaNeutralParams['prices'], steps: number | undefined, inputs: DeltaNeutralInputs): PriceSource {
  const cut = (source: PriceSource, field: string): PriceSource => {
    const list = (source as { prices: number[] }).prices;
    if (steps === undefined) return source;
    if (list.length < steps + 1) throw new UserError({ field, value: list.length, message: `has ${list.length} prices but timesteps ${steps} needs ${steps + 1}` });
    return { kind: 'list', prices: list.slice(0, steps + 1) };
  };
  if ('csv' in prices) {
    if (inputs.csvPrices === null) throw new Error('params.prices.csv is not loaded: pass loadDeltaNeutralInputs(params) as the inputs');
    return cut({ kind: 'list', prices: inputs.csvPrices }, 'params.prices.csv');
  }
  if ('list' in prices) return cut(listSource('params.prices.list', prices.list), 'params.prices.list');
  const s = prices.synthetic;
  return syntheticSource({ kind: s.process, initialPrice: s.initialPrice, volPerStep: s.dailyVol, steps: steps ?? 1, driftPerStep: s.driftPerStep, jump: s.jump });
}

/**
 * Cross-field checks of scenario parameters (the registry's `check`): builds the job once.
 *
 * @example checkDeltaNeutralParams(params, { timesteps: 365 })
 */
export function checkDeltaNeutralParams(params: DeltaNeutralParams, ctx: { timesteps: number; inputs?: DeltaNeutralInputs }): void {
  paramsToJob(params, ctx.timesteps, 0, ctx.inputs);
}

/** State of the engine model: the accounting's book slots followed by its outputs (NaN until the last timestep). */
export type DeltaNeutralState = { book: Float64Array };

/** Column names of the exact book slots (`X_*` order). */
const EXACT_BOOK_COLUMNS = ['price', 'poolValueUsd', 'liquidity', 'shortQty', 'collateralUsd', 'cashUsd', 'poolPnlUsd', 'shortPnlUsd', 'poolFeesUsd', 'fundingUsd', 'tradeFeesUsd', 'fixedCostsUsd', 'liquidationLossesUsd', 'lvrUsd', 'peakEquityUsd', 'maxDrawdownSoFar', 'liquidationsSoFar', 'rebalancesSoFar', 'minPrice', 'maxPrice', 'capitalUsd', 'initialPrice'];
/** Column names of the reference book slots (`R_*` order). */
const REFERENCE_BOOK_COLUMNS = ['k', 'initialPrice', 'price', 'poolQty', 'shortQty', 'avgOpenPrice', 'realisedShortPnlUsd', 'fundingUsd', 'tradeFeesUsd', 'poolFeesUsd', 'roiMinSoFar', 'ilWorstSoFar'];

/**
 * The delta-neutral model for the generic engine — the path the fast kernel is tested against.
 * Per timestep t (step i = t − 1): block `hedge` (policy: the hedge decision at Pᵢ, as a fee
 * fraction or −1 for none; update: rebalance, and in reference accounting record the point),
 * block `market` (policy: the next price and the funding APR, drawing from the run's stream in
 * the kernel's order; update: the market move, and at the last timestep the close and the
 * outputs, written after the book slots).
 *
 * @example runModel(buildJobModel(job), {}, { timesteps: jobSteps(job), seed: job.seed, run: 0, subset: 0 })
 */
export function buildJobModel(job: DeltaNeutralJob): Model<unknown, DeltaNeutralState> {
  const keys = outputKeys(job.accounting);
  const bookSize = job.accounting === 'exact' ? X_SIZE : R_SIZE;
  let funding = new Float64Array(0);
  const source = job.source;
  const compensator = source.kind === 'synthetic' && source.spec.kind === 'jump' ? jumpCompensator(source.spec.jump ?? DEFAULT_JUMP_PER_DAY) : 0;
  const hedge = defineBlock<unknown, DeltaNeutralState, { feePct: number }>({
    label: 'hedge',
    signals: { feePct: { length: 0 } },
    policies: [
      {
        name: 'hedgeDecision',
        emits: ['feePct'],
        run: (ctx, state, out) => {
          const step = ctx.timestep - 1;
          if (job.accounting === 'exact') {
            const decision = hedgeDecision(state.book, step, job.exact);
            out.feePct = decision === HEDGE_NONE ? -1 : decision === HEDGE_MAKER ? job.exact.makerFeePct : job.exact.takerFeePct;
          } else out.feePct = step % job.reference.rebalanceEvery === 0 ? job.reference.makerFeePct : -1;
        },
      },
    ],
    updates: {
      book: (_ctx, prev, signals, out) => {
        out.set(prev.book);
        if (job.accounting === 'exact') {
          if (signals.feePct >= 0) exactRebalance(out, job.exact, signals.feePct);
        } else {
          if (signals.feePct >= 0) referenceTrade(out, out[R_POOL_QTY] - out[R_SHORT_QTY], signals.feePct);
          referenceRecord(out);
        }
      },
    },
  });
  const market = defineBlock<unknown, DeltaNeutralState, { price: number; fundingApr: number }>({
    label: 'market',
    signals: { price: { length: 0 }, fundingApr: { length: 0 } },
    policies: [
      {
        name: 'priceAndFunding',
        emits: ['price', 'fundingApr'],
        run: (ctx, state, out) => {
          const step = ctx.timestep - 1;
          const price = state.book[job.accounting === 'exact' ? X_PRICE : R_PRICE];
          out.price = source.kind === 'list' ? source.prices[step + 1] : syntheticStep(source.spec, price, ctx.rng, compensator);
          out.fundingApr = funding[step];
        },
      },
    ],
    updates: {
      book: (ctx, prev, signals, out) => {
        out.set(prev.book);
        const last = ctx.timestep === ctx.timesteps;
        if (job.accounting === 'exact') {
          exactAdvance(out, signals.price, signals.fundingApr, job.exact);
          if (last) exactFinish(out, job.exact, out, bookSize);
        } else {
          referenceAdvance(out, signals.price, job.reference);
          if (last) {
            referenceTrade(out, -out[R_SHORT_QTY], job.reference.makerFeePct);
            referenceRecord(out);
            referenceOutputs(out, out, bookSize);
          }
        }
      },
    },
  });
  return {
    name: 'delta-neutral',
    initialState: (ctx) => {
      const book = new Float64Array(bookSize + keys.length).fill(NaN);
      const first = source.kind === 'list' ? source.prices[0] : source.spec.initialPrice;
      if (job.accounting === 'exact') {
        exactInit(book.subarray(0, bookSize), first, job.exact);
        if (funding.length !== ctx.timesteps) funding = new Float64Array(ctx.timesteps);
        fillJobFunding(job, ctx.rng, funding);
      } else referenceInit(book.subarray(0, bookSize), first, job.reference.initialQuantity);
      return { book };
    },
    blocks: [hedge, market],
    record: [{ variable: 'book', columns: [...(job.accounting === 'exact' ? EXACT_BOOK_COLUMNS : REFERENCE_BOOK_COLUMNS), ...keys] }],
  };
}

/**
 * The registry's `build`: the engine model of scenario parameters and their inputs ({@link
 * loadDeltaNeutralInputs}; a CSV is not read here). The engine's `timesteps`
 * decides the path length (lists and CSVs are checked to be long enough by
 * {@link checkDeltaNeutralParams}).
 *
 * @example buildDeltaNeutralModel(params)
 */
export function buildDeltaNeutralModel(params: DeltaNeutralParams, inputs?: DeltaNeutralInputs): Model<unknown, DeltaNeutralState> {
  return buildJobModel(paramsToJob(params, undefined, 0, inputs));
}
