/**
 * `capflow delta-neutral`: the delta-neutral LP farming simulator on one price path (a CSV
 * column, a JSON list, one synthetic path) or as a Monte Carlo study over synthetic paths.
 */
import type { Command } from 'commander';
import { UserError } from '../../core/errors.ts';
import { DEFAULT_JUMP_PER_DAY, type SyntheticKind } from '../../market/prices.ts';
import { defaultWorkers } from '../../sim/parallel.ts';
import type { Accounting } from '../../strategies/deltaNeutral.ts';
import type { PriceSource } from '../../scenarios/deltaNeutral/kernel.ts';
import { buildDeltaNeutralJob, DELTA_NEUTRAL_DEFAULTS, listSource, loadPriceCsvFile, monteCarloDeltaNeutral, runDeltaNeutralOnce, syntheticSource, type DeltaNeutralSettings } from '../../scenarios/deltaNeutral/study.ts';
import { renderKeyValues, renderTable } from '../../report/table.ts';
import { MAX_WORKERS, parseChoiceFlag, parseNumberFlag } from '../flags.ts';

/** Steps of one price path at most (80 MB of float64 per path). */
const MAX_PATH_STEPS = 10_000_000;
/** Monte Carlo paths at most. */
const MAX_PATH_RUNS = 10_000_000;
/** Steps per year at most: one a second. */
const MAX_STEPS_PER_YEAR = 31_536_000;
import { withOutput, type CommonOptions } from '../io.ts';
import { withProgress } from '../progress.ts';
import { DAYS_PER_YEAR } from '../../core/time.ts';

interface DeltaNeutralOptions extends CommonOptions {
  prices?: string;
  column?: string;
  from?: string;
  to?: string;
  pricesJson?: string;
  synthetic?: string;
  dailyVol?: string;
  steps?: string;
  initialPrice?: string;
  jumpIntensity?: string;
  jumpMean?: string;
  jumpVol?: string;
  runs?: string;
  seed?: string;
  poolApr?: string;
  fundingApr?: string;
  makerFee?: string;
  takerFee?: string;
  fixedCost?: string;
  rebalanceEvery?: string;
  band?: string;
  stepsPerYear?: string;
  accounting?: string;
  capital?: string;
  shortLeverage?: string;
  liquidationThreshold?: string;
  liquidationPenalty?: string;
  marginBand?: string;
  reinvestFees?: boolean;
  workers?: string;
}

/** Units of the outputs in the human table. */
const UNITS: Record<string, string> = { liquidations: 'count', rebalances: 'count', priceRatioFinal: 'P_n / P_0', ilFinal: 'LP vs HODL', ilWorst: 'LP vs HODL', maxDrawdown: 'of peak equity', wipedOut: 'flag (1 = equity reached 0)' };

/** Path-steps below which a study runs in this thread alone (a worker would start too late to help). */
const SINGLE_THREAD_PATH_STEPS = 2_000_000;

function priceSource(opts: DeltaNeutralOptions): PriceSource {
  const given = [opts.prices !== undefined && '--prices', opts.pricesJson !== undefined && '--prices-json', opts.synthetic !== undefined && '--synthetic'].filter(Boolean);
  if (given.length !== 1) {
    throw new UserError({ field: given.length === 0 ? '--prices' : String(given[1]), message: given.length === 0 ? 'a price source is required' : `give one price source, got ${given.join(' and ')}`, hint: 'use --prices <file.csv>, --prices-json <[p0,p1,...]> or --synthetic normal|gbm|jump' });
  }
  if (opts.synthetic === undefined) {
    for (const [flag, value] of [['--daily-vol', opts.dailyVol], ['--steps', opts.steps], ['--initial-price', opts.initialPrice], ['--runs', opts.runs], ['--seed', opts.seed]] as const) {
      if (value !== undefined) throw new UserError({ field: flag, value, message: 'applies to --synthetic paths only' });
    }
  }
  if (opts.prices === undefined) {
    for (const [flag, value] of [['--column', opts.column], ['--from', opts.from], ['--to', opts.to]] as const) {
      if (value !== undefined) throw new UserError({ field: flag, value, message: 'applies to --prices <file.csv> only' });
    }
  }
  if (opts.prices !== undefined) return loadPriceCsvFile(opts.prices, { column: opts.column, from: opts.from, to: opts.to });
  if (opts.pricesJson !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(opts.pricesJson);
    } catch {
      throw new UserError({ field: '--prices-json', value: opts.pricesJson, message: 'is not valid JSON', hint: "e.g. '[35000, 36000, 34500]'" });
    }
    return listSource('--prices-json', parsed);
  }
  const kind = parseChoiceFlag<SyntheticKind>('--synthetic', opts.synthetic, ['normal', 'gbm', 'jump']);
  const stepsPerYear = parseNumberFlag('--steps-per-year', opts.stepsPerYear, { integer: true, min: 1, max: MAX_STEPS_PER_YEAR }, DAYS_PER_YEAR);
  return syntheticSource({
    kind,
    volPerStep: parseNumberFlag('--daily-vol', opts.dailyVol, { min: 0 }),
    steps: parseNumberFlag('--steps', opts.steps, { integer: true, min: 1, max: MAX_PATH_STEPS }),
    initialPrice: parseNumberFlag('--initial-price', opts.initialPrice, { gt: 0 }),
    jump:
      kind === 'jump'
        ? {
            intensityPerStep: parseNumberFlag('--jump-intensity', opts.jumpIntensity, { min: 0 }, DEFAULT_JUMP_PER_DAY.intensityPerStep * DAYS_PER_YEAR) / stepsPerYear,
            meanLog: parseNumberFlag('--jump-mean', opts.jumpMean, {}, DEFAULT_JUMP_PER_DAY.meanLog),
            volLog: parseNumberFlag('--jump-vol', opts.jumpVol, { min: 0 }, DEFAULT_JUMP_PER_DAY.volLog),
          }
        : undefined,
  });
}

