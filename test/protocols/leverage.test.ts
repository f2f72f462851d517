import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.ts';
import { healthFactor, maxLongLeverage, maxShortLeverage } from '../../src/protocols/aave.ts';
import {
  assertShortLeverage,
  estimateCloseShort,
  estimateOpenLong,
  estimateOpenShort,
  loanHealthFactor,
  loanLeverage,
  loanLtv,
  loanNav,
  shortExitLevels,
  shortLiquidationPriceAtOpen,
  shortUnrealisedPnl,
  type Loan,
} from '../../src/protocols/leverage.ts';
import { ROOT } from '../helpers/cli.ts';
import { caughtUserError } from '../helpers/errors.ts';

const fixture = JSON.parse(readFileSync(`${ROOT}test/fixtures/leverage-lending.json`, 'utf8'));
const vector = (id: string) => fixture.vectors[id];

/** |actual − expected| within the vector's tolerance (rel and/or abs). */
function expectWithin(actual: number, expected: number, tol: { rel?: number; abs?: number }): void {
  const allowed = Math.max(tol.abs ?? 0, (tol.rel ?? 0) * Math.abs(expected));
  expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(allowed);
}

describe('LEV-01: leverage limits and stop-loss check', () => {
  const v = vector('LEV-01');
  const cf = v.inputs.collateral_factor;
  it('refuses leverage at or above max short leverage with the CLI message', () => {
    expect(() => assertShortLeverage(v.inputs.attempt_leverage, cf)).toThrow('Max short leverage for cf 0.85 is 5.6667, got 10');
    expect(() => assertShortLeverage(maxShortLeverage(cf), cf)).toThrow(UserError);
    expect(() => assertShortLeverage(5.6, cf)).not.toThrow();
    expect(() => estimateOpenShort({ reserveUsd: 1000, leverage: 10, price: 1500 }, { leverage: '--leverage' })).toThrow(
      '--leverage: Max short leverage for cf 0.85 is 5.6667, got 10',
    );
  });
  it('the liquidation price over mid at 4x is cf·(L+1)/L', () => {
    const levels = shortExitLevels({ price: 1, leverage: v.inputs.leverage_for_stoploss_check, collateralFactor: cf });
    expectWithin(levels.liquidationPrice, v.expected.liquidation_price_over_mid_at_4x, v.tolerance);
    expectWithin(shortLiquidationPriceAtOpen(1500, 4, cf) / 1500, v.expected.liquidation_price_over_mid_at_4x, v.tolerance);
  });
  it('refuses a stop loss beyond the liquidation distance', () => {
    const input = { price: 1500, leverage: v.inputs.leverage_for_stoploss_check, collateralFactor: cf, stopLossPct: v.inputs.stop_loss_pct };
    expect(() => shortExitLevels(input)).toThrow('stopLossPct: must be bigger than liquidation distance 0.9375, got 0.6');
    try {
      shortExitLevels(input, { stopLossPct: '--stop-loss' });
    } catch (e) {
      expect(e).toBeInstanceOf(UserError);
      expect((e as UserError).field).toBe('--stop-loss');
      expect((e as UserError).value).toBe(0.6);
    }
    expect.assertions(4);
  });
  it('places stop loss above and take profit below the entry', () => {
    const levels = shortExitLevels({ price: 1500, leverage: 4, stopLossPct: 0.95, takeProfitPct: 1.1 });
    expect(levels.stopLossPrice).toBeCloseTo(1575, 9);
    expect(levels.takeProfitPrice).toBeCloseTo(1350, 9);
    expect(levels.liquidationDistancePct).toBeCloseTo(0.0625, 12);
    expect(shortExitLevels({ price: 1500, leverage: 4 }).stopLossPrice).toBeNull();
    expect(() => shortExitLevels({ price: 1500, leverage: 4, takeProfitPct: 0.9 })).toThrow(/takeProfitPct/);
  });
  it('an accepted stop loss always lies below the liquidation price (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.1, max: 5.6, noNaN: true }), fc.double({ min: 0.5, max: 0.999, noNaN: true }), (leverage, stopLossPct) => {
        let levels;
        try {
          levels = shortExitLevels({ price: 1500, leverage, stopLossPct });
        } catch (e) {
          expect(e).toBeInstanceOf(UserError);
          return;
        }
        expect(levels.stopLossPrice!).toBeLessThan(levels.liquidationPrice);
      }),
    );
  });
});

