/**
 * `capflow/sim`: the generic engine (cadCAD's vocabulary) — a model's state variables,
 * partial state update blocks (policies, then updates), seeded Monte Carlo runs, parameter
 * sweeps, the study runner and its backends (in this thread, worker threads), and result
 * sinks and tables (DuckDB, Parquet, CSV). It knows no strategy.
 *
 * To add a public module of this layer: one `export` line below.
 *
 * @example
 * import { runModel, resultColumn, type Model } from 'capflow/sim';
 * const model: Model<{ mu: number }, { price: number }> = {
 *   name: 'drift',
 *   initialState: () => ({ price: 1 }),
 *   blocks: [{ label: 'step', updates: { price: (ctx, prev) => prev.price * (1 + ctx.params.mu) } }],
 * };
 * const chunk = runModel(model, { mu: 0.01 }, { timesteps: 3, seed: 42, run: 0, subset: 0 });
 * resultColumn(chunk, 'price'); // [1, 1.01, 1.0201, 1.030301]
 *
 * @packageDocumentation
 */
export * from './model.ts';
export * from './engine.ts';
export * from './sweep.ts';
export * from './parallel.ts';
export * from './study.ts';
export * from './runner.ts';
export * from './sinks.ts';
export * from './tables.ts';
