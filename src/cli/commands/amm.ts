/**
 * `capflow amm swap`: an exact-input swap on a Uniswap V2 constant-product pool.
 *
 * Quantities are decimal token amounts. They are converted to 18-decimal base units
 * (rounded half-up from the number's shortest decimal form), swapped with the pair's exact
 * integer math (output rounded down, as on chain) and printed back as float64 numbers
 * (15–17 significant digits).
 */
import type { Command } from 'commander';
import { baseUnitsToNumber, numberToBaseUnits } from '../../core/fixedPoint.ts';
import { UserError } from '../../core/errors.ts';
import { feeFractionToBps, quoteSwap, spotPrice, DEFAULT_FEE_PCT } from '../../protocols/uniswapV2.ts';
import { formatNumber, renderKeyValues } from '../../report/table.ts';
import { parseNumberFlag } from '../flags.ts';
import { withOutput, type CommonOptions } from '../io.ts';

/** Base-unit decimals the CLI computes in. */
const DECIMALS = 18;

interface SwapOptions extends CommonOptions {
  reserveIn?: string;
  reserveOut?: string;
  amountIn?: string;
  fee?: string;
}

/** Parses a token-quantity flag into 18-decimal base units; `positive` refuses amounts that round to 0. */
function quantityFlag(flag: string, raw: string | undefined, positive: boolean): bigint {
  const value = parseNumberFlag(flag, raw, positive ? { gt: 0 } : { min: 0 });
  const units = numberToBaseUnits(value, DECIMALS);
  if (positive && units === 0n) {
    throw new UserError({ field: flag, value: raw, message: `must be at least 1e-${DECIMALS}, got ${raw}`, hint: `quantities are counted in 1e-${DECIMALS} units` });
  }
  return units;
}

const toQuantity = (units: bigint): number => baseUnitsToNumber(units, DECIMALS);

/** Registers `capflow amm swap`. */
export function registerAmm(program: Command): void {
  const amm = program.command('amm').description('constant-product (Uniswap V2) pool math');
  withOutput<SwapOptions>(
    amm
      .command('swap')
      .description('exact-input swap on a Uniswap V2 pool: output, price impact and the reserves after it')
      .option('--reserve-in <qty>', 'pool reserve of the token sold, in tokens (> 0)')
      .option('--reserve-out <qty>', 'pool reserve of the token bought, in tokens (> 0)')
      .option('--amount-in <qty>', 'tokens sold into the pool (>= 0)')
      .option('--fee <frac>', `swap fee as a fraction in [0, 1), in steps of 1e-6 (default ${DEFAULT_FEE_PCT} = 0.3%)`)
      .addHelpText(
        'after',
        [
          '',
          'Quantities are computed exactly in 1e-18 token units (output rounded down, as the pair pays)',
          'and printed as float64 numbers. priceImpact = 1 - amountOut / (amountIn*(1-fee)*reserveOut/reserveIn),',
          'the loss to the curve with the fee excluded.',
          '',
          'Example:',
          '  capflow amm swap --reserve-in 1000 --reserve-out 2000000 --amount-in 10 --json',
        ].join('\n'),
      ),
    (opts) => {
      const reserveIn = quantityFlag('--reserve-in', opts.reserveIn, true);
      const reserveOut = quantityFlag('--reserve-out', opts.reserveOut, true);
      const amountIn = quantityFlag('--amount-in', opts.amountIn, false);
      const feePct = parseNumberFlag('--fee', opts.fee, { min: 0, lt: 1 }, DEFAULT_FEE_PCT);
      const quote = quoteSwap(amountIn, reserveIn, reserveOut, feeFractionToBps(feePct, '--fee'));
      const json = {
        amountOut: toQuantity(quote.amountOut),
        priceImpact: quote.priceImpact,
        newReserveIn: toQuantity(quote.newReserveIn),
        newReserveOut: toQuantity(quote.newReserveOut),
      };
      const spotBefore = spotPrice(toQuantity(reserveIn), toQuantity(reserveOut));
      const spotAfter = spotPrice(json.newReserveIn, json.newReserveOut);
      const human = (): string =>
        renderKeyValues([
          ['amount in', toQuantity(amountIn), 'token in'],
          ['fee', toQuantity(amountIn) * feePct, `token in (${formatNumber(feePct * 100)}%)`],
          ['amount out', json.amountOut, 'token out'],
          ['execution price', amountIn === 0n ? null : json.amountOut / toQuantity(amountIn), 'token out per token in'],
          ['spot price before', spotBefore, 'token out per token in'],
          ['spot price after', spotAfter, 'token out per token in'],
          ['price impact', json.priceImpact * 100, '% (fee excluded)'],
          ['new reserve in', json.newReserveIn, 'token in'],
          ['new reserve out', json.newReserveOut, 'token out'],
        ]);
      return { json, human };
    },
  );
}
