/**
 * Fund study results as tables (plain data), written to and read from a DuckDB file by the
 * table sink (src/sim/tables.ts): this module opens no file itself.
 *
 * Tables (snake_case columns; USD as DOUBLE; `run` 0-based; `day` 0…N):
 * - `fund_meta` — one row: name, seed, runs, days, start_date, scenario_json (the validated
 *   scenario), venues_json (name, kind and withdrawal delay per venue, rule order), format_version.
 * - `fund_daily` — every run, every day: nav_usd, share_price, total_shares, cash_usd,
 *   buffer_usd, pending_redemptions_usd, deposits_usd, redemptions_paid_usd, shortfall_usd.
 * - `fund_runs` — per run: final_nav_usd, total_return, max_drawdown, shortfall_days.
 * - `fund_bands` — per series (`navUsd`, `sharePrice`) and day: p5, p25, p50, p75, p95.
 * - `fund_venues`, `fund_sleeve`, `fund_decisions`, `fund_trades` (the yield trades executed) — run 0 in detail.
 * - `venue_days` — per detail run (run 0), day and venue: run, day, date, venue, kind, apy,
 *   tvl_usd, value_usd, flow_usd (net money moved in that day, + in / − out), cost_usd (costs
 *   paid that day in that venue).
 * - `fund_ledger` — run 0's ledger events in the ledger's JSON-lines feed format (seq, day,
 *   kind, line): `capflow treasury sync` can replay them.
 */
import type { DuckDBValue } from '@duckdb/node-api';
import { UserError } from '../../core/errors.ts';
import { readTablesFile, writeTablesFile, type TableColumn, type TableSpec } from '../../sim/tables.ts';
import { createFundBands, createFundRunSeries, type FundBands, type FundDecisionRow, type FundReportSettings, type FundResult, type FundRunSeries, type FundSleeveSeries, type FundVenueSeries } from './result.ts';
import { FUND_DAILY_COLUMNS, FUND_SUMMARY_COLUMNS, type FundStudy } from './study.ts';

/** Version of the table layout written here. */
export const FUND_RESULT_FORMAT_VERSION = 1;

type Column = TableColumn;

function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

const SLEEVE_KEYS = ['valueUsd', 'poolPnlUsd', 'shortPnlUsd', 'feesUsd', 'fundingUsd', 'costsUsd', 'lvrUsd'] as const satisfies readonly (keyof FundSleeveSeries)[];
const VENUE_KEYS = ['valueUsd', 'yieldEarnedUsd', 'apy', 'capUsd', 'lockedUsd', 'tvlUsd', 'flowUsd', 'costUsd'] as const;
const DECISION_NUMBERS = ['askedUsd', 'capUsd', 'acceptedUsd', 'existingUsd', 'deltaUsd', 'lockedUsd', 'redeemRequestUsd'] as const;
const BAND_KEYS = ['p5', 'p25', 'p50', 'p75', 'p95'] as const satisfies readonly (keyof FundBands)[];

/**
 * Writes a study to a DuckDB file, atomically: the tables go to a temporary file beside `path`
 * that replaces `path` only when complete; on failure an existing file is left as it was.
 * `scenario` is stored as JSON in `fund_meta`. Errors are {@link UserError}s naming `field`.
 *
 * @example await writeFundResults('fund.duckdb', study, scenarioDoc);
 */
export async function writeFundResults(path: string, study: FundStudy, scenario: unknown, field = '--out'): Promise<void> {
  await writeTablesFile(path, () => fundTables(study, scenario), field);
}

/**
 * The fund tables of a study, as data for the table sink (see the module comment).
 *
 * @example for (const t of fundTables(study, scenarioDoc)) console.log(t.name, t.rows);
 */
