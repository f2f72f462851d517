import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadConfigFile } from '../../src/core/config.ts';
import { openDuckDb } from '../../src/core/duckdb.ts';
import { isUserError } from '../../src/core/errors.ts';
import { runModel } from '../../src/sim/engine.ts';
import { parseScenario, runScenario } from '../../src/scenarios/index.ts';
import type { ResultChunk } from '../../src/sim/engine.ts';
import { compileFund, type FundInputs } from '../../src/scenarios/fund/setup.ts';
import { buildFundModel } from '../../src/scenarios/fund/engine.ts';
import type { FundResult } from '../../src/scenarios/fund/result.ts';
import type { FundParams } from '../../src/scenarios/fund/schema.ts';
import { loadFundResult, writeFundResults } from '../../src/scenarios/fund/store.ts';
import { FUND_DAILY_COLUMNS, fundStudyOf, runFundStudy, type FundStudySpec } from '../../src/scenarios/fund/study.ts';
import { ROOT } from '../helpers/cli.ts';

const DAYS = 20;
const doc = loadConfigFile(join(ROOT, 'examples/fund.yaml'), z.any()) as Record<string, any>;
doc.timesteps = DAYS;
const params = parseScenario(doc, 'fund.yaml').subsets[0] as FundParams;
const spec: FundStudySpec = { params, days: DAYS, runs: 6, seed: 11 };
const width = FUND_DAILY_COLUMNS.length;

function expectSameResult(a: FundResult, b: FundResult): void {
  const plain = (x: unknown): unknown => JSON.parse(JSON.stringify(x, (_k, v: unknown) => (v instanceof Float64Array ? [...v] : v)));
  expect(plain(b)).toEqual(plain(a));
}