function settingsFrom(opts: DeltaNeutralOptions): DeltaNeutralSettings {
  const accounting = parseChoiceFlag<Accounting>('--accounting', opts.accounting, ['exact', 'reference'], 'exact');
  return {
    ...DELTA_NEUTRAL_DEFAULTS,
    accounting,
    stepsPerYear: parseNumberFlag('--steps-per-year', opts.stepsPerYear, { integer: true, min: 1, max: MAX_STEPS_PER_YEAR }, DAYS_PER_YEAR),
    poolApr: parseNumberFlag('--pool-apr', opts.poolApr, { min: 0 }),
    funding: { kind: 'constant', value: parseNumberFlag('--funding-apr', opts.fundingApr) },
    makerFeePct: parseNumberFlag('--maker-fee', opts.makerFee, { min: 0, lt: 1 }),
    takerFeePct: opts.takerFee === undefined ? undefined : parseNumberFlag('--taker-fee', opts.takerFee, { min: 0, lt: 1 }),
    fixedCostUsd: parseNumberFlag('--fixed-cost', opts.fixedCost, { min: 0 }, DELTA_NEUTRAL_DEFAULTS.fixedCostUsd),
    rebalanceEvery: parseNumberFlag('--rebalance-every', opts.rebalanceEvery, { integer: true, min: 0, max: MAX_PATH_STEPS }),
    band: opts.band === undefined ? undefined : parseNumberFlag('--band', opts.band, { gt: 0 }),
    capitalUsd: parseNumberFlag('--capital', opts.capital, { gt: 0 }, DELTA_NEUTRAL_DEFAULTS.capitalUsd),
    shortLeverage: parseNumberFlag('--short-leverage', opts.shortLeverage, { gt: 0 }, DELTA_NEUTRAL_DEFAULTS.shortLeverage),
    liquidationThreshold: parseNumberFlag('--liquidation-threshold', opts.liquidationThreshold, { gt: 0, lt: 1 }, DELTA_NEUTRAL_DEFAULTS.liquidationThreshold),
    liquidationPenaltyPct: parseNumberFlag('--liquidation-penalty', opts.liquidationPenalty, { min: 0, lt: 1 }, DELTA_NEUTRAL_DEFAULTS.liquidationPenaltyPct),
    marginBand: opts.marginBand === 'off' ? Infinity : parseNumberFlag('--margin-band', opts.marginBand, { min: 0 }, DELTA_NEUTRAL_DEFAULTS.marginBand),
    reinvestFees: opts.reinvestFees === true,
  };
}

function exactOnlyFlags(opts: DeltaNeutralOptions): void {
  const flags: Array<[string, unknown]> = [
    ['--taker-fee', opts.takerFee],
    ['--fixed-cost', opts.fixedCost],
    ['--capital', opts.capital],
    ['--short-leverage', opts.shortLeverage],
    ['--liquidation-threshold', opts.liquidationThreshold],
    ['--liquidation-penalty', opts.liquidationPenalty],
    ['--margin-band', opts.marginBand],
    ['--reinvest-fees', opts.reinvestFees],
  ];
  for (const [flag, value] of flags) {
    if (value !== undefined) throw new UserError({ field: flag, value, message: 'applies to --accounting exact only' });
  }
}

