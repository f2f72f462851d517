import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { UserError } from '../../src/core/errors.ts';
import { caughtUserError } from '../helpers/errors.ts';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/core/config.ts';
import { runModel, resultColumn } from '../../src/sim/engine.ts';
import {
  buildDeltaNeutralJob,
  buildJobModel,
  checkDeltaNeutralParams,
  DELTA_NEUTRAL_DEFAULTS,
  DeltaNeutralParamsSchema,
  jobSteps,
  listSource,
  loadDeltaNeutralInputs,
  monteCarloDeltaNeutral,
  paramsToJob,
  runDeltaNeutralPaths,
  syntheticSource,
  type DeltaNeutralJob,
  type DeltaNeutralSettings,
} from '../../src/scenarios/deltaNeutral.ts';
import { outputKeys, simulateReferencePath } from '../../src/strategies/deltaNeutral.ts';
import { summarize } from '../../src/market/stats.ts';

const settings = (over: Partial<DeltaNeutralSettings> = {}): DeltaNeutralSettings => ({
  ...DELTA_NEUTRAL_DEFAULTS,
  poolApr: 0.2,
  funding: { kind: 'constant', value: 0.08 },
  makerFeePct: 0.0002,
  takerFeePct: 0.0005,
  rebalanceEvery: 1,
  ...over,
});

/** Outputs of run `run` through the generic engine (last row, output columns). */
function engineOutputs(job: DeltaNeutralJob, run: number): number[] {
  const chunk = runModel(buildJobModel(job), {}, { timesteps: jobSteps(job), seed: job.seed, run, subset: 0, substeps: 'last' });
  return outputKeys(job.accounting).map((k) => resultColumn(chunk, k)[chunk.rows - 1]);
}

describe('the typed-array kernel (fast path) gives the generic engine path\'s numbers', () => {
  const cases: Array<[string, DeltaNeutralJob]> = [
    ['exact, gbm, daily', buildDeltaNeutralJob(settings(), syntheticSource({ kind: 'gbm', initialPrice: 35000, volPerStep: 0.05, steps: 120 }), 42)],
    ['exact, jump, band + weekly, fixed cost, reinvested fees', buildDeltaNeutralJob(settings({ rebalanceEvery: 7, band: 0.05, fixedCostUsd: 5, reinvestFees: true }), syntheticSource({ kind: 'jump', initialPrice: 2000, volPerStep: 0.06, steps: 90 }), 7)],
    ['exact, normal, mean-reverting funding, high leverage (liquidations)', buildDeltaNeutralJob(settings({ shortLeverage: 5, funding: { kind: 'meanReverting', level: 0.08, speed: 12, vol: 0.5, initial: 0.2 } }), syntheticSource({ kind: 'normal', initialPrice: 100, volPerStep: 0.08, steps: 200 }), 3)],
    ['reference, normal', buildDeltaNeutralJob(settings({ accounting: 'reference', rebalanceEvery: 3, takerFeePct: undefined }), syntheticSource({ kind: 'normal', initialPrice: 35000, volPerStep: 0.085, steps: 100 }), 5)],
  ];
  for (const [name, job] of cases) {
    it(name, () => {
      const rows = runDeltaNeutralPaths(job, 0, 4);
      const width = outputKeys(job.accounting).length;
      for (let run = 0; run < 4; run++) {
        const engine = engineOutputs(job, run);
        engine.forEach((v, k) => expect(rows[run * width + k], `run ${run} ${outputKeys(job.accounting)[k]}`).toBe(v));
      }
    });
  }

  it('reference accounting through the engine matches the one-path simulator on a shared sample path', () => {
    const fixture = JSON.parse(readFileSync(new URL('../fixtures/delta-neutral.json', import.meta.url), 'utf8')) as { paths: Array<{ prices: number[]; finalsByRebalanceEvery: Record<string, { roi: number }> }> };
    const path = fixture.paths[0];
    const job = buildDeltaNeutralJob(settings({ accounting: 'reference', rebalanceEvery: 7, takerFeePct: undefined }), listSource('prices', path.prices), 0);
    const engine = engineOutputs(job, 0);
    expect(Math.abs(engine[0] - path.finalsByRebalanceEvery['7'].roi)).toBeLessThan(1e-9);
    const direct = simulateReferencePath(path.prices, job.accounting === 'reference' ? job.reference : (undefined as never)).outputs;
    expect(engine[0]).toBe(direct.roi);
  });
});

