/**
 * The capital allocation model (`model: cam`) as an engine model.
 *
 * Blocks per timestep (substeps 1–3):
 * 1. `market` — each deposit's yield and the volatile-asset risk metric take their values for
 *    timestep t from their processes; the yields of timestep t − 1 join the moving window.
 * 2. `targets` — endogenous (yield/risk weighted, from the window of past yields; the current
 *    timestep's yields are not used, as in the original) or exogenous (Dirichlet) target weights.
 * 3. `rebalance` — balances move r = √(dt/duration) of the way to target through the chosen
 *    transfer method; executed volume and shortfall are recorded.
 *
 * Balances do not earn their yields: the model is about where capital sits, Σ balances stays
 * exactly constant.
 */
import * as z from '../core/zod.ts';
import { UserError } from '../core/errors.ts';
import { fillRateProcess, type RateProcess } from '../market/processes.ts';
import { defineBlock, type Model } from '../sim/model.ts';
import {
  balanceChange,
  checkTotalBalance,
  emptyTotals,
  endogenousTargetWeights,
  executeTransfers,
  exogenousTargetWeights,
  rebalanceRate,
  transferMatrix,
  TRANSFER_METHODS,
  type TargetCompat,
  type TransferMethod,
} from '../strategies/capitalAllocation.ts';
import { RateProcessSchema } from './schemas.ts';
import { DAYS_PER_YEAR } from '../core/time.ts';

const finite = z.number().refine(Number.isFinite, 'must be a finite number');

/** One deposit (venue). */
export const CamDepositSchema = z.strictObject({
  /** short name, used in column names (`balance_<name>`) */
  name: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'must be a letter then letters, digits or _'),
  /** starting balance in USD */
  balance: finite.refine((x) => x >= 0, 'must be >= 0'),
  /** yield process (APR as a 0..1 fraction per timestep) */
  yield: RateProcessSchema,
  /** yield at timestep 0 (default: the process's value at timestep 0) */
  initialYield: finite.optional(),
  /** a volatile-asset deposit (liquidity pool, money market) pays the risk metric as extra risk */
  volatile: z.boolean().default(false),
});

/** Parameters of the `cam` model. */
export const CamParamsSchema = z.strictObject({
  deposits: z.array(CamDepositSchema).min(2, 'needs at least 2 deposits'),
  dtDays: finite.refine((x) => x > 0, 'must be > 0').default(1),
  rebalanceDurationDays: finite.refine((x) => x > 0, 'must be > 0').default(30),
  targets: z.enum(['endogenous', 'exogenous']).default('endogenous'),
  movingAverageWindow: z.number().int().min(1).default(3),
  /** volatile-asset risk metric process (added to the risk of volatile deposits) */
  volatileRisk: RateProcessSchema.default({ kind: 'constant', value: 0 }),
  /** Dirichlet concentration α per deposit (exogenous targets; default all 1) */
  concentration: z.array(finite.refine((x) => x > 0, 'must be > 0')).optional(),
  method: z.enum(TRANSFER_METHODS as [TransferMethod, ...TransferMethod[]]).default('direct'),
  compat: z.enum(['default', 'fei-reference']).default('default'),
});

/** Validated `cam` parameters. @example CamParamsSchema.parse({ deposits: [...] }) */
export type CamParams = z.output<typeof CamParamsSchema>;

/** The `cam` model's state (vectors have one entry per deposit). */
export type CamState = {
  yields: Float64Array;
  riskMetric: number;
  targetWeights: Float64Array;
  balances: Float64Array;
  /** executed transfer volume of the step (USD) */
  volume: number;
  /** requested transfers the sources could not pay (USD) */
  shortfall: number;
  /** hidden: the last `windowRows` yield vectors, oldest first */
  yieldWindow: Float64Array;
  windowRows: number;
  /** hidden: yield paths, deposit-major, timesteps 0…T */
  yieldPaths: Float64Array;
  riskPath: Float64Array;
};

/**
 * Cross-field checks the schema cannot express (`params.` paths).
 *
 * @example checkCamParams(params, { timesteps: 365 })
 */
export function checkCamParams(params: CamParams, ctx: { timesteps: number }): void {
  const names = new Set<string>();
  params.deposits.forEach((d, i) => {
    if (names.has(d.name)) throw new UserError({ field: `params.deposits[${i}].name`, value: d.name, message: `duplicate deposit name "${d.name}"` });
    names.add(d.name);
    if (d.yield.kind === 'series' && d.yield.values.length < ctx.timesteps + 1) {
      throw new UserError({ field: `params.deposits[${i}].yield.values`, value: d.yield.values.length, message: `needs ${ctx.timesteps + 1} values (timesteps 0…${ctx.timesteps}), got ${d.yield.values.length}` });
    }
  });
  if (params.volatileRisk.kind === 'series' && params.volatileRisk.values.length < ctx.timesteps + 1) {
    throw new UserError({ field: 'params.volatileRisk.values', value: params.volatileRisk.values.length, message: `needs ${ctx.timesteps + 1} values, got ${params.volatileRisk.values.length}` });
  }
  const total = checkTotalBalance(params.deposits.map((d) => d.balance), (i) => `params.deposits[${i}].balance`);
  if (!(total > 0)) {
    throw new UserError({ field: 'params.deposits', message: 'the total balance must be > 0' });
  }
  if (params.rebalanceDurationDays < params.dtDays) {
    throw new UserError({ field: 'params.rebalanceDurationDays', value: params.rebalanceDurationDays, message: `must be >= dtDays (${params.dtDays}) so that the rebalance rate is <= 1` });
  }
  if (params.concentration !== undefined && params.concentration.length !== params.deposits.length) {
    throw new UserError({ field: 'params.concentration', value: params.concentration.length, message: `needs one value per deposit (${params.deposits.length})` });
  }
}