/** Opens the short of a LEV vector: its starting reserve, leverage, price, fee and collateral factor. */
function openVectorShort(i: Record<string, number>): ReturnType<typeof estimateOpenShort> {
  return estimateOpenShort({ reserveUsd: i.starting_reserve, leverage: i.leverage, price: i.borrowed_asset_price, feePct: i.fee, collateralFactor: i.collateral_factor });
}

/** The loan an open leaves: its collateral (1 USD each) against its debt at the open price. */
function loanAfterOpen(open: ReturnType<typeof estimateOpenShort>, price: number): Loan {
  return { collateralQuantity: open.totalCollateral, collateralPrice: 1, borrowedQuantity: open.borrowedQuantity, borrowedPrice: price };
}

/** The open's borrow, collateral and liquidation price against the vector's expected numbers. */
function expectOpenSizing(open: ReturnType<typeof estimateOpenShort>, v: { expected: Record<string, number>; tolerance: { rel?: number; abs?: number } }): void {
  expectWithin(open.borrowedValue, v.expected.borrowed_value, v.tolerance);
  expectWithin(open.borrowedQuantity, v.expected.borrowed_quantity, v.tolerance);
  expectWithin(open.additionalCollateral, v.expected.additional_collateral_quantity, v.tolerance);
  expectWithin(open.totalCollateral, v.expected.total_collateral_quantity, v.tolerance);
  expectWithin(open.liquidationPrice, v.expected.liquidation_price, v.tolerance);
}

describe('LEV-02: open and close a 3x short without fee', () => {
  const v = vector('LEV-02');
  const i = v.inputs;
  const open = openVectorShort(i);
  const loan = loanAfterOpen(open, i.borrowed_asset_price);
  it('sizes the open', () => {
    expectOpenSizing(open, v);
    expect(open.lpFees).toBe(v.expected.lp_fees);
    expectWithin(open.leverage, v.expected.loan_leverage_at_open, v.tolerance);
    expectWithin(loanNav(loan), v.expected.loan_nav_at_open, v.tolerance);
    expectWithin(loanLeverage(loan), v.expected.loan_leverage_at_open, v.tolerance);
  });
  it('marks to 1400 and closes', () => {
    const at1400 = { ...loan, borrowedPrice: i.close_price };
    expectWithin(loanNav(at1400), v.expected.loan_nav_at_1400, v.tolerance);
    expectWithin(shortUnrealisedPnl(loan.borrowedQuantity, i.borrowed_asset_price, i.close_price), v.expected.unrealised_profit_at_1400, v.tolerance);
    const close = estimateCloseShort({ collateralQuantity: open.totalCollateral, borrowedQuantity: open.borrowedQuantity, closeQuantity: open.borrowedQuantity, price: i.close_price });
    // consumption = collateral spent on the buy-back; allocation = what goes back to cash
    expectWithin(close.additionalCollateral, v.expected.close_trade_planned_collateral_consumption, v.tolerance);
    expectWithin(-close.totalCollateral, v.expected.close_trade_planned_collateral_allocation, v.tolerance);
    expectWithin(close.totalCollateral - i.starting_reserve, v.expected.realised_profit, v.tolerance);
    expectWithin(i.portfolio_cash_before - i.starting_reserve + close.totalCollateral, v.expected.cash_after_close, v.tolerance);
    expect(close.totalBorrowed).toBe(0);
    expect(close.leverage).toBe(1);
  });
});