describe('Monte Carlo', () => {
  const job = buildDeltaNeutralJob(settings(), syntheticSource({ kind: 'gbm', initialPrice: 35000, volPerStep: 0.04, steps: 60 }), 9);

  it('gives identical results for any worker count', async () => {
    const one = await monteCarloDeltaNeutral(job, { runs: 600, workers: 1 });
    const two = await monteCarloDeltaNeutral(job, { runs: 600, workers: 2 });
    expect(two).toEqual(one);
    expect(await monteCarloDeltaNeutral(job, { runs: 600, workers: 3 })).toEqual(one);
    expect(one.runs).toBe(600);
    expect(one.seed).toBe(9);
    expect(Object.keys(one.stats.roi)).toEqual(['mean', 'std', 'sem', 'min', 'max', 'p5', 'p25', 'p50', 'p75', 'p95']);
  });

  it('summarises, bit for bit, as summarize does on each output over the rows of every path', async () => {
    const reference = buildDeltaNeutralJob(settings({ accounting: 'reference', rebalanceEvery: 2, takerFeePct: undefined }), syntheticSource({ kind: 'normal', initialPrice: 100, volPerStep: 0.05, steps: 40 }), 11);
    for (const [study, runs] of [[job, 4000], [reference, 3001]] as const) {
      const rows = runDeltaNeutralPaths(study, 0, runs);
      const keys = outputKeys(study.accounting);
      const got = await monteCarloDeltaNeutral(study, { runs, workers: 2 });
      expect(Object.keys(got.stats)).toEqual(keys);
      keys.forEach((key, k) => {
        const expected = summarize(Float64Array.from({ length: runs }, (_, r) => rows[r * keys.length + k]));
        for (const [stat, value] of Object.entries(expected)) expect(Object.is(got.stats[key][stat as keyof typeof expected], value), `${key}.${stat}`).toBe(true);
      });
    }
  });

  it('rejects a bad run count', async () => {
    await expect(monteCarloDeltaNeutral(job, { runs: 0, workers: 1 })).rejects.toThrow(/--runs/);
  });
});

describe('scenario parameters', () => {
  it('parse with defaults and build a job of the engine length', () => {
    const params = parseConfig(DeltaNeutralParamsSchema, { prices: { synthetic: { process: 'gbm', dailyVol: 0.04, initialPrice: 35000 } }, pool: { volumeUsdPerDay: 1e6, feeTier: 0.003, tvlUsd: 5e6 } });
    const job = paramsToJob(params, 30, 1);
    expect(jobSteps(job)).toBe(30);
    expect(job.accounting === 'exact' && job.exact.poolApr).toBeCloseTo(0.219, 12);
  });

  it('reject unknown keys and lists shorter than the timesteps, naming the path', () => {
    expect(() => parseConfig(DeltaNeutralParamsSchema, { prices: { list: [1, 2] }, poolApr: 0.2 })).toThrow(/poolApr/);
    const params = parseConfig(DeltaNeutralParamsSchema, { prices: { list: [1, 2, 3] } });
    expect(() => checkDeltaNeutralParams(params, { timesteps: 5 })).toThrow(/params\.prices\.list/);
    expect(() => checkDeltaNeutralParams(parseConfig(DeltaNeutralParamsSchema, { prices: { list: [1, 2, 3] }, accounting: 'reference', rebalance: { every: 1, band: 0.1 } }), { timesteps: 2 })).toThrow(/^params\.rebalance\.band: reference accounting rebalances on the schedule only \(use params\.accounting exact/);
  });

  it('name scenario paths, never CLI flags, in errors of shared checks', () => {
    const errorOf = (p: Record<string, unknown>, timesteps = 2): UserError => caughtUserError(() => checkDeltaNeutralParams(parseConfig(DeltaNeutralParamsSchema, { prices: { list: [1, 2, 3] }, ...p }), { timesteps }));
    const cases: [Record<string, unknown>, string][] = [
      [{ short: { leverage: 30 } }, 'params.short.leverage'],
      [{ rebalance: { every: 0 } }, 'params.rebalance.every'],
      [{ accounting: 'reference', funding: { kind: 'series', values: [0.1, 0.1] } }, 'params.funding'],
      [{ accounting: 'reference', rebalance: { every: 0 } }, 'params.rebalance.every'],
    ];
    for (const [p, field] of cases) {
      const e = errorOf(p);
      expect(e.field).toBe(field);
      expect(e.message).not.toMatch(/--[a-z]/);
    }
  });

  it('read a price CSV once, as inputs, naming params.prices.csv paths in its errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'capflow-dn-'));
    const file = join(dir, 'prices.csv');
    writeFileSync(file, 'date,open\n2022-01-01,100\n2022-01-02,110\n2022-01-03,105\n');
    const params = parseConfig(DeltaNeutralParamsSchema, { prices: { csv: { file, from: '2022-01-01' } } });
    const inputs = loadDeltaNeutralInputs(params);
    expect(inputs.csvPrices).toEqual([100, 110, 105]);
    expect(jobSteps(paramsToJob(params, 2, 0, inputs))).toBe(2);
    expect(() => paramsToJob(params, 2, 0)).toThrow(/not loaded/); // building never reads the file
    const missing = parseConfig(DeltaNeutralParamsSchema, { prices: { csv: { file: join(dir, 'none.csv') } } });
    expect(caughtUserError(() => loadDeltaNeutralInputs(missing)).field).toBe('params.prices.csv.file');
    const badFrom = parseConfig(DeltaNeutralParamsSchema, { prices: { csv: { file, from: '2022-13-01' } } });
    expect(caughtUserError(() => loadDeltaNeutralInputs(badFrom)).field).toBe('params.prices.csv.from');
  });
});