/** out = the last `window − 1` rows of `prev` (of `prevRows`), then `row`; copied in loops (a subarray view would allocate every step). */
function pushWindow(prev: Float64Array, prevRows: number, window: number, row: Float64Array, out: Float64Array): void {
  const n = row.length;
  const keep = Math.min(prevRows, window - 1);
  const from = (prevRows - keep) * n;
  for (let k = 0; k < keep * n; k++) out[k] = prev[from + k];
  for (let i = 0; i < n; i++) out[keep * n + i] = row[i];
}

/**
 * Builds the engine model of one parameter subset.
 *
 * @example const chunk = runModel(buildCamModel(params), params, { timesteps: 365, seed: 42, run: 0, subset: 0 });
 */
export function buildCamModel(params: CamParams): Model<CamParams, CamState> {
  const n = params.deposits.length;
  const names = params.deposits.map((d) => d.name);
  const window = params.movingAverageWindow;
  const rate = rebalanceRate(params.dtDays, params.rebalanceDurationDays);
  const dtYears = params.dtDays / DAYS_PER_YEAR;
  const compat: TargetCompat = params.compat;
  const alpha = Float64Array.from(params.concentration ?? names.map(() => 1));
  const volatile = params.deposits.map((d) => d.volatile);
  // scratch, reused every step (one run at a time per model instance)
  const risk = new Float64Array(n);
  const weights = new Float64Array(n);
  const change = new Float64Array(n);
  const matrix = new Float64Array(n * n);
  const totals = emptyTotals();

  const market = defineBlock<CamParams, CamState, Record<string, never>>({
    label: 'market',
    updates: {
      yields: (ctx, prev, _s, out) => {
        for (let i = 0; i < n; i++) out[i] = prev.yieldPaths[i * (ctx.timesteps + 1) + ctx.timestep];
      },
      riskMetric: (ctx, prev) => prev.riskPath[ctx.timestep],
      yieldWindow: (_ctx, prev, _s, out) => pushWindow(prev.yieldWindow, prev.windowRows, window, prev.yields, out),
      windowRows: (_ctx, prev) => Math.min(prev.windowRows + 1, window),
    },
  });

  const targets = defineBlock<CamParams, CamState, { targetWeights: Float64Array }>({
    label: 'targets',
    signals: { targetWeights: { length: n } },
    policies: [
      {
        name: params.targets,
        emits: ['targetWeights'],
        run: (ctx, s, out) => {
          if (params.targets === 'endogenous') {
            for (let i = 0; i < n; i++) risk[i] = volatile[i] ? s.riskMetric : 0;
            endogenousTargetWeights(s.yieldWindow, s.windowRows, n, { window, volatileRisk: risk, compat }, out.targetWeights);
          } else {
            let total = 0;
            for (let i = 0; i < n; i++) total += s.balances[i];
            for (let i = 0; i < n; i++) weights[i] = s.balances[i] / total;
            exogenousTargetWeights(weights, rate, alpha, ctx.rng, out.targetWeights);
          }
        },
      },
    ],
    updates: { targetWeights: (_ctx, _prev, sig, out) => out.set(sig.targetWeights) },
  });

  const rebalance = defineBlock<CamParams, CamState, { balances: Float64Array; volume: number; shortfall: number }>({
    label: 'rebalance',
    signals: { balances: { length: n }, volume: { length: 0 }, shortfall: { length: 0 } },
    policies: [
      {
        name: params.method,
        emits: ['balances', 'volume', 'shortfall'],
        run: (_ctx, s, out) => {
          balanceChange(s.balances, s.targetWeights, rate, change);
          transferMatrix(change, params.method, matrix);
          out.balances.set(s.balances);
          executeTransfers(out.balances, matrix, null, totals);
          out.volume = totals.executedVolume;
          out.shortfall = totals.shortfall;
        },
      },
    ],
    updates: {
      balances: (_ctx, _prev, sig, out) => out.set(sig.balances),
      volume: (_ctx, _prev, sig) => sig.volume,
      shortfall: (_ctx, _prev, sig) => sig.shortfall,
    },
  });

  return {
    name: 'cam',
    initialState: ({ timesteps, rng }) => {
      const steps = timesteps + 1;
      const yieldPaths = new Float64Array(n * steps);
      params.deposits.forEach((d, i) => fillRateProcess(yieldPaths.subarray(i * steps, (i + 1) * steps), d.yield as RateProcess, dtYears, rng, `params.deposits[${i}].yield`));
      const riskPath = fillRateProcess(new Float64Array(steps), params.volatileRisk as RateProcess, dtYears, rng, 'params.volatileRisk');
      const balances = Float64Array.from(params.deposits.map((d) => d.balance));
      const total = balances.reduce((a, b) => a + b, 0);
      return {
        yields: Float64Array.from(params.deposits.map((d, i) => d.initialYield ?? yieldPaths[i * steps])),
        riskMetric: riskPath[0],
        targetWeights: balances.map((b) => b / total),
        balances,
        volume: 0,
        shortfall: 0,
        yieldWindow: new Float64Array(window * n),
        windowRows: 0,
        yieldPaths,
        riskPath,
      };
    },
    blocks: [market, targets, rebalance],
    record: [
      { variable: 'yields', columns: names.map((x) => `yield_${x}`) },
      { variable: 'riskMetric' },
      { variable: 'targetWeights', columns: names.map((x) => `target_${x}`) },
      { variable: 'balances', columns: names.map((x) => `balance_${x}`) },
      { variable: 'volume' },
      { variable: 'shortfall' },
    ],
  };
}
