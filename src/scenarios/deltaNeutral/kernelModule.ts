/**
 * Where the delta-neutral Monte Carlo's share function lives, for the threads that run it: the
 * kernel module's URL (`.ts` from sources, `.js` from dist/) and its export. A module of its own,
 * importing nothing, so the CLI can start the worker threads (`prestartShareWorkers`) before it
 * loads anything else.
 *
 * @example shareRunsParallel({ workerModule: DELTA_NEUTRAL_KERNEL.module, exportName: DELTA_NEUTRAL_KERNEL.exportName, … })
 */
export const DELTA_NEUTRAL_KERNEL = {
  module: new URL(`./kernel.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`, import.meta.url),
  exportName: 'runDeltaNeutralShare',
} as const;
