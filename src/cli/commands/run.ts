/**
 * `capflow run <scenario.yaml>`: runs any scenario file (see src/scenarios/index.ts) — a
 * registry model or the user's own model module — on the study runner (in this thread for
 * `--workers 1`, worker threads otherwise) and writes the result table to DuckDB, Parquet or
 * CSV. The only place (with the sinks) where a study touches files.
 */
import type { Command } from 'commander';
import { loadConfigFile } from '../../core/config.ts';
import { UserError } from '../../core/errors.ts';
import { checkOutputPath } from '../../core/outputFile.ts';
import { defaultWorkers } from '../../sim/parallel.ts';
import { withProgress } from '../progress.ts';
import { sinkTargetForPath, type SinkTarget } from '../../sim/sinks.ts';
import { loadScenario, runScenario, STUDY_LIMITS } from '../../scenarios/index.ts';
import { MAX_WORKERS, parseNumberFlag } from '../flags.ts';
import { runFundFromCli } from './fundRun.ts';
import { queueBackend, resumedRun, usesQueue, withResumableStudy } from '../queueRun.ts';
import { withOutput, type CommonOptions } from '../io.ts';
import { renderKeyValues, renderTable } from '../../report/table.ts';
import * as z from '../../core/zod.ts';

interface RunOptions extends CommonOptions {
  runs?: string;
  seed?: string;
  workers?: string;
  out?: string;
  report?: string;
  snapshotDay?: string;
  snapshotOut?: string;
  backend?: string;
  redis?: string;
  queue?: string;
  resume?: string;
}

/** The checked `--snapshot-day`/`--snapshot-out` pair (both or neither), for a fund of `days` days (null: not a fund). */
function snapshotRequest(opts: RunOptions, days: number | null): { day: number; path: string } | undefined {
  if (opts.snapshotDay === undefined && opts.snapshotOut === undefined) return undefined;
  if (days === null) throw new UserError({ field: '--snapshot-out', message: 'only a fund scenario (model: fund, without a sweep) has a plan snapshot', hint: 'drop --snapshot-day and --snapshot-out' });
  if (opts.snapshotOut === undefined) throw new UserError({ field: '--snapshot-out', message: 'is required with --snapshot-day', hint: 'pass --snapshot-out snap.yaml' });
  if (opts.snapshotDay === undefined) throw new UserError({ field: '--snapshot-day', message: 'is required with --snapshot-out', hint: `pass a day from 0 to ${days}` });
  const day = parseNumberFlag('--snapshot-day', opts.snapshotDay, { integer: true, min: 0, max: days });
  checkOutputPath(opts.snapshotOut, '--snapshot-out');
  return { day, path: opts.snapshotOut };
}