describe('LEV-03: open with a 5 bps fee', () => {
  const v = vector('LEV-03');
  const i = v.inputs;
  const open = openVectorShort(i);
  it('takes the fee from the swapped-out collateral and prices liquidation pre-fee', () => {
    expectOpenSizing(open, v);
    expectWithin(open.lpFees, v.expected.lp_fees, v.tolerance);
    expectWithin(open.leverage, v.expected.loan_leverage_after_execution, v.tolerance);
  });
  it('leaves a loan NAV net of the fee and no cash', () => {
    const loan = loanAfterOpen(open, i.borrowed_asset_price);
    expectWithin(loanNav(loan), v.expected.loan_nav_after_execution, v.tolerance);
    expectWithin(loanLeverage(loan), v.expected.loan_leverage_after_execution, v.tolerance);
    const cash = i.starting_reserve - i.starting_reserve;
    expect(cash).toBe(v.expected.portfolio_cash);
    expectWithin(cash + loanNav(loan), v.expected.portfolio_nav, v.tolerance);
  });
});

describe.each(['LEV-04', 'LEV-05'])('%s: close with a 5 bps fee', (id) => {
  const v = vector(id);
  const i = v.inputs;
  const close = estimateCloseShort({
    collateralQuantity: i.start_collateral,
    borrowedQuantity: i.start_borrowed,
    closeQuantity: i.close_size,
    price: i.borrowed_asset_price,
    feePct: i.fee,
  });
  it('pays P·q/(1 − f) of collateral and reports the rest', () => {
    expectWithin(close.leverage, v.expected.leverage, v.tolerance);
    expectWithin(close.additionalCollateral, v.expected.additional_collateral_quantity, v.tolerance);
    expectWithin(close.borrowedQuantity, v.expected.borrowed_quantity, v.tolerance);
    expectWithin(close.totalCollateral, v.expected.total_collateral_quantity, v.tolerance);
    expect(close.totalBorrowed).toBe(v.expected.total_borrowed_quantity);
    expectWithin(close.lpFees, v.expected.lp_fees, v.tolerance);
    expectWithin(close.totalCollateral, v.expected.cash_after_close, v.tolerance);
  });
  if (id === 'LEV-05') {
    it('NAV, unrealised profit and borrow value before the close', () => {
      const loan: Loan = { collateralQuantity: i.start_collateral, collateralPrice: 1, borrowedQuantity: i.start_borrowed, borrowedPrice: i.borrowed_asset_price };
      expectWithin(loanNav(loan), v.expected.portfolio_nav_before_close, v.tolerance);
      expectWithin(shortUnrealisedPnl(i.start_borrowed, vector('LEV-03').inputs.borrowed_asset_price, i.borrowed_asset_price), v.expected.unrealised_profit_before_close, v.tolerance);
      expectWithin(loan.borrowedQuantity * loan.borrowedPrice, v.expected.borrow_value_before_close, v.tolerance);
    });
  }
});

