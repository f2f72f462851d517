/**
 * Scenario files and the registry of runnable models.
 *
 * A scenario file (YAML or JSON) names a model and its parameters:
 *
 * ```yaml
 * model: cam            # a key of SCENARIO_MODELS
 * timesteps: 365        # steps per run
 * runs: 8               # Monte Carlo runs per parameter subset (default 1)
 * seed: 42              # master seed (default 0); run r draws from Rng.stream(seed, r)
 * substeps: all         # record every substep (default) or only the last of each timestep
 * params: { … }         # the model's parameters (validated by its schema; unknown keys are errors)
 * sweep:                # optional parameter sweep
 *   mode: cartesian     # or zip
 *   parameters: { rebalanceDurationDays: [15, 30] }
 * ```
 *
 * Registry contract: to add a model, add one entry to {@link SCENARIO_MODELS} — a
 * {@link ScenarioModel} with a strict zod schema for its parameters, optional cross-field
 * checks, and `build(params)` returning an engine {@link Model}. Parameters must be plain
 * data (structured-cloneable): workers receive them and call `build` themselves. Nothing else
 * changes: `capflow run`, sweeps, workers and sinks work for every entry.
 */
import { z } from 'zod';
import { parseConfig } from '../core/config.ts';
import { relocateError, showValue, UserError } from '../core/errors.ts';
import type { Seed } from '../core/rng.ts';
import { jobCount, KEY_COLUMNS, runJobs, type ResultChunk, type SubstepRecording } from '../sim/engine.ts';
import type { Model, State } from '../sim/model.ts';
import { mapRunsParallel, type ChunkTask } from '../sim/parallel.ts';
import { openSink, type SinkSummary, type SinkTarget } from '../sim/sinks.ts';
import { expandSweep, sweepOverrides, type SweepMode } from '../sim/sweep.ts';
import { buildCamModel, CamParamsSchema, checkCamParams } from './cam.ts';
import { buildDeltaNeutralModel, checkDeltaNeutralParams, DeltaNeutralParamsSchema } from './deltaNeutral.ts';
import { buildFundModel, checkFundParams, FundParamsSchema } from './fund/index.ts';

/**
 * A runnable model in the registry.
 *
 * @example
 * const entry: ScenarioModel<CamParams> = { name: 'cam', description: '…', params: CamParamsSchema, check: checkCamParams, build: buildCamModel };
 */
export interface ScenarioModel<P> {
  /** the `model:` value of scenario files */
  name: string;
  /** one line for `--help` and errors */
  description: string;
  /** strict zod schema of `params` (defaults filled in) */
  params: z.ZodType<P>;
  /** cross-field checks; throw a UserError whose field starts with `params.` */
  check?(params: P, ctx: { timesteps: number }): void;
  /** the engine model of one parameter subset (called in workers) */
  build(params: P): Model<P, State>;
}

/**
 * Types a registry entry whose model has its own state type.
 *
 * @example defineScenario({ name: 'cam', description: '…', params: CamParamsSchema, build: buildCamModel })
 */
export function defineScenario<P, S extends State>(entry: Omit<ScenarioModel<P>, 'build'> & { build(params: P): Model<P, S> }): ScenarioModel<P> {
  return entry as unknown as ScenarioModel<P>;
}