/** Registers `capflow run`. */
export function registerRun(program: Command): void {
  withOutput<RunOptions>(
    program
      .command('run')
      .description('run a scenario file (Monte Carlo runs, sweeps) and write its result table')
      .argument('[scenario]', 'scenario file (.yaml, .yml or .json; - reads stdin)')
      .option('--runs <n>', 'Monte Carlo runs per parameter subset (overrides the file)')
      .option('--seed <s>', 'master seed (overrides the file)')
      .option('--workers <n>', 'worker threads (default: the cores)')
      .option('--out <file>', 'result table: .duckdb (table "results"), .parquet or .csv')
      .option('--report <dir>', 'fund scenarios: write report.html, summary.json and nav.png into <dir>')
      .option('--snapshot-day <n>', "fund scenarios: the day whose state (before its plan) --snapshot-out writes")
      .option('--snapshot-out <file>', "fund scenarios: write run 0's state on --snapshot-day as a `capflow plan` input (.yaml or .json)")
      .option('--backend <kind>', 'local (default: this machine, --workers threads) or bullmq (chunks on a Redis queue, run by `capflow worker`)')
      .option('--redis <url>', 'bullmq: Redis URL, e.g. redis://host:6379 (default: CAPFLOW_REDIS_URL)')
      .option('--queue <name>', 'bullmq: queue name (default capflow)')
      .option('--resume <id>', 'bullmq: resume an interrupted study by the id it printed (the scenario and --out come from the study)'),
    async (opts, args) => {
      const queued = usesQueue(opts);
      const resumed = opts.resume === undefined ? undefined : await resumedRun(opts);
      if (resumed !== undefined) {
        if (args[0] !== undefined) throw new UserError({ field: '<scenario>', value: args[0], message: 'comes from the study with --resume', hint: 'drop the scenario file' });
        opts.out ??= resumed.out;
        opts.report ??= resumed.report;
      }
      const path = resumed?.path ?? args[0];
      if (path === undefined) throw new UserError({ field: '<scenario>', message: 'is required', hint: 'pass a scenario file (or --resume <id> with --backend bullmq)' });
      const doc = (resumed?.doc ?? loadConfigFile(path, z.unknown())) as Record<string, unknown>;
      if (opts.runs !== undefined && doc !== null && typeof doc === 'object') doc.runs = parseNumberFlag('--runs', opts.runs, { integer: true, min: 1, max: STUDY_LIMITS.maxRuns });
      if (opts.seed !== undefined && doc !== null && typeof doc === 'object') doc.seed = parseNumberFlag('--seed', opts.seed, { integer: true, min: 0, max: Number.MAX_SAFE_INTEGER });
      const workers = parseNumberFlag('--workers', opts.workers, { integer: true, min: 1, max: MAX_WORKERS }, defaultWorkers());
      const out: SinkTarget = opts.out === undefined ? { kind: 'discard' } : sinkTargetForPath(opts.out);
      const scenario = await loadScenario(doc, path);
      let studyId: string | null = null;
      const backendFor = (onProgress?: (done: number, total: number) => void) =>
        queued ? queueBackend(opts, { doc, path, out: opts.out, report: opts.report }, opts.workers === undefined ? 8 : workers, (id) => {
          studyId = id;
          if (!opts.json) process.stderr.write(`study ${id} on the queue (resume: capflow run --resume ${id})\n`);
        }, onProgress) : undefined;
      const snapshot = snapshotRequest(opts, scenario.model === 'fund' && scenario.subsets.length === 1 ? scenario.timesteps : null);
      if (scenario.model === 'fund' && scenario.subsets.length === 1) {
        const fund = await withResumableStudy(opts, () => runFundFromCli(scenario, { workers, backend: backendFor(), out: opts.out, report: opts.report, snapshot }));
        return queued ? { ...fund, json: { ...fund.json, studyId } } : fund;
      }
      if (opts.report !== undefined) {
        throw new UserError({ field: '--report', value: opts.report, message: `model "${scenario.model}" has no report (fund scenarios without a sweep do)`, hint: 'drop --report and keep the result table with --out' });
      }
      const result = await withResumableStudy(opts, () =>
        withProgress(`${scenario.model} runs`, (onProgress) => {
          const backend = backendFor(onProgress); // the queue's events move the bar
          return runScenario(scenario, { workers, backend, out, onProgress: backend === undefined ? onProgress : undefined });
        }),
      );
      const { output, final, details: _details, ...meta } = result;
      const json = { ...meta, ...(queued ? { studyId } : {}), output: { kind: output.kind, path: output.path ?? null, table: output.table ?? null, rows: output.rows, columns: output.columns }, final };
      return {
        json,
        human: () =>
          [
            renderKeyValues([
              ['model', meta.model],
              ['timesteps', meta.timesteps],
              ['runs per subset', meta.runs],
              ['subsets', meta.subsets],
              ['seed', meta.seed],
              ['workers', meta.workers],
              ['rows', output.rows],
              ['output', output.path ?? '(not kept; pass --out to keep the table)'],
            ]),
            '',
            ...final.map((f) =>
              [
                `final state, subset ${f.subset}${Object.keys(f.overrides).length ? ` ${JSON.stringify(f.overrides)}` : ''} (${f.runs} runs)`,
                renderTable(['column', 'mean', 'min', 'max'], Object.keys(f.mean).map((k) => [k, f.mean[k], f.min[k], f.max[k]])),
              ].join('\n'),
            ),
          ].join('\n'),
      };
    },
  );
}