describe('LOAN-01: a 0.8x short loan', () => {
  const v = vector('LOAN-01');
  const i = v.inputs;
  const loan: Loan = { collateralQuantity: i.collateral_deposit + i.borrowed_quantity * i.price_open, collateralPrice: 1, borrowedQuantity: i.borrowed_quantity, borrowedPrice: i.price_open };
  const cash = i.reserve_cash_before - i.collateral_deposit;
  it('at open', () => {
    expectWithin(loan.collateralQuantity, v.expected.collateral_quantity, v.tolerance);
    expectWithin(loanLtv(loan), v.expected.ltv, v.tolerance);
    expectWithin(loanHealthFactor(loan, i.liquidation_threshold), v.expected.health_factor, v.tolerance);
    expectWithin(loanLeverage(loan), v.expected.leverage, v.tolerance);
    expectWithin(loanNav(loan), v.expected.position_value, v.tolerance);
    expectWithin(loan.borrowedQuantity * loan.borrowedPrice, v.expected.borrowed_usd, v.tolerance);
    expect(cash).toBe(v.expected.cash);
    expectWithin(cash + loanNav(loan), v.expected.total_equity, v.tolerance);
    // the same 0.8x short through the open estimate
    const open = estimateOpenShort({ reserveUsd: i.collateral_deposit, leverage: v.expected.leverage, price: i.price_open });
    expectWithin(open.borrowedQuantity, i.borrowed_quantity, v.tolerance);
    expectWithin(open.totalCollateral, v.expected.collateral_quantity, v.tolerance);
  });
  it('at 1400', () => {
    const later = { ...loan, borrowedPrice: i.price_later };
    const e = v.expected.at_1400;
    expectWithin(later.borrowedQuantity * later.borrowedPrice, e.borrowed_usd, v.tolerance);
    expectWithin(loanLtv(later), e.ltv, v.tolerance);
    expectWithin(shortUnrealisedPnl(loan.borrowedQuantity, i.price_open, i.price_later), e.unrealised_profit, v.tolerance);
    expectWithin(loanNav(later), e.loan_nav, v.tolerance);
    expectWithin(cash + loanNav(later), e.portfolio_nav, v.tolerance);
  });
});

describe('open/close properties', () => {
  // Leverage up to 5.36: at a 1% fee, cf 0.85, the short is healthy after fees below 0.85/(1 − 0.85·0.99) = 5.3628.
  const openArb = fc.record({
    reserveUsd: fc.double({ min: 1, max: 1e9, noNaN: true }),
    leverage: fc.double({ min: 0.01, max: 5.36, noNaN: true }),
    price: fc.double({ min: 0.01, max: 1e5, noNaN: true }),
    feePct: fc.double({ min: 0, max: 0.01, noNaN: true }),
  });
  it('health factor is exactly 1 at the liquidation price (pre-fee collateral)', () => {
    fc.assert(
      fc.property(openArb, (input) => {
        const open = estimateOpenShort({ ...input, feePct: 0 });
        expect(healthFactor(open.totalCollateral, open.borrowedQuantity * open.liquidationPrice, 0.85)).toBeCloseTo(1, 9);
      }),
    );
  });
  it('opening then fully closing at the same price loses only the two fees', () => {
    fc.assert(
      fc.property(openArb, (input) => {
        const open = estimateOpenShort(input);
        const close = estimateCloseShort({ collateralQuantity: open.totalCollateral, borrowedQuantity: open.borrowedQuantity, closeQuantity: open.borrowedQuantity, price: input.price, feePct: input.feePct });
        expect(close.totalCollateral + open.lpFees + close.lpFees).toBeCloseTo(input.reserveUsd, 6 - Math.log10(input.reserveUsd));
        expect(close.leverage).toBe(1);
      }),
    );
  });
  it('a partial close lowers the debt and reports collateral / NAV', () => {
    const close = estimateCloseShort({ collateralQuantity: 4000, borrowedQuantity: 2, closeQuantity: 1, price: 1500 });
    expect(close.totalBorrowed).toBe(1);
    expect(close.totalCollateral).toBe(2500);
    expect(close.leverage).toBeCloseTo(2500 / 1000, 12);
  });
});