/** Every runnable model, by the name scenario files use. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const SCENARIO_MODELS: Record<string, ScenarioModel<any>> = {
  cam: defineScenario({
    name: 'cam',
    description: 'capital allocation between deposits toward yield- and risk-weighted targets',
    params: CamParamsSchema,
    check: checkCamParams,
    build: buildCamModel,
  }),
  'delta-neutral': defineScenario({
    name: 'delta-neutral',
    description: 'delta-neutral LP farming: constant-product pool plus a short of its token amount (generic engine path)',
    params: DeltaNeutralParamsSchema,
    check: checkDeltaNeutralParams,
    build: buildDeltaNeutralModel,
  }),
  fund: defineScenario({
    name: 'fund',
    description: 'a USDC fund day by day: investor flows in the treasury ledger, yield manager over an Aave-like reserve and ERC-4626 vaults, a delta-neutral sleeve',
    params: FundParamsSchema,
    check: checkFundParams,
    build: buildFundModel,
  }),
};

const MAX_SAFE_SEED = Number.MAX_SAFE_INTEGER;

function envelopeSchema(params: z.ZodType) {
  return z.strictObject({
    model: z.string(),
    timesteps: z.number().int().min(1),
    runs: z.number().int().min(1).default(1),
    seed: z.number().int().min(0).max(MAX_SAFE_SEED).default(0),
    substeps: z.enum(['all', 'last']).default('all'),
    params,
    sweep: z
      .strictObject({
        mode: z.enum(['cartesian', 'zip']).default('cartesian'),
        parameters: z.record(z.string(), z.array(z.unknown()).min(1)),
      })
      .optional(),
  });
}

/** A validated scenario: the model, its parameter subsets (one per sweep point) and the study size. */
export interface Scenario {
  model: string;
  timesteps: number;
  runs: number;
  seed: number;
  substeps: SubstepRecording;
  /** parameters of each subset (just one without a sweep) */
  subsets: unknown[];
  /** the swept values of each subset (empty objects without a sweep) */
  overrides: Record<string, unknown>[];
}

/**
 * Names a sweep subset by its index and swept values, for errors.
 *
 * @example sweepSubsetLabel(0, { rebalanceDurationDays: 0.1 }) // 'sweep subset 0 (rebalanceDurationDays = 0.1)'
 */
export function sweepSubsetLabel(index: number, overrides: Record<string, unknown>): string {
  const values = Object.entries(overrides).map(([key, value]) => `${key} = ${showValue(value)}`);
  return `sweep subset ${index}${values.length > 0 ? ` (${values.join(', ')})` : ''}`;
}

/**
 * Validates a parsed scenario file; `source` names the file in errors. An error in one subset
 * of a sweep names the subset before the field: `sweep subset 0 (rebalanceDurationDays = 0.1):
 * params.rebalanceDurationDays`.
 *
 * @example parseScenario({ model: 'cam', timesteps: 10, params: { deposits: [...] } }, 'x.yaml')
 */
export function parseScenario(data: unknown, source = ''): Scenario {
  const modelName = (data as { model?: unknown } | null)?.model;
  const entry = typeof modelName === 'string' ? SCENARIO_MODELS[modelName] : undefined;
  if (entry === undefined) {
    throw new UserError({
      field: 'model',
      value: modelName,
      message: `unknown model ${JSON.stringify(modelName)}${source ? ` (in ${source})` : ''}`,
      hint: `one of ${Object.keys(SCENARIO_MODELS).join(', ')}`,
    });
  }
  const doc = parseConfig(envelopeSchema(entry.params), data, source);
  const mode: SweepMode = doc.sweep?.mode ?? 'cartesian';
  const values = doc.sweep?.parameters ?? {};
  const overrides = sweepOverrides(values, mode);
  const subsets = expandSweep(doc.params, values, mode).map((p, i) => {
    try {
      const { params } = parseConfig(z.strictObject({ params: entry.params }), { params: p }, source); // errors name params.…
      entry.check?.(params, { timesteps: doc.timesteps });
      return params;
    } catch (e) {
      throw doc.sweep === undefined ? e : relocateError(e, (field) => (field === '' ? sweepSubsetLabel(i, overrides[i]) : `${sweepSubsetLabel(i, overrides[i])}: ${field}`));
    }
  });
  return { model: entry.name, timesteps: doc.timesteps, runs: doc.runs, seed: doc.seed, substeps: doc.substeps, subsets, overrides };
}

/** What workers receive. */
interface ScenarioPayload {
  model: string;
  subsets: unknown[];
  runs: number;
  seed: Seed;
  timesteps: number;
  substeps: SubstepRecording;
}

