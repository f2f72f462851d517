/**
 * `capflow lending rates`: borrow and supply APR/APY of an Aave v3 reserve at a utilization.
 */
import type { Command } from 'commander';
import { USDC_RATE_STRATEGY, lendingRatesAt } from '../../protocols/aave.ts';
import { formatNumber, renderTable } from '../../report/table.ts';
import { parseNumberFlag } from '../flags.ts';
import { withOutput, type CommonOptions } from '../io.ts';

interface RatesOptions extends CommonOptions {
  utilization?: string;
  base?: string;
  slope1?: string;
  slope2?: string;
  optimal?: string;
  reserveFactor?: string;
}

const D = USDC_RATE_STRATEGY;

/** Registers `capflow lending rates`. */
export function registerLending(program: Command): void {
  const lending = program.command('lending').description('lending-pool (Aave v3) interest rates');
  withOutput<RatesOptions>(
    lending
      .command('rates')
      .description('borrow and supply APR/APY at a utilization (Aave v3 default rate strategy)')
      .option('--utilization <frac>', 'borrowed / supplied, in [0, 1]')
      .option('--base <apr>', `base variable borrow APR, >= 0 (default ${D.baseVariableBorrowRate})`)
      .option('--slope1 <apr>', `APR added up to the optimal usage ratio, >= 0 (default ${D.variableRateSlope1})`)
      .option('--slope2 <apr>', `APR added from the optimal usage ratio to 100%, >= 0 (default ${D.variableRateSlope2})`)
      .option('--optimal <frac>', `optimal usage ratio (the kink), in (0, 1] (default ${D.optimalUsageRatio})`)
      .option('--reserve-factor <frac>', `share of interest kept by the protocol, in [0, 1] (default ${D.reserveFactor})`)
      .addHelpText(
        'after',
        [
          '',
          'The defaults describe a USDC-like reserve. borrowApr = base + slope1*U/optimal below the kink,',
          'base + slope1 + slope2*(U-optimal)/(1-optimal) above; supplyApr = borrowApr*U*(1-reserveFactor);',
          'APY = (1 + APR/31536000)^31536000 - 1 (per-second compounding). All values are 0..1 fractions.',
          '',
          'Example:',
          '  capflow lending rates --utilization 0.8 --json',
          '',
        ].join('\n'),
      ),
    (opts) => {
      const utilization = parseNumberFlag('--utilization', opts.utilization, { min: 0, max: 1 });
      const strategy = {
        baseVariableBorrowRate: parseNumberFlag('--base', opts.base, { min: 0 }, D.baseVariableBorrowRate),
        variableRateSlope1: parseNumberFlag('--slope1', opts.slope1, { min: 0 }, D.variableRateSlope1),
        variableRateSlope2: parseNumberFlag('--slope2', opts.slope2, { min: 0 }, D.variableRateSlope2),
        optimalUsageRatio: parseNumberFlag('--optimal', opts.optimal, { gt: 0, max: 1 }, D.optimalUsageRatio),
        reserveFactor: parseNumberFlag('--reserve-factor', opts.reserveFactor, { min: 0, max: 1 }, D.reserveFactor),
      };
      const json = lendingRatesAt(strategy, utilization);
      const pct = (x: number): number => Number((x * 100).toFixed(6));
      const human = (): string =>
        [
          `utilization ${formatNumber(utilization * 100)}% (optimal ${formatNumber(strategy.optimalUsageRatio * 100)}%, reserve factor ${formatNumber(strategy.reserveFactor * 100)}%)`,
          renderTable(
            ['side', 'APR (%)', 'APY (%)'],
            [
              ['borrow', pct(json.borrowApr), pct(json.borrowApy)],
              ['supply', pct(json.supplyApr), pct(json.supplyApy)],
            ],
          ),
        ].join('\n');
      return { json, human };
    },
  );
}
