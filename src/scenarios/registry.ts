/**
 * The registry of runnable models (see `index.ts` for the scenario file and the registry
 * contract), and how a scenario file becomes a validated {@link Scenario}: parsing, sweeps,
 * study limits, a user's own model module, and the inputs read once in the parent.
 */
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as z from '../core/zod.ts';
import { parseConfig } from '../core/config.ts';
import { relocateError, showValue, UserError } from '../core/errors.ts';
import { runTableSize, type SubstepRecording } from '../sim/engine.ts';
import type { Model, State } from '../sim/model.ts';
import type { ModelPayload, StudyChunkResult } from '../sim/runner.ts';
import type { StudyTask } from '../sim/study.ts';
import { expandSweep, sweepOverrides, type SweepMode } from '../sim/sweep.ts';
import { buildCamModel, CamParamsSchema, checkCamParams } from './cam.ts';
import { buildDeltaNeutralModel, checkDeltaNeutralParams, DeltaNeutralParamsSchema, loadDeltaNeutralInputs } from './deltaNeutral.ts';
import { buildFundModel, checkFundParams, FundParamsSchema, loadFundHistoryInputs, loadFundInputs, runFundChunk } from './fund/index.ts';

export type { FinalStats, ModelPayload } from '../sim/runner.ts';

/**
 * A runnable model in the registry.
 *
 * @example
 * const entry: ScenarioModel<CamParams> = { name: 'cam', description: '…', params: CamParamsSchema, check: checkCamParams, build: buildCamModel };
 */
export interface ScenarioModel<P, I = unknown> {
  /** the `model:` value of scenario files */
  name: string;
  /** one line for `--help` and errors */
  description: string;
  /** strict zod schema of `params` (defaults filled in) */
  params: z.ZodType<P>;
  /** reads what the parameters point to (files), once per subset in the parent; errors name `params.…` */
  inputs?(params: P, ctx: { timesteps: number }): I;
  /** completes the inputs with what only asynchronous readers can load (a DuckDB history file); {@link loadScenario} awaits it */
  completeInputs?(params: P, inputs: I, ctx: { timesteps: number }): Promise<I>;
  /** cross-field checks; throw a UserError whose field starts with `params.` */
  check?(params: P, ctx: { timesteps: number; inputs: I }): void;
  /** the engine model of one parameter subset (called in workers) */
  build?(params: P, inputs: I): Model<P, State>;
  /** the model's own chunk function (a fast path with the generic engine's rows), instead of `build` */
  runChunk?(task: StudyTask<ModelPayload<P, I>>): StudyChunkResult | Promise<StudyChunkResult>;
}

/**
 * Types a registry entry whose model has its own state type.
 *
 * @example defineScenario({ name: 'cam', description: '…', params: CamParamsSchema, build: buildCamModel })
 */
export function defineScenario<P, S extends State, I = unknown>(entry: Omit<ScenarioModel<P, I>, 'build'> & { build?(params: P, inputs: I): Model<P, S> }): ScenarioModel<P, I> {
  return entry as unknown as ScenarioModel<P, I>;
}

/** Every runnable model, by the name scenario files use. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const SCENARIO_MODELS: Record<string, ScenarioModel<any, any>> = {
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
    inputs: loadDeltaNeutralInputs,
    check: checkDeltaNeutralParams,
    build: buildDeltaNeutralModel,
  }),
  fund: defineScenario({
    name: 'fund',
    description: 'a USDC fund day by day: investor flows in the treasury ledger, yield manager over venue modules (credit supply, vaults), a delta-neutral sleeve',
    params: FundParamsSchema,
    inputs: (params, ctx) => loadFundInputs(params, ctx.timesteps),
    completeInputs: loadFundHistoryInputs,
    check: checkFundParams,
    build: buildFundModel,
    runChunk: runFundChunk,
  }),
};

const MAX_SAFE_SEED = Number.MAX_SAFE_INTEGER;

/**
 * The size limits of a study, so that a file can never ask for more memory or time than a
 * machine has (each is refused with exit 2 naming the field and the range):
 * - `timesteps` ≤ 1,000,000 (2,700 years of days; 114 years of hours);
 * - `runs` ≤ 10,000,000 per subset, and runs × subsets ≤ 10,000,000;
 * - a sweep of at most 10,000 subsets;
 * - one run's table (rows × columns) ≤ 16,777,216 values (128 MiB of float64).
 *
 * @example STUDY_LIMITS.maxTimesteps // 1000000
 */
export const STUDY_LIMITS = { maxTimesteps: 1_000_000, maxRuns: 10_000_000, maxJobs: 10_000_000, maxSubsets: 10_000, maxRunCells: 2 ** 24 } as const;

