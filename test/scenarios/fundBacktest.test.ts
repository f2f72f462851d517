import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadConfigFile } from '../../src/core/config.ts';
import { isUserError } from '../../src/core/errors.ts';
import { compileFund, simulateFundRun, type FundInputs, type FundParams } from '../../src/scenarios/fund/index.ts';
import { loadScenario } from '../../src/scenarios/index.ts';
import { runCliJson, ROOT } from '../helpers/cli.ts';

type Doc = Record<string, any>;
const EXAMPLE = join(ROOT, 'examples/fund-backtest.yaml');

function exampleDoc(change: (d: Doc) => void = () => undefined): Doc {
  const doc = loadConfigFile(EXAMPLE, z.any()) as Doc;
  change(doc);
  return doc;
}

async function setupOf(doc: Doc) {
  const scenario = await loadScenario(doc, EXAMPLE);
  return compileFund(scenario.subsets[0] as FundParams, scenario.timesteps, scenario.inputs[0] as FundInputs);
}

async function fieldOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(isUserError(e), String(e)).toBe(true);
    return (e as { field: string }).field;
  }
  throw new Error('expected a refusal');
}

describe('the fund backtested on history', () => {
  it('runs examples/fund-backtest.yaml from the shipped files and writes the report with real dates', () => {
    const dir = mkdtempSync(join(tmpdir(), 'capflow-backtest-'));
    const r = runCliJson(['run', 'examples/fund-backtest.yaml', '--report', dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.days).toBe(546);
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    expect(summary.startDate).toBe('2023-01-01');
    expect(summary.endDate).toBe('2024-06-30');
    expect(summary.benchmark.name).toBe('lending-reserve');
    expect(summary.finalNavUsd).toBeGreaterThan(5e6);
    expect(existsSync(join(dir, 'report.html'))).toBe(true);
  });

  it('follows the history: the vault position grows by the vault\'s share price, every run the same without a bootstrap', async () => {
    const setup = await setupOf(exampleDoc((d) => (d.timesteps = 60)));
    const a = simulateFundRun(setup, 42, 0, { detail: false }).series;
    const b = simulateFundRun(setup, 42, 1, { detail: false }).series;
    const vault = a.venues.findIndex((v) => v.name === 'curated-vault');
    expect(a.dates[60]).toBe('2023-03-02');
    // one market for every run: only the flows (seeded per run) differ
    expect([...a.venues[vault].apy]).toEqual([...b.venues[vault].apy]);
    expect([...a.depositsUsd]).not.toEqual([...b.depositsUsd]);
  });

  it('bootstraps the history per run when asked: same seed and run, same path; another run, another path', async () => {
    const setup = await setupOf(exampleDoc((d) => {
      d.timesteps = 120;
      d.params.market.bootstrap = { meanBlockDays: 10 };
    }));
    const apy = (run: number): number[] => [...simulateFundRun(setup, 42, run, { detail: false }).series.venues[0].apy];
    expect(apy(3)).toEqual(apy(3));
    expect(apy(3)).not.toEqual(apy(4));
  });

  it('refuses a horizon beyond the history, series that do not overlap and venues without their series, naming the field', async () => {
    expect(await fieldOf(setupOf(exampleDoc((d) => (d.timesteps = 547))))).toBe('timesteps');
    expect(await fieldOf(setupOf(exampleDoc((d) => (d.params.market.to = '2022-12-31'))))).toMatch(/^params\.market/);
    expect(await fieldOf(setupOf(exampleDoc((d) => delete d.params.venues['curated-vault'].series)))).toBe('params.venues.curated-vault.series');
    expect(await fieldOf(setupOf(exampleDoc((d) => (d.params.venues['curated-vault'].apy = { kind: 'constant', value: 0.05 }))))).toBe('params.venues.curated-vault.apy');
    expect(await fieldOf(setupOf(exampleDoc((d) => delete d.params.market)))).toBe('params.venues.lending-reserve.series');
    expect(await fieldOf(setupOf(exampleDoc((d) => (d.params.market.import[0].file = 'examples/data/none.csv'))))).toMatch(/^params\.market\.import\[0\]/);
    expect(await fieldOf(setupOf(exampleDoc((d) => (d.params.venues['curated-vault'].series = 'unknown-series'))))).toMatch(/^params\.market/);
    expect(await fieldOf(setupOf(exampleDoc((d) => (d.params.market.db = 'x.duckdb'))))).toBe('params.market.db');
  });
});
