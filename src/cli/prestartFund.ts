/**
 * The CLI's warm pool for a fund study (see ./prestart.ts): `capflow run <fund scenario>` with
 * two runs or more on two threads or more starts its worker threads first thing, so they boot
 * and load the fund's share module (`FUND_SHARE`) while this thread loads the CLI and the
 * scenario, and claim runs as soon as the study starts. The scenario file is only peeked at
 * here (its top-level `model`, `runs` and `sweep` keys, YAML or JSON); the command reads and
 * checks it properly. A wrong guess costs an idle thread that does not delay the exit, or a
 * thread started later by the study itself.
 */
import { flagValue, MAX_PRESTARTED, positiveInteger } from './prestart.ts';

/**
 * What a scenario file's text says at its top level, read leniently: whether its model is the
 * fund, its runs, and whether it sweeps parameters (a swept fund runs on the study runner).
 *
 * @example scenarioHints('model: fund\nruns: 1000\n') // { fund: true, runs: 1000, sweep: false }
 */
export function scenarioHints(text: string): { fund: boolean; runs: number | undefined; sweep: boolean } {
  const fund = /^model:[ \t]*(['"]?)fund\1[ \t]*(#.*)?$/m.test(text) || /"model"\s*:\s*"fund"/.test(text);
  const runs = /^runs:[ \t]*(\d+)[ \t]*(#.*)?$/m.exec(text)?.[1] ?? /"runs"\s*:\s*(\d+)/.exec(text)?.[1];
  const sweep = /^sweep:/m.test(text) || /"sweep"\s*:/.test(text);
  return { fund, runs: positiveInteger(runs), sweep };
}

/**
 * The scenario path of a `capflow run` command line (its first argument when it is not a
 * flag; `-` is stdin, not peeked at), or undefined.
 *
 * @example scenarioPathOf(['run', 'examples/fund.yaml', '--runs', '1000']) // 'examples/fund.yaml'
 */
export function scenarioPathOf(argv: readonly string[]): string | undefined {
  const path = argv[0] === 'run' ? argv[1] : undefined;
  return path === undefined || path.startsWith('-') ? undefined : path;
}

/**
 * Worker threads a `capflow run` of a fund study will use besides this thread: min(--workers
 * (default: the cores), runs) − 1, runs from `--runs` or the file; 0 for anything else (help,
 * another model, a sweep, a job-queue backend, a resumed study, a flag the command refuses).
 *
 * @example fundPrestartCount(['run', 'fund.yaml', '--runs', '1000', '--workers', '2'], 'model: fund\n', 8, 256) // 1
 */
export function fundPrestartCount(argv: readonly string[], scenarioText: string, cores: number, maxWorkers: number): number {
  if (argv[0] !== 'run' || argv.includes('--help') || argv.includes('-h') || flagValue(argv, '--resume') !== undefined) return 0;
  const backend = flagValue(argv, '--backend');
  if (backend !== undefined && backend !== 'local') return 0;
  const hints = scenarioHints(scenarioText);
  if (!hints.fund || hints.sweep) return 0;
  const runsFlag = flagValue(argv, '--runs');
  const runs = runsFlag === undefined ? hints.runs : positiveInteger(runsFlag);
  const workersFlag = flagValue(argv, '--workers');
  const workers = workersFlag === undefined ? cores : positiveInteger(workersFlag);
  if (runs === undefined || runs < 2 || workers === undefined || workers > maxWorkers) return 0;
  return Math.min(workers, runs, MAX_PRESTARTED + 1) - 1;
}

/**
 * Starts the worker threads a fund study's command line will use (see {@link fundPrestartCount});
 * returns how many.
 *
 * @example await prestartFundWorkers(['run', 'examples/fund.yaml', '--runs', '1000', '--workers', '2']) // 1
 */
export async function prestartFundWorkers(argv: readonly string[]): Promise<number> {
  const path = scenarioPathOf(argv);
  if (path === undefined) return 0;
  const [{ readFileSync }, { availableParallelism }, { MAX_WORKERS }] = await Promise.all([import('node:fs'), import('node:os'), import('./flags.ts')]);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return 0; // the command reports it
  }
  const count = fundPrestartCount(argv, text, availableParallelism(), MAX_WORKERS);
  if (count === 0) return 0;
  const [{ prestartShareWorkers }, { FUND_SHARE }] = await Promise.all([import('../sim/parallel.ts'), import('../scenarios/fund/shareModule.ts')]);
  prestartShareWorkers(FUND_SHARE.module, FUND_SHARE.exportName, count);
  return count;
}