describe('bad input', () => {
  it('names the field and the value', () => {
    const cases: Array<[() => unknown, RegExp]> = [
      [() => estimateOpenShort({ reserveUsd: 0, leverage: 3, price: 1500 }, { reserveUsd: '--reserve' }), /^--reserve: must be a number > 0, got 0/],
      [() => estimateOpenShort({ reserveUsd: 100, leverage: 3, price: -1 }), /^price: must be a number > 0/],
      [() => estimateOpenShort({ reserveUsd: 100, leverage: 3, price: NaN }), /^price: /],
      [() => estimateOpenShort({ reserveUsd: 100, leverage: 3, price: 1, feePct: 1 }), /^feePct: must be a number >= 0 and < 1, got 1/],
      [() => estimateOpenShort({ reserveUsd: 100, leverage: 0, price: 1 }), /^leverage: /],
      [() => estimateOpenShort({ reserveUsd: 100, leverage: 1, price: 1, collateralFactor: 1 }), /^collateralFactor: /],
      [() => estimateCloseShort({ collateralQuantity: 100, borrowedQuantity: 1, closeQuantity: 2, price: 10 }), /^closeQuantity: cannot close more than the debt of 1, got 2/],
      [() => estimateCloseShort({ collateralQuantity: 100, borrowedQuantity: 1, closeQuantity: 1, price: 200 }), /^collateralQuantity: collateral 100 cannot pay/],
      [() => estimateCloseShort({ collateralQuantity: 100, borrowedQuantity: 2, closeQuantity: 1, price: 60 }), /^price: the remaining position is under water/],
      [() => estimateCloseShort({ collateralQuantity: -1, borrowedQuantity: 2, closeQuantity: 1, price: 60 }), /^collateralQuantity: must be a number >= 0/],
      [() => estimateOpenLong({ reserveUsd: 100, leverage: 7, price: 1 }), /^leverage: must be a number >= 1 and < 6.66/],
    ];
    for (const [fn, message] of cases) {
      expect(fn).toThrow(UserError);
      expect(fn).toThrow(message);
    }
  });
});

describe('bad input: a fee that leaves the position under water at open', () => {
  const fields = { reserveUsd: '--reserve', leverage: '--leverage', price: '--price', feePct: '--fee' } as const;

  it('refuses a short whose fee eats the reserve (L·fee ≥ 1), naming --fee with the numbers and the fix', () => {
    const e = caughtUserError(() => estimateOpenShort({ reserveUsd: 1000, leverage: 5, price: 100, feePct: 0.5 }, fields));
    expect(e.field).toBe('--fee');
    expect(e.message).toBe(
      '--fee: the fee eats the whole reserve: NAV after fees = reserve·(1 − leverage·fee) = 1000·(1 − 5·0.5) = -1500 USD ≤ 0 (use --fee below 0.0235 at this leverage, or --leverage below 1.4783 at this fee)',
    );
    // L·fee = 1 exactly: NAV 0, formerly an infinite leverage
    expect(() => estimateOpenShort({ reserveUsd: 1000, leverage: 2, price: 100, feePct: 0.5 }, fields)).toThrow(/^--fee: the fee eats the whole reserve: .* = 0 USD ≤ 0/);
  });

  it('refuses a short liquidatable right after opening (health factor after fees ≤ 1), naming --fee', () => {
    // cf·(1 + L·(1 − f))/L = 0.85·(1 + 3·0.8)/3 = 0.9633
    const e = caughtUserError(() => estimateOpenShort({ reserveUsd: 1000, leverage: 3, price: 100, feePct: 0.2 }, fields));
    expect(e.field).toBe('--fee');
    expect(e.message).toMatch(/^--fee: the short would be liquidatable as soon as it is opened: health factor after fees 0\.9633 ≤ 1 .*use --fee below 0\.1569 at this leverage, or --leverage below 2\.6563 at this fee/);
    expect(() => estimateOpenShort({ reserveUsd: 1000, leverage: 5.6, price: 1500, feePct: 0.01 })).toThrow(/^feePct: the short would be liquidatable/);
  });

  it('accepts a short just inside the limits the hint gives, healthy after fees', () => {
    const maxFee = 1 - 1 / 0.85 + 1 / 3;
    const open = estimateOpenShort({ reserveUsd: 1000, leverage: 3, price: 100, feePct: maxFee * 0.999 });
    expect(healthFactor(open.totalCollateral, open.borrowedValue, 0.85)).toBeGreaterThan(1);
    expect(open.leverage).toBeGreaterThan(0);
    expect(() => estimateOpenShort({ reserveUsd: 1000, leverage: 3, price: 100, feePct: maxFee * 1.001 })).toThrow(UserError);
  });

  it('every accepted short has a positive NAV, finite positive leverage and health factor > 1 after fees (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.01, max: 5.66, noNaN: true }), fc.double({ min: 0, max: 0.99, noNaN: true }), (leverage, feePct) => {
        let open;
        try {
          open = estimateOpenShort({ reserveUsd: 1000, leverage, price: 100, feePct });
        } catch (e) {
          expect(e).toBeInstanceOf(UserError);
          expect(leverage * feePct >= 1 || 0.85 * (1 + leverage * (1 - feePct)) <= leverage * (1 + 1e-12) || leverage >= maxShortLeverage(0.85)).toBe(true);
          return;
        }
        expect(open.totalCollateral - open.borrowedValue).toBeGreaterThan(0);
        expect(Number.isFinite(open.leverage) && open.leverage > 0).toBe(true);
        expect(healthFactor(open.totalCollateral, open.borrowedValue, 0.85)).toBeGreaterThan(1);
      }),
    );
  });

  it('refuses a long whose fee eats the reserve or leaves it liquidatable at open, naming --fee', () => {
    expect(() => estimateOpenLong({ reserveUsd: 1000, leverage: 3, price: 100, feePct: 0.4 }, fields)).toThrow(
      /^--fee: the fee eats the whole reserve: NAV after fees = reserve·\(1 − leverage·fee\) = 1000·\(1 − 3·0\.4\) = -200 USD ≤ 0 \(use --fee below 0\.2157/,
    );
    // cf·L·(1 − f)/(L − 1) = 0.85·6·0.95/5 = 0.969
    expect(() => estimateOpenLong({ reserveUsd: 1000, leverage: 6, price: 100, feePct: 0.05 }, fields)).toThrow(
      /^--fee: the long would be liquidatable as soon as it is opened: health factor after fees 0\.969 ≤ 1 .*--leverage below 5\.1948 at this fee/,
    );
    const long = estimateOpenLong({ reserveUsd: 1000, leverage: 5, price: 100, feePct: 0.01 });
    expect(long.liquidationPrice).toBeLessThan(100);
    expect(estimateOpenLong({ reserveUsd: 1000, leverage: 1, price: 100, feePct: 0.5 }).borrowedValue).toBe(0);
  });
});

