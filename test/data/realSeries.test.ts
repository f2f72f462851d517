/**
 * Every real venue and price history in ../shared/data (see each PROVENANCE.md for units):
 * imported through `importHistory`, then the growth that compounding the stored daily returns
 * gives is checked against a computation straight from the source file, written here
 * independently of the import code (its own CSV split, its own day grouping and fill).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { importHistory } from '../../src/data/import.ts';
import { loadHistoryMarket, venueGrowthFactors } from '../../src/data/load.ts';
import { compoundedGrowth, DEFAULT_QUALITY, reservePathFromHistory, vaultPathFromHistory, venueDataFlags } from '../../src/market/history/index.ts';
import { creditSupply } from '../../src/venues/creditSupply.ts';
import { vault } from '../../src/venues/vault.ts';
import { withHistoryStore } from '../../src/data/store.ts';
import type { ImportSpec } from '../../src/data/spec.ts';
import { ROOT } from '../helpers/cli.ts';
import { loadScenario } from '../../src/scenarios/index.ts';
import { compileFund, simulateFundRun, type FundInputs, type FundParams } from '../../src/scenarios/fund/index.ts';
import { queryDuckDb } from '../helpers/duckdb.ts';

const DATA = `${ROOT}../shared/data`;
const LLAMA = `${DATA}/defillama-stable-yields-eth-2024-25`;
const AAVE_V3 = `${DATA}/aave-v3-eth-hourly`;
const USDC_HOURLY = `${DATA}/usdc-compound-aave-hourly-2020-22/USDC_2020-12-02_2022-03-07.csv`;
const DAY_MS = 86_400_000;

let db: string;
beforeAll(() => {
  db = join(mkdtempSync(join(tmpdir(), 'capflow-real-')), 'history.duckdb');
});

function spec(name: string, over: Partial<ImportSpec>): ImportSpec {
  return { kind: 'venue', name, map: {}, apyUnit: null, rate: null, resample: null, gaps: 'error', nulls: 'error', epoch: null, from: null, to: null, ...over };
}

/** A CSV with plain (unquoted) fields as header → column arrays of text. */
function readPlainCsv(file: string): Record<string, string[]> {
  const [header, ...lines] = readFileSync(file, 'utf8').trim().split('\n');
  const names = header.split(',');
  const cols: Record<string, string[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (const line of lines) line.split(',').forEach((cell, i) => cols[names[i]].push(cell));
  return cols;
}

/**
 * Growth of 1 over the days of a daily APR series (fraction), from the first day to the last:
 * each day accrues the previous day's APR / 365; a missing day carries the previous APR.
 */
function compoundDailyApr(byDate: Map<string, number>): { first: string; last: string; growth: number } {
  const dates = [...byDate.keys()].sort();
  const first = Date.parse(`${dates[0]}T00:00:00Z`);
  const last = Date.parse(`${dates[dates.length - 1]}T00:00:00Z`);
  let apr = byDate.get(dates[0]) as number;
  let growth = 1;
  for (let t = first + DAY_MS; t <= last; t += DAY_MS) {
    growth *= 1 + apr / 365;
    apr = byDate.get(new Date(t).toISOString().slice(0, 10)) ?? apr;
  }
  return { first: dates[0], last: dates[dates.length - 1], growth };
}

/** What compounding each venue's source file gives (computed from the file, above the import code), for the fund test below. */
const FILE_GROWTH = new Map<string, { first: string; last: string; growth: number }>();

async function storedGrowth(name: string): Promise<{ first: string; last: string; growth: number }> {
  const { dates, factors } = await venueGrowthFactors(db, name);
  return { first: dates[0], last: dates[dates.length - 1], growth: factors.reduce((g, f) => g * f, 1) };
}

const LLAMA_FILES = [
  'aave-v3_USDC_Ethereum', 'aave-v3_USDT_Ethereum', 'fluid-lending_USDC_Ethereum', 'fluid-lending_USDT_Ethereum',
  'morpho-blue_STEAKUSDC_Ethereum', 'morpho-blue_GTUSDC_Ethereum', 'morpho-blue_GTUSDCCORE_Ethereum', 'morpho-blue_STEAKUSDT_Ethereum', 'morpho-blue_GTUSDT_Ethereum',
];

describe('DefiLlama daily yields (apy_base: APR in percent; tvl: available liquidity for Aave)', () => {
  it.each(LLAMA_FILES)('%s: compounding the stored returns equals the file', async (base) => {
    const file = `${LLAMA}/${base}.csv`;
    const isAave = base.startsWith('aave');
    const r = await importHistory(db, file, spec(base, { map: { date: 'date', apy: 'apy_base', ...(isAave ? { available: 'tvl' } : { tvl: 'tvl' }) }, apyUnit: 'percent', rate: 'apr', gaps: 'ffill' }));
    const cols = readPlainCsv(file);
    const byDate = new Map(cols.date.map((d, i) => [d, Number(cols.apy_base[i]) / 100]));
    const expected = compoundDailyApr(byDate);
    FILE_GROWTH.set(base, expected);
    expect(r.days).toBe(365);
    expect(r.stats.gapsFilled).toBe(base.startsWith('morpho') ? 3 : 0);
    const got = await storedGrowth(base);
    expect(got.first).toBe('2024-06-06');
    expect(got.last).toBe('2025-06-05');
    expect(got.growth).toBeGreaterThan(1.02);
    expect(Math.abs(got.growth / expected.growth - 1)).toBeLessThan(1e-13);
  });

  it('stores TVL or available liquidity as mapped, and the APR as a daily-compounded APY', async () => {
    const days = await withHistoryStore(db, (s) => s.venueDays('aave-v3_USDC_Ethereum', '2024-06-06', '2024-06-07'));
    expect(days.availableLiquidityUsd[0]).toBe(102232913);
    expect(Number.isNaN(days.tvlUsd[0])).toBe(true);
    expect(days.apy[0]).toBeCloseTo(Math.pow(1 + 0.1191186 / 365, 365) - 1, 12);
    expect(days.dailyReturn[1]).toBe(11.91186 / 100 / 365);
  });
});

describe('stale and anomalous days on real data', () => {
  it('Morpho STEAKUSDT: the 0 % day (a missing value, PROVENANCE) is anomalous; the second carried-forward day is stale past 1 day', async () => {
    const { venues } = await loadHistoryMarket({ db, venues: ['morpho-blue_STEAKUSDT_Ethereum'] });
    const h = venues[0];
    const flags = venueDataFlags(h, { ...DEFAULT_QUALITY, maxStaleDays: 1 });
    const at = (d: string): string | null => flags[h.dates.indexOf(d)];
    expect(at('2024-07-09')).toBe('anomalous');
    expect([at('2024-09-08'), at('2024-09-09'), at('2025-05-18')]).toEqual([null, 'stale', null]);
    expect(Array.from(h.ageDays.subarray(h.dates.indexOf('2024-09-08'), h.dates.indexOf('2024-09-10') + 1))).toEqual([1, 2, 0]);
    expect(flags.filter((f) => f === 'anomalous').length).toBeLessThan(0.06 * h.dates.length);
  });
});

describe('Aave v3 hourly Parquet (lender_variable_apr: APR in percent; hourly rows resampled to the day\'s last)', () => {
  it.each(['usdc', 'usdt', 'dai'])('aave_v3_%s_eth: compounding the stored returns equals the file', async (asset) => {
    const file = `${AAVE_V3}/aave_v3_${asset}_eth.parquet`;
    const name = `aave-v3-${asset}-hourly`;
    const r = await importHistory(db, file, spec(name, {
      map: { date: '__index_level_0__', apy: 'lender_variable_apr', tvl: 'TVL_USD', borrowed: 'borrowed_USD' },
      apyUnit: 'percent', rate: 'apr', resample: 'last', nulls: 'skip',
    }));
    expect(r.stats.rowsSkippedEmpty).toBe(1); // row 0's APR is null (PROVENANCE)
    const rows = await queryDuckDb(':memory:', `SELECT epoch_ms(__index_level_0__::TIMESTAMP), lender_variable_apr FROM read_parquet('${file}')`);
    const byDate = new Map<string, number>();
    const lastMs = new Map<string, number>();
    for (const [ms, apr] of rows) {
      if (apr === null) continue;
      const date = new Date(Number(ms)).toISOString().slice(0, 10);
      if ((lastMs.get(date) ?? -Infinity) <= Number(ms)) {
        lastMs.set(date, Number(ms));
        byDate.set(date, Number(apr) / 100);
      }
    }
    const expected = compoundDailyApr(byDate);
    FILE_GROWTH.set(name, expected);
    const got = await storedGrowth(name);
    expect([got.first, got.last]).toEqual([expected.first, expected.last]);
    expect(Math.abs(got.growth / expected.growth - 1)).toBeLessThan(1e-13);
    // utilisation and available liquidity derived from TVL and borrowed
    const days = await withHistoryStore(db, (s) => s.venueDays(name, '2024-01-01', '2024-01-01'));
    expect(days.utilisation[0]).toBeGreaterThan(0.3);
    expect(days.availableLiquidityUsd[0]).toBeCloseTo(days.tvlUsd[0] * (1 - days.utilisation[0]), 0);
  });
});

describe('USDC on Compound v2, Aave v1 and Aave v2, ~hourly CSV (rates: APR fractions)', () => {
  const venues = [
    { name: 'compound-v2-usdc', column: 'supply_rate_comp', gaps: 'error' as const },
    { name: 'aave-v2-usdc', column: 'supply_rate_aave_v2', gaps: 'error' as const },
    { name: 'aave-v1-usdc', column: 'supply_rate_aave_v1', gaps: 'ffill' as const },
  ];
  it.each(venues)('$name: compounding the stored returns equals the file', async ({ name, column, gaps }) => {
    await importHistory(db, USDC_HOURLY, spec(name, { map: { date: 'timestamp', apy: column }, apyUnit: 'fraction', rate: 'apr', resample: 'last', nulls: 'skip', gaps }));
    const cols = readPlainCsv(USDC_HOURLY);
    const byDate = new Map<string, number>();
    cols.timestamp.forEach((ts, i) => {
      const cell = cols[column][i];
      if (cell !== '') byDate.set(ts.slice(0, 10), Number(cell)); // rows are in time order: the last one wins
    });
    const expected = compoundDailyApr(byDate);
    FILE_GROWTH.set(name, expected);
    const got = await storedGrowth(name);
    expect([got.first, got.last]).toEqual([expected.first, expected.last]);
    expect(Math.abs(got.growth / expected.growth - 1)).toBeLessThan(1e-13);
  });
});

describe('a fund backtested on each real venue history', () => {
  /** A single-venue fund with no flows, no fees, no costs and no cash buffer, following `series` for its whole range. */
  async function finalNav(series: string, kind: 'credit_supply' | 'vault', range: { first: string; last: string }): Promise<{ navUsd: number; days: number }> {
    const days = Math.round((Date.parse(range.last) - Date.parse(range.first)) / DAY_MS);
    const doc = {
      model: 'fund',
      timesteps: days,
      params: {
        initialDepositUsd: 5_000_000,
        flows: { depositsPerDay: 0, redemptionsPerDay: 0 },
        market: { source: 'history', db, from: range.first, to: range.last },
        rules: { cashBufferPct: 0, weights: [{ venue: 'v', maxConcentration: 1 }] },
        venues: { v: { kind, series } },
      },
    };
    const scenario = await loadScenario(doc, 'backtest.yaml');
    const setup = compileFund(scenario.subsets[0] as FundParams, scenario.timesteps, scenario.inputs[0] as FundInputs);
    const run = simulateFundRun(setup, 1, 0, { detail: false });
    expect(run.series.dates[0]).toBe(range.first);
    expect(run.series.dates[days]).toBe(range.last);
    expect(run.series.navUsd[0]).toBe(5_000_000);
    expect(run.series.venues[0].valueUsd[0]).toBe(5_000_000); // all of it placed on day 0
    return { navUsd: run.series.navUsd[days], days };
  }

  it('ends at exactly the NAV that compounding the venue\'s file gives, as a lending reserve and as a vault', async () => {
    expect(FILE_GROWTH.size).toBe(15);
    for (const [series, range] of FILE_GROWTH) {
      for (const kind of ['credit_supply', 'vault'] as const) {
        const { navUsd } = await finalNav(series, kind, range);
        // base-unit rounding of the position (1e-6 USD per day at most) is all that separates them
        expect(Math.abs(navUsd / (5_000_000 * range.growth) - 1), `${series} as ${kind}`).toBeLessThan(1e-9);
      }
    }
  });
});

describe('Binance daily prices (delta-neutral folder)', () => {
  it.each(['BTC', 'AVAX'])('%sUSDT_1d: the stored prices are the file\'s closes', async (asset) => {
    const file = `${DATA}/delta-neutral/${asset}USDT_1d.csv`;
    await importHistory(db, file, { ...spec(asset, { map: { date: 'timestamp', price: 'close' } }), kind: 'prices' });
    const cols = readPlainCsv(file);
    const stored = await withHistoryStore(db, (s) => s.priceDays(asset));
    expect(stored.dates).toEqual(cols.timestamp);
    expect(Array.from(stored.price)).toEqual(cols.close.map(Number));
  });
});

describe('the venue modules on history paths (what a single-venue backtest holds)', () => {
  it('a credit-supply position and a vault position on each imported venue grow by its compounded history', async () => {
    const names = (await withHistoryStore(db, (s) => s.list())).filter((s) => s.kind === 'venue').map((s) => s.name);
    expect(names.length).toBe(15);
    const terms = { name: 'x', entryCostUsd: 0, exitCostPct: 0, withdrawDelayDays: 0 };
    const units = 10n ** 15n; // 1e9 USDC at 6 decimals
    for (const name of names) {
      const { venues } = await loadHistoryMarket({ db, venues: [name] });
      const h = venues[0];
      const growth = compoundedGrowth(h);
      const reserve = reservePathFromHistory(h);
      let s = creditSupply.deposit(terms, reserve, creditSupply.empty(terms), 0, units).state;
      for (let day = 1; day < h.dates.length; day++) s = creditSupply.accrue(terms, reserve, s, day).state;
      const last = h.dates.length - 1;
      expect(Math.abs(Number(creditSupply.value(terms, reserve, s, last)) / Number(units) / growth - 1), name).toBeLessThan(1e-12);
      const path = vaultPathFromHistory(h, 1.05);
      const v = vault.deposit(terms, path, vault.empty(terms), 0, units).state;
      expect(Math.abs(Number(vault.value(terms, path, v, last)) / Number(units) / growth - 1), name).toBeLessThan(1e-12);
    }
  });
});