export function* fundTables(study: FundStudy, scenario: unknown): Generator<TableSpec> {
  const { result, daily } = study;
  const detail = result.detail;
  const n = result.days + 1;
  const venuesJson = JSON.stringify(detail.venues.map((v) => ({ name: v.name, kind: v.kind, withdrawDelayDays: v.withdrawDelayDays })));
  yield table('fund_meta', 1, [
    { name: 'name', type: 'VARCHAR', value: () => result.name },
    { name: 'seed', type: 'UBIGINT', value: () => BigInt(result.seed) },
    { name: 'runs', type: 'INTEGER', value: () => result.runs },
    { name: 'days', type: 'INTEGER', value: () => result.days },
    { name: 'start_date', type: 'VARCHAR', value: () => result.startDate },
    { name: 'scenario_json', type: 'VARCHAR', value: () => JSON.stringify(scenario) },
    { name: 'venues_json', type: 'VARCHAR', value: () => venuesJson },
    { name: 'format_version', type: 'INTEGER', value: () => FUND_RESULT_FORMAT_VERSION },
  ]);
  const width = FUND_DAILY_COLUMNS.length;
  yield table('fund_daily', result.runs * n, [
    { name: 'run', type: 'INTEGER', value: (r) => Math.floor(r / n) },
    { name: 'day', type: 'INTEGER', value: (r) => r % n },
    { name: 'date', type: 'VARCHAR', value: (r) => detail.dates[r % n] },
    ...FUND_DAILY_COLUMNS.map((c, j): Column => ({ name: snake(c), type: 'DOUBLE', value: (r) => daily[r * width + j] })),
  ]);
  yield table('fund_runs', result.runs, [
    { name: 'run', type: 'INTEGER', value: (r) => r },
    ...FUND_SUMMARY_COLUMNS.map((c): Column => ({ name: snake(c), type: 'DOUBLE', value: (r) => result.summaries[c][r] })),
  ]);
  const bandSeries: [string, FundBands][] = [['navUsd', result.navBands], ['sharePrice', result.sharePriceBands]];
  yield table('fund_bands', 2 * n, [
    { name: 'series', type: 'VARCHAR', value: (r) => bandSeries[Math.floor(r / n)][0] },
    { name: 'day', type: 'INTEGER', value: (r) => r % n },
    ...BAND_KEYS.map((k): Column => ({ name: k, type: 'DOUBLE', value: (r) => bandSeries[Math.floor(r / n)][1][k][r % n] })),
  ]);
  const venues = detail.venues;
  yield table('fund_venues', venues.length * n, [
    { name: 'run', type: 'INTEGER', value: () => detail.run },
    { name: 'day', type: 'INTEGER', value: (r) => r % n },
    { name: 'venue', type: 'VARCHAR', value: (r) => venues[Math.floor(r / n)].name },
    { name: 'kind', type: 'VARCHAR', value: (r) => venues[Math.floor(r / n)].kind },
    ...VENUE_KEYS.map((k): Column => ({ name: snake(k), type: 'DOUBLE', value: (r) => venues[Math.floor(r / n)][k][r % n] })),
  ]);
  yield venueDaysTable([detail]);
  yield table('fund_sleeve', n, [
    { name: 'run', type: 'INTEGER', value: () => detail.run },
    { name: 'day', type: 'INTEGER', value: (r) => r },
    ...SLEEVE_KEYS.map((k): Column => ({ name: snake(k), type: 'DOUBLE', value: (r) => detail.sleeve[k][r] })),
  ]);
  const decisions = detail.decisions;
  yield table('fund_decisions', decisions.length, [
    { name: 'run', type: 'INTEGER', value: () => detail.run },
    { name: 'day', type: 'INTEGER', value: (r) => decisions[r].day },
    { name: 'venue', type: 'VARCHAR', value: (r) => decisions[r].venue },
    { name: 'action', type: 'VARCHAR', value: (r) => decisions[r].action },
    { name: 'bound_by', type: 'VARCHAR', value: (r) => decisions[r].boundBy },
    { name: 'no_trade_reason', type: 'VARCHAR', value: (r) => decisions[r].noTradeReason },
    ...DECISION_NUMBERS.map((k): Column => ({ name: snake(k), type: 'DOUBLE', value: (r) => decisions[r][k] })),
  ]);
  const trades = detail.trades;
  yield table('fund_trades', trades.length, [
    { name: 'run', type: 'INTEGER', value: () => detail.run },
    { name: 'day', type: 'INTEGER', value: (r) => trades[r].day },
    { name: 'venue', type: 'VARCHAR', value: (r) => trades[r].venue },
    { name: 'action', type: 'VARCHAR', value: (r) => trades[r].action },
    { name: 'amount_usd', type: 'DOUBLE', value: (r) => trades[r].amountUsd },
  ]);
  const lines = study.ledgerLines;
  const parsed = lines.map((line) => JSON.parse(line) as { kind: string; blockNumber: number });
  yield table('fund_ledger', lines.length, [
    { name: 'seq', type: 'INTEGER', value: (r) => r + 1 },
    { name: 'day', type: 'INTEGER', value: (r) => parsed[r].blockNumber - 1 },
    { name: 'kind', type: 'VARCHAR', value: (r) => parsed[r].kind },
    { name: 'line', type: 'VARCHAR', value: (r) => lines[r] },
  ]);
}

