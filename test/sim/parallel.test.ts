import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { prestartShareWorkers, resolveWorkerModule, shareRunsParallel } from '../../src/sim/parallel.ts';

const worker = new URL('./chunkWorker.mjs', import.meta.url);
const shareWorker = new URL('./shareWorker.mjs', import.meta.url);

describe('resolveWorkerModule', () => {
  it('maps TypeScript sources to their compiled dist/ module', () => {
    const src = new URL('../../src/scenarios/index.ts', import.meta.url);
    expect(resolveWorkerModule(src).pathname).toMatch(/\/dist\/scenarios\/index\.js$/);
    expect(resolveWorkerModule(worker)).toBe(worker);
    expect(() => resolveWorkerModule(new URL('./nope.ts', import.meta.url))).toThrow(/outside src/);
  });
});

describe('shareRunsParallel', () => {
  type Share = { threadId: number; ran: number[]; sums: Array<[number, number]> };
  const started = () => new Int32Array(new SharedArrayBuffer(4));
  const payload = (runs: number, workers = 1) => ({ values: new Float64Array(new SharedArrayBuffer(8 * runs)), started: started(), workers, items: 5, offset: 1 });

  it('runs every run exactly once over this thread and the workers, then shares items over the whole table', async () => {
    const runs = 200;
    for (const workers of [1, 2, 3]) {
      const progress: number[] = [];
      const shares = await shareRunsParallel<ReturnType<typeof payload>, Share>({ workerModule: shareWorker, exportName: 'squares', runs, workers, batchRuns: 4, payload: payload(runs, workers), onProgress: (done) => progress.push(done) });
      expect(shares).toHaveLength(workers);
      expect(shares[0].threadId).toBe(0); // this thread's result first
      if (workers > 1) expect(shares.slice(1).some((s) => s.threadId !== 0 && s.ran.length > 0)).toBe(true); // a worker thread really ran runs
      expect(shares.flatMap((s) => s.ran).sort((a, b) => a - b)).toEqual(Array.from({ length: runs }, (_, r) => r));
      const sums = new Map(shares.flatMap((s) => s.sums));
      for (let i = 0; i < 5; i++) {
        let expected = 0;
        for (let r = i; r < runs; r += 5) expected += r * r + 1;
        expect(sums.get(i), `item ${i}, ${workers} threads`).toBe(expected); // written by any thread, read after the barrier
      }
      expect(progress[progress.length - 1]).toBe(runs);
    }
  });

  it('hands the task to threads started ahead for its module (a warm pool), and starts the rest itself', async () => {
    const runs = 120;
    const [warm] = prestartShareWorkers(shareWorker, 'squares', 1);
    const shares = await shareRunsParallel<ReturnType<typeof payload>, Share>({ workerModule: shareWorker, exportName: 'squares', runs, workers: 3, batchRuns: 4, payload: payload(runs, 3) });
    expect(shares).toHaveLength(3);
    expect(shares[1].threadId).toBe(warm); // the thread started ahead, then one started by the call
    expect(shares[2].threadId).not.toBe(warm);
    expect(shares.flatMap((s) => s.ran).sort((a, b) => a - b)).toEqual(Array.from({ length: runs }, (_, r) => r));
    // a thread started ahead for another export is not used by this one
    const [other] = prestartShareWorkers(shareWorker, 'failing', 1);
    const again = await shareRunsParallel<ReturnType<typeof payload>, Share>({ workerModule: shareWorker, exportName: 'squares', runs, workers: 2, batchRuns: 4, payload: payload(runs, 2) });
    expect(again[1].threadId).not.toBe(other);
  });

  it('lets a process exit at once with threads started ahead and never used', () => {
    const script = `import { prestartShareWorkers } from ${JSON.stringify(new URL('../../dist/sim/parallel.js', import.meta.url).href)};
      prestartShareWorkers(new URL(${JSON.stringify(shareWorker.href)}), 'squares', 2); console.log('done');`;
    const t0 = performance.now();
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', cwd: fileURLToPath(new URL('.', import.meta.url)), timeout: 20_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('done');
    expect(performance.now() - t0).toBeLessThan(15_000); // not held open by the waiting threads (the spawn timeout is 20 s)
  });

  it('reports a worker\'s failure without waiting forever for its runs, and a failure of this thread', async () => {
    await expect(shareRunsParallel({ workerModule: shareWorker, exportName: 'failing', runs: 50, workers: 2, batchRuns: 5, payload: { started: started(), workers: 2, failIn: 'worker' } })).rejects.toThrow(/worker thread failed at run/);
    await expect(shareRunsParallel({ workerModule: shareWorker, exportName: 'failing', runs: 50, workers: 2, batchRuns: 5, payload: { started: started(), workers: 2, failIn: 'caller' } })).rejects.toThrow(/caller thread failed at run/);
  });

  it('checks its arguments', async () => {
    await expect(shareRunsParallel({ workerModule: shareWorker, exportName: 'squares', runs: 1, workers: 0, payload: payload(1) })).rejects.toThrow(/--workers/);
    await expect(shareRunsParallel({ workerModule: shareWorker, exportName: 'squares', runs: 2 ** 30, workers: 1, payload: payload(1) })).rejects.toThrow(RangeError);
    await expect(shareRunsParallel({ workerModule: shareWorker, exportName: 'nope', runs: 1, workers: 1, payload: payload(1) })).rejects.toThrow(/no exported function "nope"/);
  });
});
