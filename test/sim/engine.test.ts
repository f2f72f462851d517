import { describe, expect, it } from 'vitest';
import { concatChunks, jobCount, resultCell, resultColumn, rowsPerRun, runJobs, runModel, KEY_COLUMNS } from '../../src/sim/engine.ts';
import { defineBlock, type Model } from '../../src/sim/model.ts';

interface P {
  step: number;
}
type S = { x: number; v: Float64Array; seen: number };

/** Two blocks: block 1 has two policies whose signals are summed; block 2 reads block 1's result. */
function model(): Model<P, S> {
  const first = defineBlock<P, S, { dx: number; dv: Float64Array }>({
    label: 'accumulate',
    signals: { dx: { length: 0 }, dv: { length: 2 } },
    policies: [
      { emits: ['dx', 'dv'], run: (ctx, s, out) => { out.dx = ctx.params.step; out.dv[0] = 1; out.dv[1] = s.x; } },
      { emits: ['dx'], run: (_ctx, _s, out) => { out.dx = 100; } },
    ],
    updates: {
      x: (_ctx, prev, sig) => prev.x + sig.dx,
      v: (_ctx, prev, sig, out) => { out[0] = prev.v[0] + sig.dv[0]; out[1] = sig.dv[1]; },
    },
  });
  const second = defineBlock<P, S, { maxSeen: number }>({
    label: 'observe',
    signals: { maxSeen: { length: 0, merge: 'max' } },
    policies: [
      { emits: ['maxSeen'], run: (_ctx, s, out) => { out.maxSeen = s.x; } },
      { emits: ['maxSeen'], run: (ctx, _s, out) => { out.maxSeen = ctx.timestep; } },
    ],
    updates: { seen: (_ctx, _prev, sig) => sig.maxSeen },
  });
  return {
    name: 'toy',
    initialState: () => ({ x: 0, v: new Float64Array([0, -1]), seen: 0 }),
    blocks: [first, second],
  };
}

describe('engine', () => {
  it('runs blocks in order: policies, merged signals (sum / max), then updates on the previous state', () => {
    const chunk = runModel(model(), { step: 1 }, { timesteps: 3, seed: 1, run: 2, subset: 5 });
    expect(chunk.columns).toEqual([...KEY_COLUMNS, 'x', 'v_0', 'v_1', 'seen']);
    expect(chunk.rows).toBe(rowsPerRun(2, 3));
    const rows = Array.from({ length: chunk.rows }, (_, r) => Array.from(chunk.data.subarray(r * 8, r * 8 + 8)));
    expect(rows).toEqual([
      [2, 5, 0, 0, 0, 0, -1, 0],
      [2, 5, 1, 1, 101, 1, 0, 0], // v_1 gets x of the previous state (0)
      [2, 5, 1, 2, 101, 1, 0, 101],
      [2, 5, 2, 1, 202, 2, 101, 101],
      [2, 5, 2, 2, 202, 2, 101, 202],
      [2, 5, 3, 1, 303, 3, 202, 202],
      [2, 5, 3, 2, 303, 3, 202, 303],
    ]);
  });

  it("records only each timestep's last substep with substeps: 'last'", () => {
    const chunk = runModel(model(), { step: 1 }, { timesteps: 3, seed: 1, run: 0, subset: 0, substeps: 'last' });
    expect(chunk.rows).toBe(4);
    expect(Array.from(resultColumn(chunk, 'substep'))).toEqual([0, 2, 2, 2]);
    expect(resultCell(chunk, 3, 'x')).toBe(303);
  });

  it('runs the jobs of a study in subset-major order with per-subset parameters', () => {
    const spec = { subsets: [{ step: 1 }, { step: 2 }], runs: 2, seed: 9, timesteps: 2, substeps: 'last' as const };
    expect(jobCount(spec)).toBe(4);
    const all = runJobs(() => model(), spec, 0, 4);
    expect(all.rows).toBe(12);
    expect(Array.from(resultColumn(all, 'run'))).toEqual([0, 0, 0, 1, 1, 1, 0, 0, 0, 1, 1, 1]);
    expect(Array.from(resultColumn(all, 'subset'))).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1]);
    expect(resultCell(all, 11, 'x')).toBe(204);
    // any split into contiguous ranges gives the same rows
    const split = concatChunks([runJobs(() => model(), spec, 0, 1), runJobs(() => model(), spec, 1, 3)]);
    expect(Array.from(split.data)).toEqual(Array.from(all.data));
  });

  it('gives each run its own stream Rng.stream(seed, run), the same in every subset', () => {
    type R = { z: number };
    const noisy: Model<null, R> = {
      name: 'noise',
      initialState: () => ({ z: 0 }),
      blocks: [{ label: 'draw', updates: { z: (ctx) => ctx.rng.normal() } }],
    };
    const spec = { subsets: [null, null], runs: 3, seed: 42, timesteps: 5 };
    const chunk = runJobs(() => noisy, spec, 0, 6);
    const z = resultColumn(chunk, 'z');
    expect(Array.from(z.subarray(0, 18))).toEqual(Array.from(z.subarray(18, 36)));
    expect(z[6 + 1]).not.toBe(z[1]);
  });

  it('rejects bad model definitions and timesteps', () => {
    const bad: Model<null, { a: number }> = { name: 'bad', initialState: () => ({ a: 0 }), blocks: [{ label: 'b', updates: { b: () => 1 } as never }] };
    expect(() => runModel(bad, null, { timesteps: 1, seed: 1, run: 0, subset: 0 })).toThrow(/unknown state variable "b"/);
    expect(() => runModel(model(), { step: 1 }, { timesteps: -1, seed: 1, run: 0, subset: 0 })).toThrow(/timesteps/);
  });

  it('has a small per-substep overhead (no allocation in the loop)', () => {
    const m = model();
    const t0 = performance.now();
    const chunk = runModel(m, { step: 1 }, { timesteps: 100_000, seed: 1, run: 0, subset: 0 });
    const usPerSubstep = ((performance.now() - t0) * 1000) / (2 * 100_000);
    expect(chunk.rows).toBe(200_001);
    expect(usPerSubstep).toBeLessThan(5); // radCAD: ~10 µs per step
  });
});