/** Refuses a sweep of more than {@link STUDY_LIMITS}.maxSubsets subsets, or too many runs, before it is expanded. */
function checkSweepSize(values: Record<string, unknown[]>, mode: SweepMode, runs: number): void {
  const lengths = Object.values(values).map((v) => v.length);
  const subsets = lengths.length === 0 ? 1 : mode === 'zip' ? Math.max(...lengths) : lengths.reduce((a, b) => a * b, 1);
  if (subsets > STUDY_LIMITS.maxSubsets) {
    throw new UserError({ field: 'sweep.parameters', value: subsets, message: `makes ${subsets} subsets; at most ${STUDY_LIMITS.maxSubsets} are allowed`, hint: 'sweep fewer values, or split the study' });
  }
  if (subsets * runs > STUDY_LIMITS.maxJobs) {
    throw new UserError({ field: 'runs', value: runs, message: `${runs} runs × ${subsets} subsets = ${subsets * runs} runs; at most ${STUDY_LIMITS.maxJobs} are allowed`, hint: 'lower runs or sweep fewer values' });
  }
}

/**
 * Refuses a study whose single run would record more than {@link STUDY_LIMITS}.maxRunCells
 * values (rows × columns, learnt from subset 0's initial state; nothing is simulated). Models
 * with their own chunk runner are not measured.
 *
 * @example checkRunSize(parseScenario(doc))
 */
export async function checkRunSize(scenario: Scenario): Promise<void> {
  const entry = scenario.module === undefined ? SCENARIO_MODELS[scenario.model] : await importScenarioModule(scenario.module);
  if (entry === undefined || entry.runChunk !== undefined || scenario.subsets.length === 0) return;
  const build = entry.build as (params: unknown, inputs: unknown) => Model<unknown, State>;
  const size = runTableSize(build(scenario.subsets[0], scenario.inputs[0]), scenario.subsets[0], { timesteps: scenario.timesteps, seed: scenario.seed, run: 0, subset: 0, substeps: scenario.substeps });
  const cells = size.rows * size.columns;
  if (cells > STUDY_LIMITS.maxRunCells) {
    throw new UserError({
      field: 'timesteps',
      value: scenario.timesteps,
      message: `a run of ${scenario.timesteps} timesteps records ${size.rows} rows × ${size.columns} columns = ${cells} values, above the limit ${STUDY_LIMITS.maxRunCells} (128 MiB)`,
      hint: 'lower timesteps, record `substeps: last`, or model fewer columns',
    });
  }
}

const EnvelopeSchema = z.strictObject({
  model: z.string(),
  timesteps: z.number().int().min(1).max(STUDY_LIMITS.maxTimesteps),
  runs: z.number().int().min(1).max(STUDY_LIMITS.maxRuns).default(1),
  seed: z.number().int().min(0).max(MAX_SAFE_SEED).default(0),
  substeps: z.enum(['all', 'last']).default('all'),
  params: z.unknown(),
  sweep: z
    .strictObject({
      mode: z.enum(['cartesian', 'zip']).default('cartesian'),
      parameters: z.record(z.string(), z.array(z.unknown()).min(1)),
    })
    .optional(),
});