function table(name: string, rows: number, columns: Column[]): TableSpec {
  return { name, rows, columns };
}

/** Columns of `venue_days` after its keys, with the per-venue series they come from. */
const VENUE_DAY_VALUES = [
  ['apy', 'apy'],
  ['tvl_usd', 'tvlUsd'],
  ['value_usd', 'valueUsd'],
  ['flow_usd', 'flowUsd'],
  ['cost_usd', 'costUsd'],
] as const satisfies readonly (readonly [string, keyof FundVenueSeries])[];

/**
 * The `venue_days` table: one row per (run, day, venue) of the given detail runs, in run, day
 * and rule order of the venues.
 */
function venueDaysTable(runs: readonly FundRunSeries[]): TableSpec {
  const keys: { series: FundRunSeries; day: number; venue: FundVenueSeries }[] = [];
  for (const series of runs) for (let day = 0; day < series.navUsd.length; day++) for (const venue of series.venues) keys.push({ series, day, venue });
  return table('venue_days', keys.length, [
    { name: 'run', type: 'INTEGER', value: (r) => keys[r].series.run },
    { name: 'day', type: 'INTEGER', value: (r) => keys[r].day },
    { name: 'date', type: 'VARCHAR', value: (r) => keys[r].series.dates[keys[r].day] },
    { name: 'venue', type: 'VARCHAR', value: (r) => keys[r].venue.name },
    { name: 'kind', type: 'VARCHAR', value: (r) => keys[r].venue.kind },
    ...VENUE_DAY_VALUES.map(([name, key]): Column => ({ name, type: 'DOUBLE', value: (r) => keys[r].venue[key][keys[r].day] })),
  ]);
}

function num(v: DuckDBValue): number {
  return v === null ? NaN : Number(v);
}

function fill(target: Float64Array, day: DuckDBValue, value: DuckDBValue): void {
  target[Number(day)] = num(value);
}

/**
 * Reads a fund result written by {@link writeFundResults} back into a {@link FundResult}.
 * A missing file, or a file without fund tables, is a {@link UserError} naming `field`.
 *
 * @example const result = await loadFundResult('fund.duckdb'); result.detail.navUsd
 */
