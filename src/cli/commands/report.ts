/**
 * `capflow report <results.duckdb> --report <dir>`: rebuilds a fund report from stored results.
 */
import type { Command } from 'commander';
import { UserError } from '../../core/errors.ts';
import { loadFundResult } from '../../scenarios/fund/store.ts';
import { fundReportFiles, fundSummaryRows } from '../../report/fundReport.ts';
import { renderTable } from '../../report/table.ts';
import { withOutput, type CommonOptions } from '../io.ts';
import { reportLines, writeReportDir } from '../reportDir.ts';

interface ReportOptions extends CommonOptions {
  /** Set by commander: `--report` is a required option. */
  report: string;
}

/** Registers `capflow report`. */
export function registerReport(program: Command): void {
  withOutput<ReportOptions>(
    program
      .command('report')
      .description('rebuild report.html, summary.json and nav.png from a fund results file (capflow run … --out results.duckdb)')
      .argument('<results.duckdb>', 'fund results written by capflow run --out')
      .requiredOption('--report <dir>', 'directory to write the report into (created when missing)'),
    async (opts, args) => {
      const path = args[0];
      if (path === undefined) throw new UserError({ field: '<results.duckdb>', message: 'is required' });
      const result = await loadFundResult(path);
      const files = fundReportFiles(result);
      const paths = writeReportDir(opts.report, files);
      return {
        json: { results: path, report: paths, summary: files.summary },
        human: () => [renderTable(['metric', 'value', 'unit'], fundSummaryRows(files.summary)), ...reportLines(paths)].join('\n'),
      };
    },
  );
}