/** A validated scenario: the model, its parameter subsets (one per sweep point) and the study size. */
export interface Scenario {
  model: string;
  /** URL of a user's model module (`model: ./x.mjs`), or undefined for a registry model */
  module?: string;
  timesteps: number;
  runs: number;
  seed: number;
  substeps: SubstepRecording;
  /** parameters of each subset (just one without a sweep) */
  subsets: unknown[];
  /** inputs of each subset (read once, when the scenario was loaded), or undefined */
  inputs: unknown[];
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

/** Validates `params` with a model's schema; errors name `params.…`. */
function parseParams<P>(entry: ScenarioModel<P>, params: unknown, source: string): P {
  return parseConfig(z.strictObject({ params: entry.params }), { params }, source).params as P;
}

function unknownModel(modelName: unknown, source: string): UserError {
  return new UserError({
    field: 'model',
    value: modelName,
    message: `unknown model ${JSON.stringify(modelName)}${source ? ` (in ${source})` : ''}`,
    hint: `one of ${Object.keys(SCENARIO_MODELS).join(', ')}, or a path to your own model module (./my-model.mjs)`,
  });
}

/**
 * Validates a parsed scenario file; `source` names the file in errors; `entry` is the model
 * (default: the registry entry `model:` names). Inputs are read here, once per distinct
 * subset. An error in one subset of a sweep names the subset before the field: `sweep subset
 * 0 (rebalanceDurationDays = 0.1): params.rebalanceDurationDays`.
 *
 * @example parseScenario({ model: 'cam', timesteps: 10, params: { deposits: [...] } }, 'x.yaml')
 */
export function parseScenario(data: unknown, source = '', entry?: ScenarioModel<unknown>, module?: string): Scenario {
  const modelName = (data as { model?: unknown } | null)?.model;
  const model = entry ?? (typeof modelName === 'string' && Object.hasOwn(SCENARIO_MODELS, modelName) ? SCENARIO_MODELS[modelName] : undefined);
  if (model === undefined) throw unknownModel(modelName, source);
  const doc = parseConfig(EnvelopeSchema, data, source);
  const base = parseParams(model, doc.params, source);
  const mode: SweepMode = doc.sweep?.mode ?? 'cartesian';
  const values = doc.sweep?.parameters ?? {};
  checkSweepSize(values, mode, doc.runs);
  const overrides = sweepOverrides(values, mode);
  const read = new Map<string, unknown>();
  const subsets: unknown[] = [];
  const inputs: unknown[] = [];
  expandSweep(base, values, mode).forEach((p, i) => {
    try {
      const params = parseParams(model, p, source);
      const key = JSON.stringify(params);
      if (model.inputs !== undefined && !read.has(key)) read.set(key, model.inputs(params, { timesteps: doc.timesteps }));
      const input = read.get(key);
      model.check?.(params, { timesteps: doc.timesteps, inputs: input });
      subsets.push(params);
      inputs.push(input);
    } catch (e) {
      throw doc.sweep === undefined ? e : relocateError(e, (field) => (field === '' ? sweepSubsetLabel(i, overrides[i]) : `${sweepSubsetLabel(i, overrides[i])}: ${field}`));
    }
  });
  return { model: model.name, module, timesteps: doc.timesteps, runs: doc.runs, seed: doc.seed, substeps: doc.substeps, subsets, inputs, overrides };
}

/** Whether a `model:` value is a module path rather than a registry name. */
function isModulePath(name: string): boolean {
  return /^(\.{1,2}\/|\/)/.test(name) || /\.m?js$/.test(name);
}

const loadedModules = new Map<string, Promise<ScenarioModel<unknown>>>();

/**
 * Imports a user's model module (its default export, or its `scenario` export) and checks it
 * is a {@link ScenarioModel}; cached per URL.
 *
 * @example const entry = await importScenarioModule(pathToFileURL('my-model.mjs').href);
 */
export function importScenarioModule(href: string, field = 'model'): Promise<ScenarioModel<unknown>> {
  let loading = loadedModules.get(href);
  if (loading === undefined) {
    loading = (async () => {
      let mod: Record<string, unknown>;
      try {
        mod = (await import(href)) as Record<string, unknown>;
      } catch (e) {
        throw new UserError({ field, value: href, message: `cannot load the model module: ${(e as Error).message?.split('\n')[0] ?? String(e)}`, hint: 'give a .js or .mjs file, relative to the scenario file' });
      }
      const entry = (mod.default ?? mod.scenario) as Partial<ScenarioModel<unknown>> | undefined;
      const schemaOk = typeof (entry?.params as { safeParse?: unknown } | undefined)?.safeParse === 'function';
      if (entry === undefined || typeof entry.name !== 'string' || !schemaOk || (typeof entry.build !== 'function' && typeof entry.runChunk !== 'function')) {
        throw new UserError({ field, value: href, message: 'the module does not export a scenario model', hint: 'export default { name, description, params: <zod schema>, build(params) { return model; } }' });
      }
      return entry as ScenarioModel<unknown>;
    })();
    loadedModules.set(href, loading);
    loading.catch(() => loadedModules.delete(href));
  }
  return loading;
}

/**
 * Validates a parsed scenario file as {@link parseScenario} does, and also accepts a user's own
 * model: `model: ./my-model.mjs` is imported relative to the file's directory (`source`).
 *
 * @example const scenario = await loadScenario(loadConfigFile('drift.yaml', z.unknown()), 'drift.yaml');
 */
export async function loadScenario(data: unknown, source = ''): Promise<Scenario> {
  const modelName = (data as { model?: unknown } | null)?.model;
  if (typeof modelName !== 'string' || Object.hasOwn(SCENARIO_MODELS, modelName) || !isModulePath(modelName)) return completeInputs(parseScenario(data, source), SCENARIO_MODELS[String(modelName)]);
  const href = pathToFileURL(resolve(source === '' ? '.' : dirname(source), modelName)).href;
  const entry = await importScenarioModule(href);
  return completeInputs(parseScenario(data, source, entry, href), entry);
}

/** Awaits the model's asynchronous inputs of each distinct subset (errors name the sweep subset as parseScenario does). */
async function completeInputs(scenario: Scenario, entry: ScenarioModel<unknown> | undefined): Promise<Scenario> {
  const complete = entry?.completeInputs;
  if (complete === undefined) return scenario;
  const done = new Map<string, unknown>();
  for (let i = 0; i < scenario.subsets.length; i++) {
    const key = JSON.stringify(scenario.subsets[i]);
    try {
      if (!done.has(key)) done.set(key, await complete(scenario.subsets[i], scenario.inputs[i], { timesteps: scenario.timesteps }));
    } catch (e) {
      throw scenario.subsets.length === 1 ? e : relocateError(e, (field) => (field === '' ? sweepSubsetLabel(i, scenario.overrides[i]) : `${sweepSubsetLabel(i, scenario.overrides[i])}: ${field}`));
    }
    scenario.inputs[i] = done.get(key);
  }
  return scenario;
}

