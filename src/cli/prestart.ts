/**
 * The CLI's warm pool: `bin/capflow` calls {@link prestartWorkers} first thing, so that the worker
 * threads of a `capflow delta-neutral … --runs N` Monte Carlo boot and load their kernel while
 * this thread loads the CLI, and take their share of the paths as soon as it starts on them
 * (see `prestartShareWorkers`, sim/parallel.ts). This module imports nothing for other commands,
 * so they pay nothing for it (for `delta-neutral` it loads, in one round, only modules the command
 * loads anyway). The flags are read leniently here:
 * the command checks them properly (a bad value starts no thread here, and the command reports
 * it); threads started for a command that then fails are never used and do not delay the exit.
 */

/** The value of `--name v` or `--name=v` in argv (the last one given), or undefined. @example flagValue(['--runs', '5'], '--runs') // '5' */
export function flagValue(argv: readonly string[], name: string): string | undefined {
  let value: string | undefined;
  argv.forEach((arg, i) => {
    if (arg === name) value = argv[i + 1];
    else if (arg.startsWith(`${name}=`)) value = arg.slice(name.length + 1);
  });
  return value;
}

/** A positive integer flag value as the command would accept it, or undefined. @example positiveInteger('12') // 12 */
export function positiveInteger(raw: string | undefined): number | undefined {
  if (raw === undefined || !/^\d+$/.test(raw.trim())) return undefined;
  const n = Number(raw);
  return Number.isSafeInteger(n) && n >= 1 ? n : undefined;
}

/** Most threads started ahead (the command allows more; beyond this it starts the rest itself). @example Math.min(workers, MAX_PRESTARTED + 1) - 1 */
export const MAX_PRESTARTED = 64;

/**
 * Worker threads a command line will use for its Monte Carlo, besides this thread: for
 * `delta-neutral` with `--runs` ≥ 2, min(--workers (default: the cores), runs) − 1; 0 otherwise
 * (and for a --workers the command refuses: above `maxWorkers`).
 *
 * @example prestartCount(['delta-neutral', '--runs', '40000', '--workers', '2'], 8, 256) // 1
 */
export function prestartCount(argv: readonly string[], cores: number, maxWorkers: number): number {
  if (argv[0] !== 'delta-neutral' || argv.includes('--help') || argv.includes('-h')) return 0;
  const runs = positiveInteger(flagValue(argv, '--runs'));
  const workersFlag = flagValue(argv, '--workers');
  const workers = workersFlag === undefined ? cores : positiveInteger(workersFlag);
  if (runs === undefined || runs < 2 || workers === undefined || workers > maxWorkers) return 0; // the command refuses > maxWorkers
  return Math.min(workers, runs, MAX_PRESTARTED + 1) - 1;
}

/**
 * Starts the worker threads `argv` will use (see {@link prestartCount}); returns how many.
 *
 * @example await prestartWorkers(process.argv.slice(2))
 */
export async function prestartWorkers(argv: readonly string[]): Promise<number> {
  if (argv[0] === 'run') return (await import('./prestartFund.ts')).prestartFundWorkers(argv); // a fund study's threads (./prestartFund.ts)
  if (argv[0] !== 'delta-neutral') return 0;
  // one round of imports (the command loads them all anyway), so the threads start a little sooner
  const [{ availableParallelism }, { MAX_WORKERS }, { prestartShareWorkers }, { DELTA_NEUTRAL_KERNEL }] = await Promise.all([
    import('node:os'),
    import('./flags.ts'),
    import('../sim/parallel.ts'),
    import('../scenarios/deltaNeutral/kernelModule.ts'),
  ]);
  const count = prestartCount(argv, availableParallelism(), MAX_WORKERS);
  if (count === 0) return 0;
  prestartShareWorkers(DELTA_NEUTRAL_KERNEL.module, DELTA_NEUTRAL_KERNEL.exportName, count);
  return count;
}
