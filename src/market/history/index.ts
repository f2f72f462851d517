/**
 * History as a market (pure): venue histories as typed arrays, their common horizon and
 * growth factors, the stationary block bootstrap, and stale/anomalous day flags. Loading from
 * the history file is at the edge (`data/load.ts`).
 */
export * from './series.ts';
export * from './bootstrap.ts';
export * from './quality.ts';
export * from './paths.ts';