describe('fund study', async () => {
  const one = await runFundStudy(spec, { workers: 1 });

  it('gives the same numbers on any number of workers', async () => {
    const two = await runFundStudy(spec, { workers: 2 });
    expect([...two.daily]).toEqual([...one.daily]);
    expect(two.ledgerLines).toEqual(one.ledgerLines);
    expectSameResult(one.result, two.result);
  });

  it('keeps run 0 in detail, a summary per run, and percentile bands across runs', () => {
    const r = one.result;
    expect(r.runs).toBe(6);
    expect(r.detail.run).toBe(0);
    expect(r.detail.navUsd.length).toBe(DAYS + 1);
    expect(r.detail.decisions.length).toBeGreaterThan(0);
    expect(one.ledgerLines.length).toBeGreaterThan(50);
    for (let run = 0; run < 6; run++) {
      const nav = (t: number): number => one.daily[(run * (DAYS + 1) + t) * width];
      const price = (t: number): number => one.daily[(run * (DAYS + 1) + t) * width + 1];
      expect(r.summaries.finalNavUsd[run]).toBe(nav(DAYS));
      expect(r.summaries.totalReturn[run]).toBeCloseTo(price(DAYS) / price(0) - 1, 12);
      expect(r.summaries.maxDrawdown[run]).toBeLessThanOrEqual(0);
    }
    for (let t = 0; t <= DAYS; t++) {
      const navs = Array.from({ length: 6 }, (_, run) => one.daily[(run * (DAYS + 1) + t) * width]).sort((a, b) => a - b);
      expect(r.navBands.p50[t]).toBeCloseTo((navs[2] + navs[3]) / 2, 6);
      expect(r.navBands.p5[t]).toBeLessThanOrEqual(r.navBands.p25[t]);
      expect(r.navBands.p95[t]).toBeGreaterThanOrEqual(r.navBands.p75[t]);
      expect(r.sharePriceBands.p5[t]).toBeLessThanOrEqual(r.sharePriceBands.p95[t]);
    }
    expect(r.navBands.p95[DAYS]).toBeGreaterThan(r.navBands.p5[DAYS]);
  });

  it('collapses every band onto the path for one run', async () => {
    const single = await runFundStudy({ ...spec, runs: 1 }, { workers: 1 });
    for (const band of Object.values(single.result.sharePriceBands)) expect([...band]).toEqual([...single.result.detail.sharePrice]);
  });

  it('runs the same numbers through the generic engine', () => {
    const run = 3;
    const rows = runModel(buildFundModel(params), params, { timesteps: DAYS, seed: spec.seed, run, subset: 0, substeps: 'last' });
    for (const [j, column] of FUND_DAILY_COLUMNS.entries()) {
      const c = rows.columns.indexOf(column);
      for (let t = 0; t <= DAYS; t++) expect(rows.data[t * rows.columns.length + c]).toBe(one.daily[(run * (DAYS + 1) + t) * width + j]);
    }
  });

  it('runs through runScenario (any backend) with the same rows as the fund study', async () => {
    const scenario = parseScenario({ ...doc, runs: 6, seed: 11 }, 'fund.yaml');
    const viaScenario = await runScenario(scenario, { workers: 2 });
    expect(viaScenario.backend).toBe('worker-threads');
    const again = fundStudyOf(spec, viaScenario.output.result as ResultChunk, viaScenario.details);
    expect([...again.daily]).toEqual([...one.daily]);
    expectSameResult(one.result, again.result);
  });

  it('reads a flow feed once, in the parent: workers get it as data', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'capflow-fund-'));
    const feedPath = join(dir, 'flows.jsonl');
    const owner = `0x${'ab'.repeat(20)}`;
    const lines = [1, 2, 3].map((i) => JSON.stringify({ kind: 'deposit', chainId: 1, blockNumber: i, txHash: `0x${i.toString(16).padStart(64, '0')}`, logIndex: 0, timestamp: `2025-01-0${i + 1}T12:00:00Z`, owner, assets: String(i * 1e11), shares: '1' }));
    writeFileSync(feedPath, lines.join('\n'));
    const scenario = parseScenario({ ...doc, params: { ...doc.params, flows: { feed: feedPath } } }, 'fund.yaml');
    rmSync(feedPath); // nothing reads it again
    const inputs = scenario.inputs[0] as FundInputs;
    expect(inputs.feed?.used).toBe(3);
    const feedSpec: FundStudySpec = { params: scenario.subsets[0] as FundParams, days: DAYS, runs: 4, seed: 5, inputs };
    const [a, b] = [await runFundStudy(feedSpec, { workers: 1 }), await runFundStudy(feedSpec, { workers: 2 })];
    expect([...b.daily]).toEqual([...a.daily]);
    expect([...a.result.detail.depositsUsd.subarray(1, 4)]).toEqual([100_000, 200_000, 300_000]);
    expect(() => compileFund(feedSpec.params, DAYS)).toThrow(/not loaded/); // compiling never reads the file
  });

  it('writes DuckDB tables that load back into the same result', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'capflow-fund-'));
    const path = join(dir, 'fund.duckdb');
    await writeFundResults(path, one, doc);
    const loaded = await loadFundResult(path);
    expectSameResult(one.result, loaded);
  });

  it('writes venue_days: the detail run, one row per day and venue, from its venue series', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'capflow-fund-'));
    const path = join(dir, 'fund.duckdb');
    await writeFundResults(path, one, doc);
    const instance = await openDuckDb(path, { access_mode: 'READ_ONLY' }, { field: 'x', action: 'open', hint: '' });
    const conn = await instance.connect();
    try {
      const got = (await conn.runAndReadAll('SELECT run, day, date, venue, kind, apy, tvl_usd, value_usd, flow_usd, cost_usd FROM venue_days ORDER BY rowid')).getRows();
      const venues = one.result.detail.venues;
      expect(venues.length).toBeGreaterThan(1);
      expect(got.length).toBe((DAYS + 1) * venues.length);
      let r = 0;
      for (let day = 0; day <= DAYS; day++) {
        for (const v of venues) {
          expect(got[r++]).toEqual([0, day, one.result.detail.dates[day], v.name, v.kind, v.apy[day], v.tvlUsd[day], v.valueUsd[day], v.flowUsd[day], v.costUsd[day]]);
        }
      }
      expect(venues.some((v) => v.tvlUsd.some((x) => x > 0))).toBe(true);
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
  });

  it('writes atomically: a failed write keeps the old file and leaves no temporary file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'capflow-fund-'));
    const path = join(dir, 'fund.duckdb');
    const old = await runFundStudy({ ...spec, runs: 2, seed: 3 }, { workers: 1 });
    await writeFundResults(path, old, doc);
    const broken = { ...one, ledgerLines: ['not json'] }; // fails on the last table
    await expect(writeFundResults(path, broken, doc)).rejects.toSatisfy((e) => isUserError(e) && e.field === '--out');
    expectSameResult(old.result, await loadFundResult(path));
    expect(readdirSync(dir)).toEqual(['fund.duckdb']);
  });

  it('checks the directory before writing, naming the field', async () => {
    const missing = join(mkdtempSync(join(tmpdir(), 'capflow-fund-')), 'missing', 'fund.duckdb');
    await expect(writeFundResults(missing, one, doc)).rejects.toSatisfy((e) => isUserError(e) && e.field === '--out' && /is not there/.test(e.message));
  });

  it('refuses a missing file and a file without fund tables, naming the argument', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'capflow-fund-'));
    await expect(loadFundResult(join(dir, 'none.duckdb'))).rejects.toSatisfy((e) => isUserError(e) && e.field === '<results.duckdb>');
    const junk = join(dir, 'junk.duckdb');
    writeFileSync(junk, 'not a database');
    await expect(loadFundResult(junk)).rejects.toSatisfy((e) => isUserError(e) && e.field === '<results.duckdb>');
  });
});
