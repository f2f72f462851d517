import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import fixture from '../fixtures/metrics.json' with { type: 'json' };
import {
  averageCostPnl,
  cagr,
  drawdownSeries,
  maxDrawdownOfReturns,
  periodReturns,
  returnMetrics,
  sharePriceReturn,
  type SpotTrade,
} from '../../src/report/metrics.ts';

const byId = (id: string): any => fixture.vectors.find((v) => v.id === id);

function expectRel(actual: number, expected: number, rel: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.abs(expected) + 1e-15);
}

describe('return metrics (MET-01)', () => {
  const v = byId('MET-01');
  const m = returnMetrics(v.inputs.daily_returns, v.inputs.periods_per_year);
  const rel = v.tolerance.rel;
  it('matches the QuantStats reference numbers', () => {
    expectRel(m.meanReturn, v.expected.mean, rel);
    expectRel(m.stdevReturn, v.expected.stdev_ddof1, rel);
    expectRel(m.sharpe, v.expected.sharpe, rel);
    expectRel(m.sortino, v.expected.sortino, rel);
    expectRel(m.maxDrawdown, v.expected.max_drawdown, rel);
    expectRel(m.totalReturn, v.expected.cumulative_return, 1e-8);
    expectRel(m.years, v.expected.cagr_years, rel);
    expectRel(m.cagr, v.expected.cagr, 1e-8);
    expectRel(m.volatility, v.expected.stdev_ddof1 * Math.sqrt(365), rel);
    expectRel(m.calmar, v.expected.cagr / Math.abs(v.expected.max_drawdown), 1e-8);
  });
  it('uses an explicit span when given', () => {
    expect(returnMetrics(v.inputs.daily_returns, 365, 1).cagr).toBeCloseTo(v.expected.cumulative_return, 12);
  });
});

describe('drawdown', () => {
  it('starts the equity curve at 1 so a first loss is a drawdown', () => {
    expect(maxDrawdownOfReturns([-0.1, 0.05])).toBeCloseTo(-0.1, 12);
    expect(maxDrawdownOfReturns([0.1, 0.2])).toBe(0);
  });
  it('series agrees with the return-based max drawdown (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -0.5, max: 0.5, noNaN: true }), { minLength: 1, maxLength: 50 }), (rs) => {
        const values = [1];
        for (const r of rs) values.push(values[values.length - 1] * (1 + r));
        const dd = drawdownSeries(values);
        const worst = dd.reduce((a, b) => Math.min(a, b), 0);
        expect(worst).toBeCloseTo(maxDrawdownOfReturns(rs), 10);
        periodReturns(values).forEach((r, i) => expect(r).toBeCloseTo(rs[i], 10));
      }),
    );
  });
  it('cagr of a one-year return is that return', () => {
    expect(cagr(0.07, 1)).toBeCloseTo(0.07, 15);
    expect(cagr(0.21, 2)).toBeCloseTo(0.1, 12);
    expect(cagr(0.1, 0)).toBeNaN();
  });
});

describe('average-cost PnL (PNL-01)', () => {
  const v = byId('PNL-01');
  const trades: SpotTrade[] = v.inputs.trades.map((t: any) => ({ side: t.side, quantity: t.qty, price: t.price }));
  const rel = v.tolerance.rel;
  it('after the first sell, marked at the opening price', () => {
    const p = averageCostPnl(trades.slice(0, 3), v.expected.after_first_sell.mark_price_used);
    expectRel(p.averageBuyPrice, v.expected.average_buy, rel);
    expectRel(p.realisedProfitUsd, v.expected.after_first_sell.realised_profit, rel);
    expectRel(p.realisedProfitPct, v.expected.after_first_sell.realised_profit_percent, rel);
    expectRel(p.unrealisedProfitUsd, v.expected.after_first_sell.unrealised_profit, rel);
    expectRel(p.totalProfitPct, v.expected.after_first_sell.unrealised_and_realised_percent, 1e-7);
  });
  it('after closing', () => {
    const p = averageCostPnl(trades, 1850);
    expectRel(p.realisedProfitUsd, v.expected.after_close.realised_profit, rel);
    expectRel(p.realisedProfitPct, v.expected.after_close.realised_profit_percent, rel);
    expect(p.unrealisedProfitUsd).toBeCloseTo(v.expected.after_close.unrealised_profit, 9);
    expectRel(p.totalBoughtUsd, v.expected.after_close.total_bought, rel);
    expectRel(p.totalSoldUsd, v.expected.after_close.total_sold, rel);
  });
});

describe('share price (TREAS-02)', () => {
  it('is NAV / shares with its return since inception', () => {
    const v = byId('TREAS-02');
    const r = sharePriceReturn(v.inputs.net_asset_value, v.inputs.share_count, v.inputs.initial_share_price);
    expectRel(r.sharePrice, v.expected.share_price_usd, v.tolerance.rel);
    expectRel(r.return, v.expected.returns, 1e-9);
  });
});
