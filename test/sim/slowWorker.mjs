// Test chunk function for the queue backend's fault tests: the rows of rowsWorker.mjs, after
// sleeping payload.sleepMs per run (so a worker can be killed mid-chunk).
import { rows } from './rowsWorker.mjs';

export function slowRows(task) {
  const cell = new Int32Array(new SharedArrayBuffer(4));
  Atomics.wait(cell, 0, 0, task.payload.sleepMs * task.runCount);
  return rows(task);
}
