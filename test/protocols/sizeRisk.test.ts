import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.ts';
import { UNCAPPED, capBuy, capHold, capSell, type TvlSizeCaps } from '../../src/protocols/sizeRisk.ts';
import { ROOT } from '../helpers/cli.ts';

const fixture = JSON.parse(readFileSync(`${ROOT}test/fixtures/leverage-lending.json`, 'utf8'));
const vector = (id: string) => fixture.vectors[id];

/** |actual − expected| within the vector's absolute tolerance. */
function expectWithin(actual: number | undefined, expected: number, tol: { abs: number }): void {
  expect(actual).toBeTypeOf('number');
  expect(Math.abs((actual as number) - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(tol.abs);
}

describe('SIZE-01: default caps are 100 % of TVL', () => {
  const v = vector('SIZE-01');
  it('accepts the whole buy', () => {
    const r = capBuy(v.inputs.asked_buy_usd, v.inputs.tvl);
    expectWithin(r.acceptedSize, v.expected.accepted_buy_usd, v.tolerance);
    expect(r.capped).toBe(false);
    expect(capBuy(v.inputs.asked_buy_usd, v.inputs.tvl, UNCAPPED)).toEqual(r);
  });
});

describe('SIZE-02: per-trade and per-position caps', () => {
  const v = vector('SIZE-02');
  const i = v.inputs;
  const caps: TvlSizeCaps = { perTradeCapPct: i.per_trade_cap, perPositionCapPct: i.per_position_cap };
  it('caps a buy at 2 % of TVL', () => {
    const r = capBuy(i.asked_buy_usd, i.tvl, caps);
    expect(r.sizingType).toBe(v.expected.buy.sizing_type);
    expectWithin(r.askedSize, v.expected.buy.asked_size, v.tolerance);
    expectWithin(r.acceptedSize, v.expected.buy.accepted_size, v.tolerance);
    expect(r.capped).toBe(true);
  });
  it('caps a sell in USD and converts back to tokens', () => {
    const r = capSell(i.asked_sell_qty, i.price, i.tvl, caps);
    expect(r.sizingType).toBe(v.expected.sell.sizing_type);
    expectWithin(r.askedSize, v.expected.sell.asked_size, v.tolerance);
    expectWithin(r.acceptedSize, v.expected.sell.accepted_size, v.tolerance);
    expectWithin(r.askedQuantity, v.expected.sell.asked_quantity, v.tolerance);
    expectWithin(r.acceptedQuantity, v.expected.sell.accepted_quantity, v.tolerance);
    // we report capped = accepted < asked (upstream compares USD with a percentage here)
    expect(r.capped).toBe(true);
  });
  it('caps a hold at 5 % of TVL and explains the cap', () => {
    const r = capHold(i.asked_position_usd, i.tvl, caps);
    expect(r.sizingType).toBe(v.expected.hold.sizing_type);
    expectWithin(r.askedSize, v.expected.hold.asked_size, v.tolerance);
    expectWithin(r.acceptedSize, v.expected.hold.accepted_size, v.tolerance);
    expect(r.diagnostics).toEqual({ capPct: v.expected.hold.diagnostics.cap_pct, tvl: v.expected.hold.diagnostics.tvl });
  });
});

describe('size caps', () => {
  it('never accept more than asked or more than the cap (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1e12, noNaN: true }),
        fc.double({ min: 0, max: 1e12, noNaN: true }),
        fc.double({ min: 1e-6, max: 1, noNaN: true }),
        (asked, tvl, cap) => {
          for (const r of [capBuy(asked, tvl, { perTradeCapPct: cap, perPositionCapPct: 1 }), capHold(asked, tvl, { perTradeCapPct: 1, perPositionCapPct: cap })]) {
            expect(r.acceptedSize).toBeLessThanOrEqual(asked);
            expect(r.acceptedSize).toBeLessThanOrEqual(cap * tvl);
            expect(r.capped).toBe(r.acceptedSize < asked);
          }
        },
      ),
    );
  });
  it('an uncapped sell keeps the asked quantity exactly', () => {
    const r = capSell(0.1, 3, 1e9);
    expect(r.acceptedQuantity).toBe(0.1);
    expect(r.capped).toBe(false);
  });
  it('refuses negative or NaN sizes and caps outside (0, 1]', () => {
    expect(() => capBuy(-1, 100)).toThrow(/^askedUsd: must be a number >= 0, got -1/);
    expect(() => capBuy(1, NaN)).toThrow(/^tvlUsd: /);
    expect(() => capSell(1, 0, 100)).toThrow(/^price: must be a number > 0/);
    expect(() => capSell(-2, 10, 100)).toThrow(/^askedQuantity: /);
    expect(() => capBuy(1, 100, { perTradeCapPct: 0, perPositionCapPct: 1 })).toThrow(/^perTradeCapPct: must be a fraction in \(0, 1\]/);
    expect(() => capHold(1, 100, { perTradeCapPct: 1, perPositionCapPct: 1.5 })).toThrow(UserError);
  });
});
