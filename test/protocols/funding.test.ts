import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { accrueFunding, fundingPaymentUsd } from '../../src/protocols/funding.ts';

describe('fundingPaymentUsd', () => {
  it('positive rate: longs pay, shorts receive, on the mark-price notional', () => {
    expect(fundingPaymentUsd(2, 1500, 0.0001, 1)).toBeCloseTo(0.3, 15);
    expect(fundingPaymentUsd(-2, 1500, 0.0001, 1)).toBeCloseTo(-0.3, 15);
  });
  it('negative rate: shorts pay longs', () => {
    expect(fundingPaymentUsd(-2, 1500, -0.0001, 1)).toBeCloseTo(0.3, 15);
    expect(fundingPaymentUsd(2, 1500, -0.0001, 1)).toBeCloseTo(-0.3, 15);
  });
  it('scales with the interval: an annualised 10 % over one day', () => {
    expect(fundingPaymentUsd(10, 100, 0.1, 1 / 365)).toBeCloseTo((1000 * 0.1) / 365, 12);
    expect(fundingPaymentUsd(10, 100, 0.1, 0)).toBe(0);
  });
  it('long and short of the same size net to zero (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e6, noNaN: true }), fc.double({ min: 1e-6, max: 1e6, noNaN: true }), fc.double({ min: -1, max: 1, noNaN: true }), (q, p, r) => {
        expect(fundingPaymentUsd(q, p, r, 1) + fundingPaymentUsd(-q, p, r, 1)).toBe(0);
      }),
    );
  });
});

describe('accrueFunding', () => {
  it('sums the payments and writes the running total', () => {
    const out = new Float64Array(2);
    const total = accrueFunding({ quantity: -2, markPrices: [1500, 1400], fundingRates: [0.0001, 0.0002], dt: 1 }, out);
    expect(total).toBeCloseTo(-0.86, 15);
    expect(out[0]).toBeCloseTo(-0.3, 15);
    expect(out[1]).toBeCloseTo(-0.86, 15);
  });
  it('takes per-interval dt', () => {
    const total = accrueFunding({ quantity: 1, markPrices: Float64Array.of(100, 100), fundingRates: Float64Array.of(0.1, 0.1), dt: Float64Array.of(0.5, 0.25) });
    expect(total).toBeCloseTo(7.5, 12);
  });
  it('an empty series accrues nothing', () => {
    expect(accrueFunding({ quantity: 1, markPrices: [], fundingRates: [], dt: 1 })).toBe(0);
  });
  it('refuses series of different lengths', () => {
    expect(() => accrueFunding({ quantity: 1, markPrices: [1, 2], fundingRates: [0.1], dt: 1 })).toThrow(/lengths differ: 2 prices, 1 rates/);
    expect(() => accrueFunding({ quantity: 1, markPrices: [1], fundingRates: [0.1], dt: [1, 2] })).toThrow(RangeError);
    expect(() => accrueFunding({ quantity: 1, markPrices: [1, 2], fundingRates: [0.1, 0.1], dt: 1 }, new Float64Array(1))).toThrow(RangeError);
  });
  it('equals the sum of single payments (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -100, max: 100, noNaN: true }),
        fc.array(fc.tuple(fc.double({ min: 1, max: 1e4, noNaN: true }), fc.double({ min: -0.01, max: 0.01, noNaN: true })), { maxLength: 50 }),
        (q, rows) => {
          const prices = rows.map((r) => r[0]);
          const rates = rows.map((r) => r[1]);
          const expected = rows.reduce((s, [p, r]) => s + fundingPaymentUsd(q, p, r, 1 / 3), 0);
          expect(accrueFunding({ quantity: q, markPrices: prices, fundingRates: rates, dt: 1 / 3 })).toBe(expected);
        },
      ),
    );
  });
});