/** Registers `capflow delta-neutral`. */
export function registerDeltaNeutral(program: Command): void {
  withOutput<DeltaNeutralOptions>(
    program
      .command('delta-neutral')
      .description('delta-neutral LP farming: constant-product LP plus a short of its token amount, on one price path or a Monte Carlo study')
      .option('--prices <file.csv>', 'historical prices: a CSV with a date column first (YYYY-MM-DD) and a header row')
      .option('--column <name>', 'price column of the CSV (default open)')
      .option('--from <YYYY-MM-DD>', 'first date kept, inclusive')
      .option('--to <YYYY-MM-DD>', 'last date kept, inclusive')
      .option('--prices-json <json>', "an explicit price path, e.g. '[35000,36000,34500]'")
      .option('--synthetic <process>', 'seeded synthetic paths: normal (arithmetic returns, as the original), gbm, jump (Merton)')
      .option('--daily-vol <sigma>', 'standard deviation of the per-step return (synthetic)')
      .option('--steps <n>', 'steps per synthetic path')
      .option('--initial-price <usd>', 'P0 of synthetic paths, USD')
      .option('--jump-intensity <perYear>', 'jump: expected jumps per year (default 10)')
      .option('--jump-mean <log>', 'jump: mean log jump size (default -0.02)')
      .option('--jump-vol <log>', 'jump: standard deviation of the log jump size (default 0.05)')
      .option('--runs <N>', 'Monte Carlo paths (synthetic; default 1)')
      .option('--seed <S>', 'master seed (synthetic; default 0); path i draws from stream i')
      .option('--pool-apr <frac>', 'pool fee APR as a fraction of pool value (0.2 = 20%)')
      .option('--funding-apr <frac>', 'funding APR on the short (> 0: shorts receive)')
      .option('--maker-fee <frac>', 'fee on scheduled short trades, fraction of notional')
      .option('--taker-fee <frac>', 'exact: fee on band-triggered trades and the final close (default: the maker fee)')
      .option('--fixed-cost <usd>', 'exact: fixed cost per rebalance, USD (default 0)')
      .option('--rebalance-every <k>', 'rebalance the short every k steps (0 = band only, exact)')
      .option('--band <frac>', 'exact: also rebalance when |hedge ratio - 1| > band')
      .option('--steps-per-year <n>', `steps per year (default ${DAYS_PER_YEAR})`)
      .option('--accounting <mode>', 'exact (default) or reference (the original, step for step)')
      .option('--capital <usd>', 'exact: capital committed, pool value + short margin (default 100000)')
      .option('--short-leverage <x>', 'exact: short notional / margin (default 2)')
      .option('--liquidation-threshold <frac>', 'exact: liquidation threshold of the short collateral (default 0.85)')
      .option('--liquidation-penalty <frac>', 'exact: penalty on the notional at liquidation (default 0.05)')
      .option('--margin-band <frac|off>', 'exact: restore the short leverage in kind at a rebalance when |leverage/target - 1| > band (default 0.2; 0 = always, off = never)')
      .option('--reinvest-fees', 'exact: reinvest pool fees as liquidity')
      .option('--workers <N>', 'threads running the paths of --runs, this one included (default: the cores; results do not depend on it)')
      .addHelpText(
        'after',
        [
          '',
          'Outputs are fractions of the capital committed (exact) or of 2k (reference): roi = costOfNeutrality',
          '(poolMoney + shortPnl) + feesSum (poolFees + fundingFees + shortingFees) [+ fixedCosts + liquidationLosses].',
          'lvr is the loss-versus-rebalancing estimate -sum V*u^2/8 (about sigma^2/8 of pool value per unit time):',
          'the pool is short convexity, so rebalancing more often narrows the spread but does not remove the cost.',
          '',
          'Examples:',
          '  capflow delta-neutral --prices BTCUSDT_1d.csv --from 2022-01-02 --to 2022-08-01 --pool-apr 0.2 --funding-apr 0.08 --maker-fee 0.0002 --rebalance-every 1',
          '  capflow delta-neutral --synthetic gbm --daily-vol 0.04 --steps 365 --initial-price 35000 --runs 10000 --seed 42 \\',
          '    --pool-apr 0.2 --funding-apr 0.08 --maker-fee 0.0002 --rebalance-every 1 --json',
        ].join('\n'),
      ),
    async (opts) => {
      const source = priceSource(opts);
      const settings = settingsFrom(opts);
      if (settings.accounting === 'reference') exactOnlyFlags(opts);
      const runs = parseNumberFlag('--runs', opts.runs, { integer: true, min: 1, max: MAX_PATH_RUNS }, 1);
      const seed = parseNumberFlag('--seed', opts.seed, { integer: true, min: 0, max: Number.MAX_SAFE_INTEGER }, 0);
      const job = buildDeltaNeutralJob(settings, source, seed);
      if (runs === 1) {
        const outputs = runDeltaNeutralOnce(job);
        return {
          json: outputs,
          human: () => renderKeyValues(Object.entries(outputs).map(([k, v]) => [k, v, UNITS[k] ?? (settings.accounting === 'exact' ? 'of capital' : 'of 2k')])),
        };
      }
      const steps = source.kind === 'synthetic' ? source.spec.steps : source.prices.length - 1;
      const workers = parseNumberFlag('--workers', opts.workers, { integer: true, min: 1, max: MAX_WORKERS }, runs * steps < SINGLE_THREAD_PATH_STEPS ? 1 : defaultWorkers());
      const study = await withProgress('delta-neutral paths', (onProgress) => monteCarloDeltaNeutral(job, { runs, workers, onProgress }));
      return {
        json: study,
        human: () =>
          [
            `${study.runs} paths, seed ${study.seed}, ${settings.accounting} accounting`,
            renderTable(
              ['output', 'mean', 'std', 'sem', 'min', 'p5', 'p25', 'p50', 'p75', 'p95', 'max'],
              Object.entries(study.stats).map(([k, s]) => [k, s.mean, s.std, s.sem, s.min, s.p5, s.p25, s.p50, s.p75, s.p95, s.max]),
            ),
          ].join('\n'),
      };
    },
  );
}
