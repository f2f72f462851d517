/**
 * `capflow cam rebalance` and `capflow cam targets`: one step of the capital allocation model.
 */
import type { Command } from 'commander';
import { UserError } from '../../core/errors.ts';
import { rebalancePlan, rebalanceRate, targetWeightsFromHistory, TRANSFER_METHODS, type TargetCompat } from '../../strategies/capitalAllocation.ts';
import { parseChoiceFlag, parseNumberFlag, parseNumberListFlag } from '../flags.ts';
import { withOutput, type CommonOptions } from '../io.ts';
import { renderKeyValues, renderTable } from '../../report/table.ts';

interface RebalanceOptions extends CommonOptions {
  current?: string;
  target?: string;
  rate?: string;
  dtDays?: string;
  rebalanceDurationDays?: string;
  method?: string;
}

/**
 * The fraction of the gap one rebalance closes: `--rate`, or √(dt / rebalanceDuration) capped at
 * 1 from `--rebalance-duration-days` (and `--dt-days`, default 1) as the CAM model steps; 1 when
 * neither is given.
 */
function rateOf(opts: RebalanceOptions): number {
  if (opts.rebalanceDurationDays === undefined) {
    if (opts.dtDays !== undefined) throw new UserError({ field: '--dt-days', value: opts.dtDays, message: 'needs --rebalance-duration-days', hint: 'pass --rebalance-duration-days <T> (the rate is √(dt/T))' });
    return parseNumberFlag('--rate', opts.rate, { min: 0, max: 1 }, 1);
  }
  if (opts.rate !== undefined) throw new UserError({ field: '--rate', value: opts.rate, message: 'conflicts with --rebalance-duration-days', hint: 'give either --rate or --rebalance-duration-days [--dt-days]' });
  const durationDays = parseNumberFlag('--rebalance-duration-days', opts.rebalanceDurationDays, { gt: 0 }, 30);
  const dtDays = parseNumberFlag('--dt-days', opts.dtDays, { gt: 0 }, 1);
  return Math.min(1, rebalanceRate(dtDays, durationDays));
}

interface TargetsOptions extends CommonOptions {
  history?: string;
  window?: string;
  volatileRisk?: string;
  volatile?: string;
  compat?: string;
}

function parseHistory(raw: string | undefined): number[][] {
  if (raw === undefined) throw new UserError({ field: '--history', message: 'is required', hint: `pass --history '[[0.01,0.02],[0.012,0.02]]' (one yield vector per timestep, oldest first)` });
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (e) {
    throw new UserError({ field: '--history', value: raw, message: `is not JSON: ${e instanceof Error ? e.message : String(e)}`, hint: 'pass a JSON array of yield vectors' });
  }
  if (!Array.isArray(value) || !value.every((row) => Array.isArray(row))) {
    throw new UserError({ field: '--history', value: raw, message: 'must be a JSON array of arrays of yields', hint: `e.g. '[[0.01,0.02],[0.012,0.02]]'` });
  }
  return value as number[][];
}

interface TimeOptions extends CommonOptions {
  runs?: string;
}

