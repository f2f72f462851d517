// Test chunk functions for the study backends (src/sim/study.ts): plain JavaScript, so threads load it as is.
// Each run's value depends only on its index; the thread id shows which worker ran it.
import { threadId } from 'node:worker_threads';

export function squares(task) {
  const values = [];
  for (let r = task.firstRun; r < task.firstRun + task.runCount; r++) values.push(r * r + task.payload.offset);
  return { firstRun: task.firstRun, values, threadId };
}

export function fail(task) {
  if (task.firstRun >= task.payload.failFrom) throw new Error(`run ${task.firstRun} failed`);
  return task.firstRun;
}
