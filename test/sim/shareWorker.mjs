// Test share functions for shareRunsParallel: plain JavaScript, so worker threads load it as is.
// It imports the compiled parallel.ts (dist/, built by vitest's globalSetup), as a share
// function run by the CLI would.
import { threadId } from 'node:worker_threads';
import { allRunsFinished, claimItem, claimRuns, finishRuns } from '../../dist/sim/parallel.js';

/** The calling thread waits (up to 10 s) for a worker thread's signal, so that both take part. */
function waitForAWorker(task) {
  if (task.inCaller && task.payload.workers > 1) Atomics.wait(task.payload.started, 0, 0, 10_000);
}

/** A worker thread's signal that it has claimed runs. */
function signal(task) {
  if (task.inCaller) return;
  Atomics.store(task.payload.started, 0, 1);
  Atomics.notify(task.payload.started, 0);
}

/**
 * Writes run r's value r² + offset into the shared table `values`, then, once every run is
 * written, sums the table's residue classes it claims: item i sums the runs r ≡ i (mod items).
 */
export async function squares(task) {
  const { values, items, offset } = task.payload;
  waitForAWorker(task);
  const ran = [];
  for (let first = claimRuns(task); first >= 0; first = claimRuns(task)) {
    const count = Math.min(task.batchRuns, task.runs - first);
    for (let r = first; r < first + count; r++) {
      values[r] = r * r + offset;
      ran.push(r);
    }
    signal(task);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1); // 1 ms per batch: room for the other threads
    finishRuns(task, count);
  }
  await allRunsFinished(task);
  const sums = [];
  for (let i = claimItem(task, items); i >= 0; i = claimItem(task, items)) {
    let sum = 0;
    for (let r = i; r < task.runs; r += items) sum += values[r];
    sums.push([i, sum]);
  }
  return { threadId, ran, sums };
}

/**
 * Fails in the thread given by `payload.failIn` ('worker' or 'caller') at its first batch (the
 * thread that is to fail claims first); others run on.
 */
export async function failing(task) {
  if (task.payload.failIn === 'worker') waitForAWorker(task);
  for (let first = claimRuns(task); first >= 0; first = claimRuns(task)) {
    signal(task);
    if (Boolean(task.inCaller) === (task.payload.failIn === 'caller')) throw new Error(`${task.payload.failIn} thread failed at run ${first}`);
    finishRuns(task, Math.min(task.batchRuns, task.runs - first));
  }
  await allRunsFinished(task);
  return threadId;
}
