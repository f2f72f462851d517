import { describe, expect, it } from 'vitest';
import { runStudy, type StudyChunkResult } from '../../src/sim/runner.ts';
import { backendFor, inProcessBackend, planChunks, workerThreadsBackend, type StudyBackend, type StudyChunk } from '../../src/sim/study.ts';

const worker = new URL('./chunkWorker.mjs', import.meta.url);
const rowsWorker = new URL('./rowsWorker.mjs', import.meta.url);

/** Collects every chunk result of a backend run, in delivery order. */
async function collect<R>(backend: StudyBackend, exportName: string, payload: unknown, chunks: StudyChunk[]): Promise<R[]> {
  const got: R[] = [];
  await backend.run<unknown, R>({ module: worker, exportName, payload, chunks }, (r) => {
    got.push(r);
  });
  return got;
}

describe('planChunks', () => {
  it('splits the runs of every subset into contiguous chunks that never span two subsets', () => {
    const chunks = planChunks({ runs: 5, subsets: 2, workers: 1, chunkRuns: 3 });
    expect(chunks).toEqual([
      { subset: 0, firstRun: 0, runCount: 3 },
      { subset: 0, firstRun: 3, runCount: 2 },
      { subset: 1, firstRun: 0, runCount: 3 },
      { subset: 1, firstRun: 3, runCount: 2 },
    ]);
    for (const workers of [1, 2, 7]) {
      const plan = planChunks({ runs: 23, subsets: 3, workers });
      for (let s = 0; s < 3; s++) expect(plan.filter((c) => c.subset === s).reduce((n, c) => n + c.runCount, 0)).toBe(23);
    }
  });
});

describe('study backends', () => {
  const chunks = planChunks({ runs: 23, subsets: 1, workers: 1, chunkRuns: 3 });
  const expected = Array.from({ length: 23 }, (_, r) => r * r + 1);

  it('in-process and worker threads deliver the same results in chunk order', async () => {
    type R = { firstRun: number; values: number[]; threadId: number };
    const here = await collect<R>(inProcessBackend(), 'squares', { offset: 1 }, chunks);
    const threads = await collect<R>(workerThreadsBackend(2), 'squares', { offset: 1 }, chunks);
    expect(here.flatMap((c) => c.values)).toEqual(expected);
    expect(threads.flatMap((c) => c.values)).toEqual(expected);
    expect(threads.map((c) => c.firstRun)).toEqual(chunks.map((c) => c.firstRun));
    expect(here.every((c) => c.threadId === 0)).toBe(true);
    expect(threads.some((c) => c.threadId !== 0)).toBe(true); // really ran on worker threads
  });

  it('keeps chunk order when there are more chunks than it hands out ahead', async () => {
    const many = planChunks({ runs: 23, subsets: 1, workers: 1, chunkRuns: 1 }); // 23 chunks, 8 handed out ahead on 2 threads
    const got = await collect<{ firstRun: number; values: number[] }>(workerThreadsBackend(2), 'squares', { offset: 1 }, many);
    expect(got.map((c) => c.firstRun)).toEqual(many.map((c) => c.firstRun));
    expect(got.flatMap((c) => c.values)).toEqual(expected);
    await expect(collect(workerThreadsBackend(2), 'fail', { failFrom: 17 }, many)).rejects.toThrow(/run 17 failed/);
  });

  it('runs a single chunk in this thread even with worker threads', async () => {
    const [one] = await collect<{ threadId: number; values: number[] }>(workerThreadsBackend(2), 'squares', { offset: 0 }, [{ subset: 0, firstRun: 0, runCount: 4 }]);
    expect(one.values).toEqual([0, 1, 4, 9]);
    expect(one.threadId).toBe(0);
  });

  it('propagates a chunk failure and names a bad worker count', async () => {
    const failing = planChunks({ runs: 6, subsets: 1, workers: 2, chunkRuns: 2 });
    await expect(collect(workerThreadsBackend(2), 'fail', { failFrom: 2 }, failing)).rejects.toThrow(/run 2 failed/);
    await expect(collect(inProcessBackend(), 'fail', { failFrom: 2 }, failing)).rejects.toThrow(/run 2 failed/);
    expect(() => backendFor(0)).toThrow(/--workers/);
    expect(backendFor(1).kind).toBe('in-process');
    expect(backendFor(3)).toMatchObject({ kind: 'worker-threads', workers: 3 });
  });
});

describe('runStudy', () => {
  const spec = { model: 'squares', module: rowsWorker, exportName: 'rows', payload: { offset: 2 }, runs: 9, subsets: 2, seed: 5, timesteps: 3, substeps: 'all' as const, overrides: [{ k: 1 }, { k: 2 }] };

  it('gives one result shape and the same rows on any backend and chunking', async () => {
    const progress: number[] = [];
    const a = await runStudy(spec, { backend: inProcessBackend(), onProgress: (done) => progress.push(done) });
    const b = await runStudy(spec, { backend: workerThreadsBackend(2), chunkRuns: 2 });
    expect(a.backend).toBe('in-process');
    expect(b.backend).toBe('worker-threads');
    const rows = (r: typeof a): number[] => [...(r.output.result as StudyChunkResult['rows']).data];
    expect(rows(b)).toEqual(rows(a));
    expect(a.output.rows).toBe(2 * 9 * 4);
    expect(a.final).toEqual(b.final);
    expect(a.final[1]).toMatchObject({ subset: 1, overrides: { k: 2 }, runs: 9, max: { value: 8 * 8 + 2 + 3 + 10 } });
    expect(a.details.map((d) => [d.subset, d.run])).toEqual([[0, 0], [1, 0]]);
    expect(b.details).toEqual(a.details);
    expect(progress[progress.length - 1]).toBe(18);
  });

  it('takes any backend that implements the seam: chunks computed out of order, streamed back in order', async () => {
    // A stand-in for a job queue: every chunk is computed (here, last first), and the results
    // are handed back in chunk order, as a distributed backend must.
    const reversed: StudyBackend = {
      kind: 'reversed-queue',
      workers: 3,
      async run(work, onResult) {
        const fn = (await import(work.module.href))[work.exportName];
        const results = new Map<number, unknown>();
        for (let i = work.chunks.length - 1; i >= 0; i--) results.set(i, await fn({ ...work.chunks[i], payload: work.payload }));
        for (let i = 0; i < work.chunks.length; i++) await onResult(results.get(i) as never, work.chunks[i]);
      },
    };
    const a = await runStudy(spec, { backend: inProcessBackend() });
    const c = await runStudy(spec, { backend: reversed });
    expect(c.backend).toBe('reversed-queue');
    expect([...(c.output.result as StudyChunkResult['rows']).data]).toEqual([...(a.output.result as StudyChunkResult['rows']).data]);
    expect(c.final).toEqual(a.final);
  });
});
