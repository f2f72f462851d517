/**
 * The generic simulation engine (models, runs, sweeps, study runner and its backends, workers,
 * sinks). It knows no strategy.
 */
export * from './model.ts';
export * from './engine.ts';
export * from './sweep.ts';
export * from './parallel.ts';
export * from './study.ts';
export * from './runner.ts';
export * from './sinks.ts';
export * from './tables.ts';