describe('long leverage', () => {
  it('borrows reserve·(L − 1) and liquidates at P·(L − 1)/(L·cf) without fee', () => {
    const long = estimateOpenLong({ reserveUsd: 1000, leverage: 3, price: 1500 });
    expect(long.borrowedValue).toBe(2000);
    expect(long.collateralQuantity).toBe(2);
    expect(long.lpFees).toBe(0);
    expect(long.liquidationPrice).toBeCloseTo((1500 * 2) / (3 * 0.85), 9);
    expect(long.leverage).toBeCloseTo(3, 12);
  });
  it('a fee raises the effective leverage and the liquidation price', () => {
    const long = estimateOpenLong({ reserveUsd: 1000, leverage: 3, price: 1500, feePct: 0.003 });
    expect(long.lpFees).toBeCloseTo(9, 9);
    expect(long.collateralQuantity).toBeCloseTo(2991 / 1500, 12);
    expect(long.leverage).toBeCloseTo(2991 / 991, 12);
    expect(long.liquidationPrice).toBeGreaterThan((1500 * 2) / (3 * 0.85));
  });
  it('leverage 1 has no debt; just under max long leverage has health factor ≈ 1', () => {
    expect(estimateOpenLong({ reserveUsd: 1000, leverage: 1, price: 10 }).borrowedValue).toBe(0);
    const l = maxLongLeverage(0.85) - 1e-9;
    const long = estimateOpenLong({ reserveUsd: 1000, leverage: l, price: 10 });
    expect(healthFactor(long.collateralQuantity * 10, long.borrowedValue, 0.85)).toBeCloseTo(1, 6);
  });
});
