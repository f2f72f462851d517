/**
 * `capflow data import|list|show`: real venue and price history in a DuckDB file, for
 * backtests and bootstrapped Monte Carlo.
 */
import type { Command } from 'commander';
import { UserError } from '../../core/errors.ts';
import { isCalendarTime } from '../../core/time.ts';
import { importHistory } from '../../data/import.ts';
import type { FileFormat } from '../../data/read.ts';
import { DATE_PATTERN, loadImportConfig, parseMapFlag, specFromConfig, type ImportConfig, type ImportSpec } from '../../data/spec.ts';
import { DEFAULT_DATA_DB, withHistoryStore, type SeriesSummary } from '../../data/store.ts';
import { formatNumber, renderKeyValues, renderTable } from '../../report/table.ts';
import { parseChoiceFlag } from '../flags.ts';
import { withOutput, type CommonOptions } from '../io.ts';

interface DbOptions extends CommonOptions {
  db?: string;
}

interface ImportOptions extends DbOptions {
  as?: string;
  venue?: string;
  asset?: string;
  map?: string;
  config?: string;
  apyUnit?: string;
  rate?: string;
  resample?: string;
  gaps?: string;
  nulls?: string;
  epoch?: string;
  from?: string;
  to?: string;
  format?: string;
  replace?: boolean;
}

interface ShowOptions extends DbOptions {
  as?: string;
}

const DB_HELP = `history file (default ${DEFAULT_DATA_DB})`;

function dateFlag(flag: string, raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  if (!DATE_PATTERN.test(raw) || !isCalendarTime(raw)) throw new UserError({ field: flag, value: raw, message: `must be a YYYY-MM-DD date, got ${JSON.stringify(raw)}` });
  return raw;
}

/** A flag's choice, or the config's value when the flag is absent. */
function choice<T extends string>(flag: string, raw: string | undefined, choices: readonly T[], fallback: T | undefined): T | undefined {
  return raw === undefined ? fallback : parseChoiceFlag(flag, raw, choices);
}

/**
 * The import spec from flags over the YAML config (flags win; `--map` entries override the
 * config's map field by field).
 */
function importSpecFrom(opts: ImportOptions): ImportSpec {
  const kind = parseChoiceFlag('--as', opts.as, ['venue', 'prices'] as const);
  const config: ImportConfig = opts.config === undefined ? {} : loadImportConfig(opts.config);
  const name = kind === 'venue' ? opts.venue : opts.asset;
  if (name === undefined) {
    const flag = kind === 'venue' ? '--venue' : '--asset';
    throw new UserError({ field: flag, message: `is required with --as ${kind}`, hint: `pass ${flag} <name>` });
  }
  return specFromConfig(kind, name, {
    map: { ...config.map, ...(opts.map === undefined ? {} : parseMapFlag(opts.map)) },
    apyUnit: choice('--apy-unit', opts.apyUnit, ['fraction', 'percent', 'ray'] as const, config.apyUnit),
    rate: choice('--rate', opts.rate, ['apr', 'apy'] as const, config.rate),
    resample: choice('--resample', opts.resample, ['last', 'mean'] as const, config.resample),
    gaps: choice('--gaps', opts.gaps, ['error', 'ffill', 'drop'] as const, config.gaps),
    nulls: choice('--nulls', opts.nulls, ['error', 'skip'] as const, config.nulls),
    epoch: choice('--epoch', opts.epoch, ['s', 'ms'] as const, config.epoch),
    from: dateFlag('--from', opts.from) ?? config.from,
    to: dateFlag('--to', opts.to) ?? config.to,
  });
}

