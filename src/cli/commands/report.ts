/**
 * `capflow report <results.duckdb> --report <dir> [--benchmark <venue|rate>] [--risk-free-rate <rate>]`:
 * rebuilds a fund report from stored results (benchmark and risk-free rate as the scenario
 * set them, unless the flags say otherwise).
 */
import type { Command } from 'commander';
import { UserError } from '../../core/errors.ts';
import type { FundReportSettings, FundResult } from '../../scenarios/fund/result.ts';
import { loadFundResult } from '../../scenarios/fund/store.ts';
import { fundReportFiles, fundSummaryRows } from '../../report/fundReport.ts';
import { renderTable } from '../../report/table.ts';
import { withOutput, type CommonOptions } from '../io.ts';
import { checkReportDir, reportLines, writeReportDir } from '../reportDir.ts';

interface ReportOptions extends CommonOptions {
  /** Set by commander: `--report` is a required option. */
  report: string;
  benchmark?: string;
  riskFreeRate?: string;
}

const RATE = /^-?\d+(\.\d+)?(e-?\d+)?$/i;

function yearlyRate(flag: string, text: string): number {
  const x = Number(text);
  if (!RATE.test(text) || !(x > -1 && x < 10)) throw new UserError({ field: flag, value: text, message: 'must be a yearly rate as a fraction in (-1, 10)', hint: 'e.g. 0.04 for 4% a year' });
  return x;
}

/**
 * The report settings of the stored result with the flags applied: `--benchmark` a venue of
 * the fund or a yearly rate, `--risk-free-rate` a yearly rate.
 *
 * @example reportSettings(result, { benchmark: '0.05' }) // { ...result.report, benchmark: 0.05 }
 */
export function reportSettings(result: FundResult, opts: { benchmark?: string; riskFreeRate?: string }): FundReportSettings | undefined {
  let settings = result.report;
  if (opts.benchmark !== undefined) {
    const venues = result.detail.venues.map((v) => v.name);
    const b = /^[-\d.]/.test(opts.benchmark) ? yearlyRate('--benchmark', opts.benchmark) : opts.benchmark;
    if (typeof b === 'string' && !venues.includes(b)) throw new UserError({ field: '--benchmark', value: b, message: `is not a venue of this fund (${venues.join(', ')})`, hint: 'name a venue or give a yearly rate such as 0.05' });
    settings = { ...settings, benchmark: b };
  }
  if (opts.riskFreeRate !== undefined) settings = { ...settings, riskFreeRate: yearlyRate('--risk-free-rate', opts.riskFreeRate) };
  return settings;
}

/** Registers `capflow report`. */
export function registerReport(program: Command): void {
  withOutput<ReportOptions>(
    program
      .command('report')
      .description('rebuild report.html, summary.json and nav.png from a fund results file (capflow run … --out results.duckdb)')
      .argument('<results.duckdb>', 'fund results written by capflow run --out')
      .requiredOption('--report <dir>', 'directory to write the report into (created when missing)')
      .option('--benchmark <venue|rate>', 'compare with this venue of the fund (its APY compounded daily) or a yearly rate such as 0.05 (default: the scenario\'s report.benchmark)')
      .option('--risk-free-rate <rate>', 'yearly risk-free rate of Sharpe and Sortino (default: the scenario\'s report.riskFreeRate, else the benchmark\'s return)'),
    async (opts, args) => {
      const path = args[0];
      if (path === undefined) throw new UserError({ field: '<results.duckdb>', message: 'is required' });
      checkReportDir(opts.report);
      const stored = await loadFundResult(path);
      const settings = reportSettings(stored, opts);
      const result: FundResult = { ...stored, ...(settings === undefined ? {} : { report: settings }) };
      const files = fundReportFiles(result);
      const paths = writeReportDir(opts.report, files);
      return {
        json: { results: path, report: paths, summary: files.summary },
        human: () => [renderTable(['metric', 'value', 'unit'], fundSummaryRows(files.summary)), ...reportLines(paths)].join('\n'),
      };
    },
  );
}
