/**
 * Where the fund study's share function lives, for the threads that run it: the share module's
 * URL (`.ts` from sources, `.js` from dist/) and its export. A module of its own, importing
 * nothing, so the CLI can start the worker threads (`prestartShareWorkers`) before it loads
 * anything else.
 *
 * @example shareRunsParallel({ workerModule: FUND_SHARE.module, exportName: FUND_SHARE.exportName, … })
 */
export const FUND_SHARE = {
  module: new URL(`./share.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`, import.meta.url),
  exportName: 'runFundShare',
} as const;