/** Registers `capflow cam …`. */
export function registerCam(program: Command): void {
  const cam = program.command('cam').description('capital allocation model: rebalance toward yield- and risk-weighted targets');

  withOutput<RebalanceOptions>(
    cam
      .command('rebalance')
      .description('split the move toward target weights into transfers between deposits')
      .option('--current <b1,b2,...>', 'current balances (USD); the total is their sum')
      .option('--target <w1,w2,...>', 'target weights (0..1, summing to 1)')
      .option('--rate <r>', 'fraction of the gap closed (default 1; or give --rebalance-duration-days)')
      .option('--rebalance-duration-days <T>', "the CAM model's rebalance duration: the rate is min(1, √(dt/T))")
      .option('--dt-days <dt>', 'days between two rebalances, with --rebalance-duration-days (default 1)')
      .option('--method <m>', `transfer method: ${TRANSFER_METHODS.join('|')} (default direct)`),
    (opts) => {
      const current = parseNumberListFlag('--current', opts.current, { min: 0 });
      const target = parseNumberListFlag('--target', opts.target, { min: 0, max: 1 });
      const rate = rateOf(opts);
      const method = parseChoiceFlag('--method', opts.method, TRANSFER_METHODS, 'direct');
      const plan = rebalancePlan(current, target, rate, method);
      return {
        json: plan,
        human: () =>
          [
            renderTable(
              ['deposit', 'current (USD)', 'target weight', 'change (USD)', 'after (USD)'],
              current.map((b, i) => [i, b, target[i], plan.balanceChange[i], plan.balancesAfter[i]]),
            ),
            '',
            plan.transfers.length === 0
              ? 'no transfers'
              : renderTable(['step', 'from', 'to', 'amount (USD)', 'requested (USD)'], plan.transfers.map((t, k) => [k + 1, t.from, t.to, t.amount, t.requested])),
            '',
            renderKeyValues([
              ['method', method],
              ['rate', rate],
              ['volume', plan.volume, 'USD'],
              ...(plan.shortfall > 0 ? ([['capped', plan.shortfall, 'USD requested from deposits that no longer held it']] as [string, number, string][]) : []),
            ]),
          ].join('\n'),
      };
    },
  );

  withOutput<TimeOptions>(
    cam
      .command('time')
      .description('time one step of the capital allocation model (engine and policies) on a scenario file, in this thread')
      .argument('<scenario>', 'scenario file with model: cam (.yaml, .yml or .json; - reads stdin)')
      .option('--runs <n>', "runs per pass (default: the file's runs, or more to make 100,000 timesteps a pass)"),
    async (opts, args) => {
      const [{ loadConfigFile }, { parseScenario, STUDY_LIMITS }, { timeCamSteps }, z] = await Promise.all([
        import('../../core/config.ts'),
        import('../../scenarios/index.ts'),
        import('../camTime.ts'),
        import('../../core/zod.ts'),
      ]);
      const path = args[0];
      const runs = opts.runs === undefined ? undefined : parseNumberFlag('--runs', opts.runs, { integer: true, min: 1, max: STUDY_LIMITS.maxRuns });
      const timing = timeCamSteps(parseScenario(loadConfigFile(path, z.unknown()), path), { runs });
      return {
        json: timing,
        human: () =>
          renderKeyValues([
            ['deposits', timing.deposits],
            ['timesteps × runs', `${timing.timesteps} × ${timing.runs} (substeps: ${timing.substeps})`],
            ['step (CPU)', timing.stepCpuMicros, `µs per timestep, engine and policies (median of ${timing.passes} passes)`],
            ['step (wall clock)', timing.stepWallMicros, 'µs per timestep (includes time the machine gave to other processes)'],
            ['first pass (CPU)', timing.firstPassCpuMicros, 'µs per timestep, while the JIT compiles the step'],
          ]),
      };
    },
  );

  withOutput<TargetsOptions>(
    cam
      .command('targets')
      .description('endogenous target weights from a history of deposit yields')
      .option('--history <json>', 'JSON array of per-timestep yield vectors, oldest first')
      .option('--window <n>', 'moving-average window in timesteps (default 3)')
      .option('--volatile-risk <x>', 'volatile-asset risk metric added to volatile deposits (default 0)')
      .option('--volatile <i,j,...>', '0-based indexes of volatile-asset deposits')
      .option('--compat <mode>', 'fei-reference: reproduce the original model exactly (default: fixed edge cases)'),
    (opts) => {
      const history = parseHistory(opts.history);
      const window = parseNumberFlag('--window', opts.window, { integer: true, min: 1, max: 100_000 }, 3);
      const volatileRisk = parseNumberFlag('--volatile-risk', opts.volatileRisk, { min: 0 }, 0);
      const volatile = opts.volatile === undefined ? [] : parseNumberListFlag('--volatile', opts.volatile, { integer: true, min: 0 });
      if (new Set(volatile).size !== volatile.length) throw new UserError({ field: '--volatile', value: opts.volatile, message: 'lists a deposit twice' });
      const compat: TargetCompat = parseChoiceFlag('--compat', opts.compat, ['default', 'fei-reference'] as const, 'default');
      const targetWeights = targetWeightsFromHistory(history, { window, volatileRisk, volatile, compat });
      return {
        json: { targetWeights },
        human: () => renderTable(['deposit', 'target weight'], targetWeights.map((w, i) => [i, w])),
      };
    },
  );
}
