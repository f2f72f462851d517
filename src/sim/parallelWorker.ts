/**
 * Worker-thread entry of `shareRunsParallel` (./parallel.ts): imports the share function named
 * in `workerData`, runs it on the shared task — given in `workerData`, or, for a thread started
 * ahead (`prestartShareWorkers`), in the first message — and posts its result back. A failure is
 * thrown, so the thread's `error` event reports it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ShareTask } from './parallel.ts';

const { module, exportName, task } = workerData as { module: string; exportName: string; task?: ShareTask<unknown> };
const share = ((await import(module)) as Record<string, unknown>)[exportName];
if (typeof share !== 'function') throw new Error(`${module} has no exported function "${exportName}"`);
const given = task ?? (await new Promise<ShareTask<unknown>>((resolve) => parentPort?.once('message', resolve)));
parentPort?.postMessage(await (share as (task: ShareTask<unknown>) => unknown)(given));
