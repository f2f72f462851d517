/**
 * Worker-thread entry of `shareRunsParallel` (./parallel.ts): imports the share function named
 * in `workerData`, runs it on the shared task and posts its result back. A failure is thrown,
 * so the thread's `error` event reports it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ShareTask } from './parallel.ts';

const { module, exportName, task } = workerData as { module: string; exportName: string; task: ShareTask<unknown> };
const share = ((await import(module)) as Record<string, unknown>)[exportName];
if (typeof share !== 'function') throw new Error(`${module} has no exported function "${exportName}"`);
parentPort?.postMessage(await (share as (task: ShareTask<unknown>) => unknown)(task));