function registerImport(data: Command): void {
  withOutput<ImportOptions>(
    data
      .command('import <file>')
      .description('import a venue or price history (CSV, JSON lines or Parquet) into the history file')
      .option('--as <kind>', 'venue | prices')
      .option('--venue <name>', 'the venue name to store the series under (with --as venue)')
      .option('--asset <symbol>', 'the asset symbol (with --as prices)')
      .option('--map <field=column,…>', 'file columns for date, apy | index | share_price, tvl, available, borrowed, utilisation (venues) or price (prices); default: columns named like the fields')
      .option('--config <file.yaml>', 'the same options as YAML (map, apyUnit, rate, resample, gaps, nulls, epoch, from, to); flags win')
      .option('--apy-unit <unit>', 'unit of the apy column: fraction | percent | ray (required with apy)')
      .option('--rate <kind>', 'the apy column is an apr (accrues r/365 a day) or an apy (compounded) (required with apy)')
      .option('--resample <how>', 'several rows on one UTC day become its last value or their mean: last | mean (default: refuse duplicate dates)')
      .option('--gaps <policy>', 'missing days: error | ffill | drop (default error)')
      .option('--nulls <policy>', 'empty cells: error | skip (default error)')
      .option('--epoch <unit>', 'a numeric time column is Unix s | ms')
      .option('--from <date>', 'keep days on or after this UTC date')
      .option('--to <date>', 'keep days on or before this UTC date')
      .option('--format <format>', 'csv | jsonl | json | parquet (default: from the extension)')
      .option('--replace', 'replace a stored series of the same name')
      .option('--db <path>', DB_HELP)
      .addHelpText(
        'after',
        '\nEvery row is checked before anything is written; nothing is stored when anything is rejected.\n' +
          'An index or share price becomes daily returns as the ratio of consecutive days; a rate accrues its day.\n\nExamples:\n' +
          '  capflow data import aave.csv --as venue --venue aave-usdc --map date=date,apy=apy_base,available=tvl --apy-unit percent --rate apr --db data.duckdb\n' +
          '  capflow data import reserve.parquet --as venue --venue aave-v3-usdc --map date=__index_level_0__,apy=lender_variable_apr,tvl=TVL_USD,borrowed=borrowed_USD --apy-unit percent --rate apr --resample last --nulls skip\n' +
          '  capflow data import BTCUSDT_1d.csv --as prices --asset BTC --map date=timestamp,price=close\n',
      ),
    async (opts, args) => {
      const spec = importSpecFrom(opts);
      const format = opts.format === undefined ? undefined : parseChoiceFlag<FileFormat>('--format', opts.format, ['csv', 'jsonl', 'json', 'parquet']);
      const json = await importHistory(opts.db ?? DEFAULT_DATA_DB, args[0], spec, { replace: opts.replace === true, format });
      const human = (): string =>
        renderKeyValues([
          [json.kind === 'venue' ? 'venue' : 'asset', json.name],
          ['stored in', json.db],
          ['days', `${json.firstDate} .. ${json.lastDate}`, `${json.days} days`],
          ['source rows', json.stats.sourceRows],
          ['rows outside --from/--to', json.stats.rowsOutOfRange],
          ['rows with an empty value', json.stats.rowsSkippedEmpty],
          ['days resampled from several rows', json.stats.resampledDays],
          ['gaps filled', json.stats.gapsFilled, 'days'],
          ['gaps left out', json.stats.gapsDropped, 'days'],
        ]);
      return { json, human };
    },
  );
}

function registerList(data: Command): void {
  withOutput<DbOptions>(
    data
      .command('list')
      .description('the stored series: kind, name, range, days, gaps')
      .option('--db <path>', DB_HELP)
      .addHelpText('after', '\nExample:\n  capflow data list --db data.duckdb --json\n'),
    async (opts) => {
      const series = await withHistoryStore(opts.db ?? DEFAULT_DATA_DB, (s) => s.list());
      const json = { db: opts.db ?? DEFAULT_DATA_DB, series };
      const human = (): string =>
        series.length === 0
          ? 'no series stored'
          : renderTable(
              ['kind', 'name', 'from', 'to', 'days', 'gaps filled', 'gaps left out', 'yield column', 'source'],
              series.map((s) => [s.kind, s.name, s.firstDate, s.lastDate, s.days, s.gapsFilled, s.gapsDropped, s.valueKind, s.source]),
            );
      return { json, human };
    },
  );
}

function pct(x: number): string {
  return `${formatNumber(x * 100, 4)} %`;
}

function showHuman(s: SeriesSummary): string {
  const stats: [string, string][] =
    s.apy !== null
      ? [['APY min / median / max', `${pct(s.apy.min)} / ${pct(s.apy.median)} / ${pct(s.apy.max)}`]]
      : s.price !== null
        ? [['price min / median / max', `${formatNumber(s.price.min)} / ${formatNumber(s.price.median)} / ${formatNumber(s.price.max)} USD`]]
        : [];
  return renderKeyValues([
    [s.kind === 'venue' ? 'venue' : 'asset', s.name],
    ['range', `${s.firstDate} .. ${s.lastDate}`],
    ['days', s.days],
    ['gaps filled', s.gapsFilled, 'days'],
    ['gaps left out', s.gapsDropped, 'days'],
    ['yield column', s.valueKind + (s.apyUnit === null ? '' : ` (${s.apyUnit}, ${s.rate})`)],
    ['resampled', s.resample ?? 'no (one row a day)'],
    ['source', `${s.source} (${s.sourceRows} rows)`],
    ['imported at', s.importedAt],
    ...stats,
  ]);
}

function registerShow(data: Command): void {
  withOutput<ShowOptions>(
    data
      .command('show <name>')
      .description('one stored series: range, days, gaps filled, min/median/max APY (or price)')
      .option('--as <kind>', 'venue | prices (default: whichever is stored under the name, venue first)')
      .option('--db <path>', DB_HELP)
      .addHelpText('after', '\nAPYs are 0..1 fractions in --json.\n\nExample:\n  capflow data show aave-usdc --db data.duckdb\n'),
    async (opts, args) => {
      const json = await withHistoryStore(opts.db ?? DEFAULT_DATA_DB, async (store) => {
        if (opts.as !== undefined) return store.summary(parseChoiceFlag('--as', opts.as, ['venue', 'prices'] as const), args[0]);
        const all = await store.list();
        const kind = all.find((s) => s.name === args[0] && s.kind === 'venue')?.kind ?? all.find((s) => s.name === args[0])?.kind ?? 'venue';
        return store.summary(kind, args[0]);
      });
      return { json, human: () => showHuman(json) };
    },
  );
}

/**
 * Registers `capflow data` and its subcommands.
 *
 * @example registerData(program) // capflow data import|list|show
 */
export function registerData(program: Command): void {
  const data = program.command('data').description('import and inspect real venue and price history (a DuckDB history file)');
  registerImport(data);
  registerList(data);
  registerShow(data);
}
