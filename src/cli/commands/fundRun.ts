/**
 * The fund branch of `capflow run`: a `model: fund` scenario (without a sweep) runs as a fund
 * study — run 0 in full detail, every run's daily rows and summary, percentile bands — and
 * `--out <file>.duckdb` writes the fund tables (see src/scenarios/fund/store.ts).
 */
import { writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import { writeAtomically } from '../../core/outputFile.ts';
import { compileFund } from '../../scenarios/fund/setup.ts';
import { fundSnapshotOnDay } from '../../scenarios/fund/snapshot.ts';
import { UserError } from '../../core/errors.ts';
import { withProgress } from '../progress.ts';
import { FUND_DAILY_COLUMNS, runFundStudy } from '../../scenarios/fund/study.ts';
import { writeFundResults } from '../../scenarios/fund/store.ts';
import type { FundParams } from '../../scenarios/fund/schema.ts';
import type { FundInputs } from '../../scenarios/fund/setup.ts';
import type { Scenario } from '../../scenarios/index.ts';
import type { StudyBackend } from '../../sim/study.ts';
import { fundSummary } from '../../report/fundSummary.ts';
import { fundSummaryRows } from '../../report/fundRows.ts';
import { renderKeyValues, renderTable } from '../../report/table.ts';
import { checkReportDir, reportLines, writeReportDir } from '../reportDir.ts';

/** Daily figures (runs × days × columns) a fund study may hold in memory: 512 MiB. */
const MAX_FUND_DAILY_CELLS = 2 ** 26;

/** Writes run 0's state on `day` (before its plan) as a `capflow plan` input, atomically. */
async function writeFundSnapshot(params: FundParams, spec: { days: number; seed: number; inputs: FundInputs }, req: { day: number; path: string }): Promise<{ day: number; path: string }> {
  const doc = fundSnapshotOnDay(compileFund(params, spec.days, spec.inputs), spec.seed, 0, req.day);
  const text = extname(req.path).toLowerCase() === '.json' ? `${JSON.stringify(doc, null, 2)}\n` : (await import('yaml')).stringify(doc); // the YAML writer loads only here
  await writeAtomically(req.path, '--snapshot-out', async (tempPath) => writeFileSync(tempPath, text));
  return { day: req.day, path: req.path };
}

/** What the fund branch returns: the command's output, as `withOutput` takes it. */
export interface FundRunOutput {
  json: Record<string, unknown>;
  human: () => string;
}

/**
 * Runs a parsed fund scenario as `capflow run` does; `out` must be a `.duckdb` path.
 *
 * @example const { json } = await runFundFromCli(parseScenario(doc, 'fund.yaml'), { workers: 2, out: 'fund.duckdb' });
 */
export async function runFundFromCli(scenario: Scenario, opts: { workers: number; backend?: StudyBackend; out?: string; report?: string; snapshot?: { day: number; path: string } }): Promise<FundRunOutput> {
  if (opts.out !== undefined && !['.duckdb', '.db'].includes(extname(opts.out).toLowerCase())) {
    throw new UserError({ field: '--out', value: opts.out, message: 'fund results are written as DuckDB tables', hint: 'use a .duckdb file' });
  }
  const params = scenario.subsets[0] as FundParams;
  const spec = { params, days: scenario.timesteps, runs: scenario.runs, seed: scenario.seed, inputs: scenario.inputs[0] as FundInputs };
  const cells = spec.runs * (spec.days + 1) * FUND_DAILY_COLUMNS.length;
  if (cells > MAX_FUND_DAILY_CELLS) {
    throw new UserError({ field: 'runs', value: spec.runs, message: `${spec.runs} runs × ${spec.days + 1} days × ${FUND_DAILY_COLUMNS.length} daily figures = ${cells} values, above the limit ${MAX_FUND_DAILY_CELLS} (512 MiB)`, hint: 'lower runs or timesteps' });
  }
  if (opts.report !== undefined) checkReportDir(opts.report);
  const started = performance.now();
  const study = await withProgress('fund runs', (onProgress) => runFundStudy(spec, { workers: opts.workers, backend: opts.backend, onProgress }));
  if (opts.out !== undefined) await writeFundResults(opts.out, study, { model: 'fund', timesteps: spec.days, runs: spec.runs, seed: spec.seed, params });
  const { result } = study;
  const summary = fundSummary(result);
  // the report's charts, HTML and PNG renderer load only with --report
  const report = opts.report === undefined ? undefined : writeReportDir(opts.report, (await import('../../report/fundReport.ts')).fundReportFiles(result, summary));
  const snapshot = opts.snapshot === undefined ? null : await writeFundSnapshot(params, spec, opts.snapshot);
  const seconds = (performance.now() - started) / 1000;
  const json = {
    model: 'fund',
    name: result.name,
    days: result.days,
    runs: result.runs,
    seed: result.seed,
    workers: opts.workers,
    backend: opts.backend?.kind ?? (opts.workers === 1 ? 'in-process' : 'worker-threads'),
    seconds: Number(seconds.toFixed(3)),
    output: opts.out === undefined ? null : { kind: 'duckdb', path: opts.out, tables: ['fund_meta', 'fund_daily', 'fund_runs', 'fund_bands', 'fund_venues', 'fund_sleeve', 'fund_decisions', 'fund_trades', 'venue_days', 'fund_ledger'] },
    report: report ?? null,
    snapshot,
    summary,
  };
  const human = (): string =>
    [
      renderKeyValues([
        ['scenario', result.name],
        ['days', result.days],
        ['runs', result.runs],
        ['seed', result.seed],
        ['workers', opts.workers],
        ['output', opts.out ?? '(memory; pass --out <file>.duckdb to keep the tables)'],
        ['seconds', Number(seconds.toFixed(2))],
      ]),
      '',
      renderTable(['metric', 'value', 'unit'], fundSummaryRows(summary)),
      ...reportLines(report),
      ...(snapshot === null ? [] : [`plan snapshot of day ${snapshot.day}: ${snapshot.path} (capflow plan --input ${snapshot.path})`]),
    ].join('\n');
  return { json, human };
}
