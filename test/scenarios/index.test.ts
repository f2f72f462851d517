import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isUserError, type UserError } from '../../src/core/errors.ts';
import type { Model } from '../../src/sim/model.ts';
import type { SinkTarget } from '../../src/sim/sinks.ts';
import { defineScenario, parseScenario, runScenario, SCENARIO_MODELS, sweepSubsetLabel } from '../../src/scenarios/index.ts';
import { caughtUserError } from '../helpers/errors.ts';

const deposits = [
  { name: 'a', balance: 100, yield: { kind: 'constant', value: 0.05 } },
  { name: 'b', balance: 100, yield: { kind: 'constant', value: 0.01 } },
];

function errorOf(doc: unknown): UserError {
  return caughtUserError(() => parseScenario(doc, 'sweep.yaml'));
}

describe('parseScenario: sweeps', () => {
  it('names the subset and its swept values when a subset fails a cross-field check', () => {
    const e = errorOf({ model: 'cam', timesteps: 3, params: { deposits }, sweep: { parameters: { rebalanceDurationDays: [30, 0.1] } } });
    expect(e.field).toBe('sweep subset 1 (rebalanceDurationDays = 0.1): params.rebalanceDurationDays');
    expect(e.message).toMatch(/^sweep subset 1 \(rebalanceDurationDays = 0\.1\): params\.rebalanceDurationDays: must be >= dtDays/);
  });

  it('names the subset when a swept value fails the schema', () => {
    const e = errorOf({ model: 'cam', timesteps: 3, params: { deposits }, sweep: { mode: 'zip', parameters: { method: ['direct', 'magic'], movingAverageWindow: [3] } } });
    expect(e.field).toBe('sweep subset 1 (method = "magic", movingAverageWindow = 3): params.method');
    expect(e.message).toContain('(in sweep.yaml)');
  });

  it('leaves errors of a file without a sweep as they were', () => {
    const e = errorOf({ model: 'cam', timesteps: 3, params: { deposits, rebalanceDurationDays: 0.1 } });
    expect(e.field).toBe('params.rebalanceDurationDays');
  });

  it('labels subsets with and without swept values', () => {
    expect(sweepSubsetLabel(0, { rebalanceDurationDays: 0.1 })).toBe('sweep subset 0 (rebalanceDurationDays = 0.1)');
    expect(sweepSubsetLabel(2, {})).toBe('sweep subset 2');
  });
});

describe('runScenario: output files', () => {
  // A model that counts its builds and fails in run `failRun` (runs are built in-process with one worker).
  let builds = 0;
  SCENARIO_MODELS.explodes = defineScenario({
    name: 'explodes',
    description: 'test model: fails in one run',
    params: z.strictObject({ failRun: z.number().int() }),
    build: (params: { failRun: number }): Model<{ failRun: number }, { x: number }> => {
      builds++;
      return {
        name: 'explodes',
        initialState: (ctx) => {
          if (ctx.run === params.failRun) throw new Error(`run ${ctx.run} failed`);
          return { x: ctx.run };
        },
        blocks: [{ label: 'step', updates: { x: (_ctx, prev) => prev.x + 1 } }],
      };
    },
  });
  afterAll(() => delete SCENARIO_MODELS.explodes);
  const scenario = (failRun: number) => parseScenario({ model: 'explodes', timesteps: 3, runs: 4, params: { failRun } });
  const dir = mkdtempSync(join(tmpdir(), 'capflow-scenario-out-'));

  it('checks the output path before running anything', async () => {
    builds = 0;
    const out: SinkTarget = { kind: 'csv', path: join(dir, 'missing', 'x.csv') };
    await expect(runScenario(scenario(-1), { workers: 1, out })).rejects.toSatisfy((e) => isUserError(e) && e.field === '--out');
    expect(builds).toBe(0);
  });

  it('a failed run leaves an existing file as it was and no temporary file', async () => {
    for (const kind of ['csv', 'parquet', 'duckdb'] as const) {
      const sub = mkdtempSync(join(dir, `${kind}-`));
      const path = join(sub, `x.${kind}`);
      writeFileSync(path, 'old results');
      await expect(runScenario(scenario(2), { workers: 1, out: { kind, path } })).rejects.toThrow('run 2 failed');
      expect(readFileSync(path, 'utf8'), kind).toBe('old results');
      expect(readdirSync(sub), kind).toEqual([`x.${kind}`]);
    }
  });

  it('a successful run replaces the file and leaves no temporary file', async () => {
    const sub = mkdtempSync(join(dir, 'ok-'));
    const path = join(sub, 'x.csv');
    writeFileSync(path, 'old results');
    const result = await runScenario(scenario(-1), { workers: 1, out: { kind: 'csv', path } });
    expect(result.output.rows).toBe(4 * 4);
    expect(readFileSync(path, 'utf8').split('\n')[0]).toBe('run,subset,seed,timestep,substep,x');
    expect(readdirSync(sub)).toEqual(['x.csv']);
  });
});