export async function loadFundResult(path: string, field = '<results.duckdb>'): Promise<FundResult> {
  const missing = 'pass the .duckdb file written by `capflow run <fund scenario> --out <file>`';
  return readTablesFile(path, async (rows) => {
    const tables = new Set((await rows("SELECT table_name FROM information_schema.tables WHERE table_name LIKE 'fund_%'")).map((r) => String(r[0])));
    if (!tables.has('fund_meta')) throw new UserError({ field, value: path, message: 'has no fund results (table fund_meta is missing)', hint: 'run a `model: fund` scenario with --out <file>.duckdb' });
    const [meta] = await rows('SELECT name, seed, runs, days, start_date, venues_json, format_version, scenario_json FROM fund_meta');
    if (num(meta[6]) > FUND_RESULT_FORMAT_VERSION) throw new UserError({ field, value: path, message: `was written by a newer capflow (format ${String(meta[6])})`, hint: 'upgrade capflow' });
    const days = num(meta[3]);
    const runs = num(meta[2]);
    const n = days + 1;
    const venueList = JSON.parse(String(meta[5])) as Pick<FundVenueSeries, 'name' | 'kind' | 'withdrawDelayDays'>[];
    const detail = createFundRunSeries(days, venueList);
    const dailySql = `SELECT day, date, ${FUND_DAILY_COLUMNS.map(snake).join(', ')} FROM fund_daily WHERE run = 0 ORDER BY day`;
    for (const r of await rows(dailySql)) {
      detail.dates.push(String(r[1]));
      FUND_DAILY_COLUMNS.forEach((c, j) => fill(detail[c], r[0], r[j + 2]));
    }
    const byName = new Map(detail.venues.map((v) => [v.name, v]));
    for (const r of await rows(`SELECT venue, day, ${VENUE_KEYS.map(snake).join(', ')} FROM fund_venues ORDER BY venue, day`)) {
      const v = byName.get(String(r[0])) as FundVenueSeries;
      VENUE_KEYS.forEach((k, j) => fill(v[k], r[1], r[j + 2]));
    }
    for (const r of await rows(`SELECT day, ${SLEEVE_KEYS.map(snake).join(', ')} FROM fund_sleeve ORDER BY day`)) {
      SLEEVE_KEYS.forEach((k, j) => fill(detail.sleeve[k], r[0], r[j + 1]));
    }
    const decisionSql = `SELECT day, venue, action, bound_by, no_trade_reason, ${DECISION_NUMBERS.map(snake).join(', ')} FROM fund_decisions ORDER BY rowid`;
    for (const r of await rows(decisionSql)) {
      const row: FundDecisionRow = { day: num(r[0]), venue: String(r[1]), action: String(r[2]), boundBy: String(r[3]), noTradeReason: String(r[4]), askedUsd: 0, capUsd: 0, acceptedUsd: 0, existingUsd: 0, deltaUsd: 0, lockedUsd: 0, redeemRequestUsd: 0 };
      DECISION_NUMBERS.forEach((k, j) => (row[k] = num(r[j + 5])));
      detail.decisions.push(row);
    }
    for (const r of await rows('SELECT day, venue, action, amount_usd FROM fund_trades ORDER BY rowid')) {
      detail.trades.push({ day: num(r[0]), venue: String(r[1]), action: String(r[2]), amountUsd: num(r[3]) });
    }
    const summaries = Object.fromEntries(FUND_SUMMARY_COLUMNS.map((c) => [c, new Float64Array(runs)])) as unknown as FundResult['summaries'];
    for (const r of await rows(`SELECT run, ${FUND_SUMMARY_COLUMNS.map(snake).join(', ')} FROM fund_runs ORDER BY run`)) {
      FUND_SUMMARY_COLUMNS.forEach((c, j) => (summaries[c][num(r[0])] = num(r[j + 1])));
    }
    const navBands = createFundBands(n);
    const sharePriceBands = createFundBands(n);
    for (const r of await rows(`SELECT series, day, ${BAND_KEYS.join(', ')} FROM fund_bands ORDER BY series, day`)) {
      const target = String(r[0]) === 'navUsd' ? navBands : sharePriceBands;
      BAND_KEYS.forEach((k, j) => fill(target[k], r[1], r[j + 2]));
    }
    const report = (JSON.parse(String(meta[7])) as { params?: { report?: FundReportSettings } } | null)?.params?.report;
    return { name: String(meta[0]), seed: num(meta[1]), runs, days, startDate: String(meta[4]), detail, summaries, sharePriceBands, navBands, ...(report === undefined ? {} : { report }) };
  }, { field, hint: 'is it a DuckDB file?', missingHint: missing });
}