/**
 * Worker entry (piscina `name: 'runScenarioChunk'`): runs jobs `[firstRun, firstRun + runCount)`
 * of a scenario (job k = run k % runs of subset ⌊k / runs⌋) and returns their rows.
 *
 * @example runScenarioChunk({ payload, firstRun: 0, runCount: 4 })
 */
export function runScenarioChunk(task: ChunkTask<ScenarioPayload>): ResultChunk {
  const p = task.payload;
  const entry = SCENARIO_MODELS[p.model];
  return runJobs((params) => entry.build(params), { subsets: p.subsets, runs: p.runs, seed: p.seed, timesteps: p.timesteps, substeps: p.substeps }, task.firstRun, task.runCount);
}

/** Mean, min and max of each state column over the runs of one subset at the last recorded row. */
export interface FinalStats {
  subset: number;
  overrides: Record<string, unknown>;
  runs: number;
  mean: Record<string, number>;
  min: Record<string, number>;
  max: Record<string, number>;
}

/** What {@link runScenario} returns. */
export interface ScenarioRunResult {
  model: string;
  timesteps: number;
  runs: number;
  subsets: number;
  seed: number;
  workers: number;
  output: SinkSummary;
  final: FinalStats[];
}

function finalCollector(scenario: Scenario): { add(chunk: ResultChunk): void; stats(): FinalStats[] } {
  const stats: FinalStats[] = scenario.subsets.map((_, subset) => ({ subset, overrides: scenario.overrides[subset], runs: 0, mean: {}, min: {}, max: {} }));
  return {
    add(chunk) {
      const w = chunk.columns.length;
      for (let r = 0; r < chunk.rows; r++) {
        const last = r + 1 === chunk.rows || chunk.data[(r + 1) * w + 2] === 0; // next row starts a new run
        if (!last) continue;
        const s = stats[chunk.data[r * w + 1]];
        s.runs++;
        for (let c = KEY_COLUMNS.length; c < w; c++) {
          const name = chunk.columns[c];
          const v = chunk.data[r * w + c];
          s.mean[name] = (s.mean[name] ?? 0) + v;
          s.min[name] = Math.min(s.min[name] ?? Infinity, v);
          s.max[name] = Math.max(s.max[name] ?? -Infinity, v);
        }
      }
    },
    stats() {
      for (const s of stats) for (const k of Object.keys(s.mean)) s.mean[k] /= s.runs;
      return stats;
    },
  };
}

/**
 * Runs a scenario on `workers` threads and streams its rows to `out` (default: memory). The
 * output path is checked before any run; a failed run writes nothing (an existing file stays).
 *
 * @example
 * const result = await runScenario(parseScenario(doc), { workers: 2, out: { kind: 'parquet', path: 'cam.parquet' } });
 * result.final[0].mean.balance_savings
 */
export async function runScenario(
  scenario: Scenario,
  opts: { workers?: number; out?: SinkTarget; onProgress?: (done: number, total: number) => void } = {},
): Promise<ScenarioRunResult> {
  const workers = opts.workers ?? 1;
  const sink = await openSink(opts.out ?? { kind: 'memory' }, scenario.seed);
  const final = finalCollector(scenario);
  const payload: ScenarioPayload = {
    model: scenario.model,
    subsets: scenario.subsets,
    runs: scenario.runs,
    seed: scenario.seed,
    timesteps: scenario.timesteps,
    substeps: scenario.substeps,
  };
  try {
    await mapRunsParallel<ScenarioPayload, ResultChunk>({
      workerModule: new URL(import.meta.url),
      exportName: 'runScenarioChunk',
      runs: jobCount(scenario),
      workers,
      payload,
      onProgress: opts.onProgress,
      onResult: async (chunk) => {
        final.add(chunk);
        await sink.write(chunk);
      },
    });
  } catch (e) {
    await sink.abort(); // a failed run leaves no output (and an existing file as it was)
    throw e;
  }
  const output = await sink.close();
  return {
    model: scenario.model,
    timesteps: scenario.timesteps,
    runs: scenario.runs,
    subsets: scenario.subsets.length,
    seed: scenario.seed,
    workers,
    output,
    final: final.stats(),
  };
}
