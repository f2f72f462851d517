/**
 * `capflow leverage open-short` and `capflow leverage close-short`: sizing a leveraged short on
 * a lending protocol (stablecoin collateral priced 1 USD, borrowed volatile token).
 */
import type { Command } from 'commander';
import { maxShortLeverage } from '../../protocols/aave.ts';
import { DEFAULT_COLLATERAL_FACTOR, estimateCloseShort, estimateOpenShort } from '../../protocols/leverage.ts';
import { formatNumber, renderKeyValues } from '../../report/table.ts';
import { parseNumberFlag } from '../flags.ts';
import { withOutput, type CommonOptions } from '../io.ts';

interface OpenShortOptions extends CommonOptions {
  reserve?: string;
  leverage?: string;
  price?: string;
  fee?: string;
  liquidationThreshold?: string;
}

interface CloseShortOptions extends CommonOptions {
  collateral?: string;
  borrowed?: string;
  close?: string;
  price?: string;
  fee?: string;
}

const FEE_HELP = 'swap fee as a fraction in [0, 1) (default 0)';

function registerOpenShort(leverage: Command): void {
  withOutput<OpenShortOptions>(
    leverage
      .command('open-short')
      .description('size a leveraged short: borrow, collateral, fees and liquidation price')
      .option('--reserve <usd>', 'own stablecoin collateral, USD (> 0)')
      .option('--leverage <x>', 'borrowed value / reserve, > 0 and below 1/(1-cf) - 1 (5.6667 at cf 0.85)')
      .option('--price <usd>', 'price of the borrowed token, USD per token (> 0)')
      .option('--fee <frac>', FEE_HELP)
      .option('--liquidation-threshold <frac>', `collateral factor cf of the collateral, in (0, 1) (default ${DEFAULT_COLLATERAL_FACTOR})`)
      .addHelpText(
        'after',
        [
          '',
          'borrowedValue = reserve*L, additionalCollateral = borrowedValue*(1-fee),',
          'liquidationPrice = price*cf*(L+1)/L (pre-fee collateral), leverage = borrowedValue / NAV after fees.',
          '',
          'Example:',
          '  capflow leverage open-short --reserve 10000 --leverage 3 --price 1500 --fee 0.0005 --json',
          '',
        ].join('\n'),
      ),
    (opts) => {
      const input = {
        reserveUsd: parseNumberFlag('--reserve', opts.reserve, { gt: 0 }),
        leverage: parseNumberFlag('--leverage', opts.leverage, { gt: 0 }),
        price: parseNumberFlag('--price', opts.price, { gt: 0 }),
        feePct: parseNumberFlag('--fee', opts.fee, { min: 0, lt: 1 }, 0),
        collateralFactor: parseNumberFlag('--liquidation-threshold', opts.liquidationThreshold, { gt: 0, lt: 1 }, DEFAULT_COLLATERAL_FACTOR),
      };
      const json = estimateOpenShort(input, {
        reserveUsd: '--reserve',
        leverage: '--leverage',
        price: '--price',
        feePct: '--fee',
        collateralFactor: '--liquidation-threshold',
      });
      const human = (): string =>
        renderKeyValues([
          ['borrowed value', json.borrowedValue, 'USD'],
          ['borrowed quantity', json.borrowedQuantity, 'token'],
          ['additional collateral', json.additionalCollateral, 'USD'],
          ['total collateral', json.totalCollateral, 'USD'],
          ['LP fees', json.lpFees, 'USD'],
          ['liquidation price', json.liquidationPrice, `USD per token (${formatNumber((json.liquidationPrice / input.price - 1) * 100, 2)}% above ${formatNumber(input.price)})`],
          ['leverage', json.leverage, `x (max ${formatNumber(maxShortLeverage(input.collateralFactor), 4)} at cf ${input.collateralFactor})`],
        ]);
      return { json, human };
    },
  );
}

function registerCloseShort(leverage: Command): void {
  withOutput<CloseShortOptions>(
    leverage
      .command('close-short')
      .description('buy back (part of) a short with collateral and repay the debt')
      .option('--collateral <qty>', 'stablecoin collateral held, USD (>= 0; what is left must pay the buy-back and stay above water)')
      .option('--borrowed <qty>', 'token debt, tokens (> 0)')
      .option('--close <qty>', 'tokens to buy back and repay, in (0, --borrowed]')
      .option('--price <usd>', 'price of the borrowed token, USD per token (> 0)')
      .option('--fee <frac>', FEE_HELP)
      .addHelpText(
        'after',
        [
          '',
          'The buy-back costs price*close/(1-fee) of collateral (negative additionalCollateral); the debt falls by',
          'close (negative borrowedQuantity). leverage = totalCollateral / (totalCollateral - totalBorrowed*price).',
          '',
          'Example:',
          '  capflow leverage close-short --collateral 39985 --borrowed 20 --close 20 --price 1400 --fee 0.0005 --json',
          '',
        ].join('\n'),
      ),
    (opts) => {
      const input = {
        // Bounds are the library's (estimateCloseShort checks each, naming the flag): one rule, checked once.
        collateralQuantity: parseNumberFlag('--collateral', opts.collateral),
        borrowedQuantity: parseNumberFlag('--borrowed', opts.borrowed),
        closeQuantity: parseNumberFlag('--close', opts.close),
        price: parseNumberFlag('--price', opts.price),
        feePct: parseNumberFlag('--fee', opts.fee, {}, 0),
      };
      const json = estimateCloseShort(input, {
        collateralQuantity: '--collateral',
        borrowedQuantity: '--borrowed',
        closeQuantity: '--close',
        price: '--price',
        feePct: '--fee',
      });
      const human = (): string =>
        renderKeyValues([
          ['borrowed quantity', json.borrowedQuantity, 'token (repaid)'],
          ['additional collateral', json.additionalCollateral, 'USD (spent on the buy-back)'],
          ['LP fees', json.lpFees, 'USD'],
          ['total collateral', json.totalCollateral, 'USD (left)'],
          ['total borrowed', json.totalBorrowed, 'token (left)'],
          ['leverage', json.leverage, 'x (collateral / NAV)'],
        ]);
      return { json, human };
    },
  );
}

/** Registers `capflow leverage open-short` and `capflow leverage close-short`. */
export function registerLeverage(program: Command): void {
  const leverage = program.command('leverage').description('leveraged shorts on a lending protocol (Aave-style)');
  registerOpenShort(leverage);
  registerCloseShort(leverage);
}
