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
 * checks, optional `inputs` (what the parameters point to outside the file — a feed, a price
 * CSV — read once in the parent when the scenario is loaded and handed to every worker as
 * data), and `build(params, inputs)` returning an engine {@link Model} or its own chunk
 * function `runChunk`. Parameters and inputs must be plain data (structured-cloneable):
 * workers receive them and call `build` themselves. Nothing else changes: `capflow run`,
 * sweeps, backends (in-process, worker threads) and sinks work for every entry.
 *
 * A user's own model: `model: ./my-model.mjs` (a path relative to the scenario file, `.js` or
 * `.mjs`) names a module whose default export is a {@link ScenarioModel}; {@link loadScenario}
 * imports it, and every worker imports it again by its URL.
 *
 * This is also `capflow/scenarios`: the registry and runner below, plus each model's public
 * module (one `export` line each, just below).
 *
 * @example
 * import { z } from 'zod';
 * import { loadConfigFile } from 'capflow/core';
 * import { loadScenario, runScenario } from 'capflow/scenarios';
 * const scenario = await loadScenario(loadConfigFile('examples/cam.yaml', z.unknown()), 'examples/cam.yaml');
 * const result = await runScenario(scenario, { workers: 2 });
 * result.final[0].mean; // every state column's mean at the last row of the runs
 *
 * @packageDocumentation
 */
export * from './cam.ts';
export * from './deltaNeutral.ts';
export * from './fund/index.ts';
export * from './schemas.ts';
export * from './registry.ts';
export * from './runScenario.ts';
