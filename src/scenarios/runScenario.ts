/**
 * Running a validated scenario as a study: the chunk function every worker runs, and
 * {@link runScenario}, which streams a study's rows to a sink on a backend.
 */
import { checkOutputPath } from '../core/outputFile.ts';
import { runJobs } from '../sim/engine.ts';
import type { Model, State } from '../sim/model.ts';
import { runStudy, type ModelPayload, type StudyChunkResult, type StudyResult } from '../sim/runner.ts';
import type { SinkTarget } from '../sim/sinks.ts';
import { backendFor, type StudyBackend, type StudyTask } from '../sim/study.ts';
import { checkRunSize, importScenarioModule, SCENARIO_MODELS, type Scenario } from './registry.ts';

/** What workers receive: the model (registry name or module URL) and its payload. */
interface ScenarioPayload extends ModelPayload {
  model: string;
  module?: string;
}

/**
 * Chunk function of every scenario (worker entry `runScenarioChunk`): runs runs
 * `[firstRun, firstRun + runCount)` of one subset with the model's own chunk function, or on
 * the generic engine, and returns their rows.
 *
 * @example await runScenarioChunk({ payload, subset: 0, firstRun: 0, runCount: 4 })
 */
export async function runScenarioChunk(task: StudyTask<ScenarioPayload>): Promise<StudyChunkResult> {
  const p = task.payload;
  const entry = p.module === undefined ? SCENARIO_MODELS[p.model] : await importScenarioModule(p.module);
  if (entry.runChunk !== undefined) return entry.runChunk(task);
  const build = entry.build as (params: unknown, inputs: unknown) => Model<unknown, State>;
  const rows = runJobs((params, subset) => build(params, p.inputs[subset]), p, task.subset * p.runs + task.firstRun, task.runCount);
  return { rows, details: [] };
}

/**
 * What {@link runScenario} returns: the study's result, the one shape of every model's study.
 *
 * @example const r: ScenarioRunResult = await runScenario(scenario); r.final[0].mean
 */
export type ScenarioRunResult = StudyResult;

/**
 * Runs a scenario on a backend (default: `workers` worker threads, 1 = in this thread) and
 * streams its rows to `out` (default: memory). The output path is checked before any run; a
 * failed run writes nothing (an existing file stays). Same seed, same rows, whatever the
 * backend and worker count.
 *
 * @example
 * const result = await runScenario(parseScenario(doc), { workers: 2, out: { kind: 'parquet', path: 'cam.parquet' } });
 * result.final[0].mean.balance_savings
 */
export async function runScenario(
  scenario: Scenario,
  opts: { workers?: number; backend?: StudyBackend; out?: SinkTarget; onProgress?: (done: number, total: number) => void } = {},
): Promise<ScenarioRunResult> {
  if (opts.out !== undefined && 'path' in opts.out) checkOutputPath(opts.out.path, '--out'); // a bad path first, before any model is built
  await checkRunSize(scenario);
  const payload: ScenarioPayload = {
    model: scenario.model,
    module: scenario.module,
    subsets: scenario.subsets,
    inputs: scenario.inputs,
    runs: scenario.runs,
    seed: scenario.seed,
    timesteps: scenario.timesteps,
    substeps: scenario.substeps,
  };
  return runStudy(
    {
      model: scenario.model,
      module: new URL(import.meta.url),
      exportName: 'runScenarioChunk',
      payload,
      runs: scenario.runs,
      subsets: scenario.subsets.length,
      seed: scenario.seed,
      timesteps: scenario.timesteps,
      substeps: scenario.substeps,
      overrides: scenario.overrides,
    },
    { backend: opts.backend ?? backendFor(opts.workers ?? 1), out: opts.out, onProgress: opts.onProgress },
  );
}
