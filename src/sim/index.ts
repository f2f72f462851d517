/**
 * The generic simulation engine (models, runs, sweeps, workers, sinks). It knows no strategy.
 */
export * from './model.ts';
export * from './engine.ts';
export * from './sweep.ts';
export * from './parallel.ts';
export * from './sinks.ts';
