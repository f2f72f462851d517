import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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

describe('stale or anomalous venue data', () => {
  it('keeps a flagged venue from new money that day (what it holds stays) and says why', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'capflow-quality-'));
    const lines = ['date,apy'];
    for (let d = 0; d < 60; d++) {
      if (d >= 20 && d < 25) continue; // five missing days, carried forward: stale after maxStaleDays
      const date = new Date(Date.UTC(2024, 0, 1 + d)).toISOString().slice(0, 10);
      lines.push(`${date},${d === 40 ? 80 : 5 + 0.01 * (d % 7)}`); // day 40: an 80% APY spike
    }
    writeFileSync(join(dir, 'flaky.csv'), `${lines.join('\n')}\n`);
    writeFileSync(join(dir, 'flaky.yaml'), 'map: { date: date, apy: apy }\napyUnit: percent\nrate: apr\ngaps: ffill\n');
    const doc = exampleDoc((d) => {
      d.timesteps = 59;
      d.params.market = {
        source: 'history',
        import: [
          { file: join(dir, 'flaky.csv'), config: join(dir, 'flaky.yaml'), as: 'venue', name: 'flaky' },
          { file: 'examples/data/vault-usdc.jsonl', config: 'examples/data/vault-usdc.yaml', as: 'venue', name: 'vault-usdc' },
          { file: 'examples/data/eth-usd.csv', as: 'prices', name: 'ETH' },
        ],
        from: '2024-01-01',
        to: '2024-02-29',
        quality: { maxStaleDays: 2 },
      };
      d.params.venues['curated-vault'].series = 'vault-usdc';
      d.params.venues['lending-reserve'].series = 'flaky';
      d.params.rules.weights = [{ venue: 'lending-reserve', maxConcentration: 0.6 }, { venue: 'curated-vault', maxConcentration: 1 }];
      d.params.flows = { depositsPerDay: 6, depositMeanUsd: 200000, redemptionsPerDay: 0 };
    });
    const setup = await setupOf(doc);
    const run = simulateFundRun(setup, 42, 0, { detail: true });
    const decisions = run.series.decisions.filter((x) => x.venue === 'lending-reserve');
    const bound = (day: number): string => decisions.find((x) => x.day === day)?.boundBy ?? '';
    for (const day of [23, 24]) expect(bound(day), `day ${day}`).toBe('stale');
    expect(bound(40)).toBe('anomalous');
    for (const x of decisions.filter((d) => d.boundBy === 'stale' || d.boundBy === 'anomalous')) {
      expect(x.acceptedUsd, `day ${x.day}`).toBeLessThanOrEqual(x.existingUsd + 1e-6); // no new money
      expect(run.series.trades.some((t) => t.day === x.day && t.venue === 'lending-reserve' && t.action === 'supply')).toBe(false);
    }
    expect(bound(30)).not.toBe('stale');
  });
});
