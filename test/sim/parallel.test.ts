import { describe, expect, it } from 'vitest';
import { chunkRanges, mapRunsParallel, resolveWorkerModule } from '../../src/sim/parallel.ts';

const worker = new URL('./chunkWorker.mjs', import.meta.url);

describe('mapRunsParallel', () => {
  it('splits runs into contiguous chunks', () => {
    expect(chunkRanges(5, 2)).toEqual([{ firstRun: 0, runCount: 2 }, { firstRun: 2, runCount: 2 }, { firstRun: 4, runCount: 1 }]);
  });

  it('returns chunk results in run order whatever the worker count', async () => {
    const one = await mapRunsParallel<{ offset: number }, { values: number[]; threadId: number }>({ workerModule: worker, exportName: 'squares', runs: 23, workers: 1, payload: { offset: 1 } });
    const seen: number[] = [];
    const two = await mapRunsParallel<{ offset: number }, { values: number[]; threadId: number }>({
      workerModule: worker,
      exportName: 'squares',
      runs: 23,
      workers: 2,
      chunkSize: 3,
      payload: { offset: 1 },
      onProgress: (done) => seen.push(done),
    });
    const expected = Array.from({ length: 23 }, (_, r) => r * r + 1);
    expect(one.flatMap((c) => c.values)).toEqual(expected);
    expect(two.flatMap((c) => c.values)).toEqual(expected);
    expect(two.some((c) => c.threadId !== 0)).toBe(true); // really ran on worker threads
    expect(seen[seen.length - 1]).toBe(23);
  });

  it('streams results in order to onResult', async () => {
    const got: number[] = [];
    const kept = await mapRunsParallel<{ offset: number }, { firstRun: number }>({
      workerModule: worker, exportName: 'squares', runs: 10, workers: 2, chunkSize: 1, payload: { offset: 0 },
      onResult: (r) => { got.push(r.firstRun); },
    });
    expect(got).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(kept).toEqual([]);
  });

  it('propagates a worker failure', async () => {
    await expect(mapRunsParallel({ workerModule: worker, exportName: 'fail', runs: 6, workers: 2, chunkSize: 2, payload: { failFrom: 2 } })).rejects.toThrow(/run 2 failed/);
    await expect(mapRunsParallel({ workerModule: worker, exportName: 'squares', runs: 1, workers: 0, payload: {} })).rejects.toThrow(/--workers/);
  });

  it('maps TypeScript sources to their compiled dist/ module', () => {
    const src = new URL('../../src/scenarios/index.ts', import.meta.url);
    expect(resolveWorkerModule(src).pathname).toMatch(/\/dist\/scenarios\/index\.js$/);
    expect(resolveWorkerModule(worker)).toBe(worker);
    expect(() => resolveWorkerModule(new URL('./nope.ts', import.meta.url))).toThrow(/outside src/);
  });
});
