import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { monthlyReturns, rollingReturn, rollingVolatility } from '../../src/report/calendar.ts';
import { addDays } from '../../src/scenarios/fund/setup.ts';

describe('monthly returns', () => {
  it('compound the days of each month, from the last value of the month before', () => {
    // 2024-12-15 … 2025-02-10 with a different daily return in each month
    const dates: string[] = [];
    const values: number[] = [];
    const daily: Record<string, number> = { '2024-12': 0.001, '2025-01': -0.0005, '2025-02': 0.002 };
    let v = 100;
    for (let d = 0; ; d++) {
      const date = addDays('2024-12-15', d);
      if (date > '2025-02-10') break;
      if (d > 0) v *= 1 + daily[date.slice(0, 7)];
      dates.push(date);
      values.push(v);
    }
    const rows = monthlyReturns(dates, values);
    expect(rows.map((r) => r.year)).toEqual([2024, 2025]);
    // December: 16 returns (Dec 16 … Dec 31) after the start value of Dec 15
    expect(rows[0].months[11]).toBeCloseTo(1.001 ** 16 - 1, 12);
    expect(rows[0].months.slice(0, 11).every((m) => m === null)).toBe(true);
    // January: 31 returns; February: 10
    expect(rows[1].months[0]).toBeCloseTo(0.9995 ** 31 - 1, 12);
    expect(rows[1].months[1]).toBeCloseTo(1.002 ** 10 - 1, 12);
    expect(rows[1].months[2]).toBeNull();
    expect(rows[1].yearReturn).toBeCloseTo(0.9995 ** 31 * 1.002 ** 10 - 1, 12);
    expect(rows[0].partialMonths).toEqual([11]);
    expect(rows[1].partialMonths).toEqual([1]);
  });

  it('multiply back to the total return (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -0.02, max: 0.02, noNaN: true }), { minLength: 1, maxLength: 500 }), fc.integer({ min: 0, max: 800 }), (rs, offset) => {
        const dates = Array.from({ length: rs.length + 1 }, (_, i) => addDays('2024-01-01', offset + i));
        const values = [1];
        for (const r of rs) values.push(values[values.length - 1] * (1 + r));
        const growth = monthlyReturns(dates, values).reduce((g, row) => g * (1 + row.yearReturn), 1);
        expect(growth).toBeCloseTo(values[values.length - 1], 9);
      }),
    );
  });

  it('a horizon from the first to the last day of a month is a whole month', () => {
    const dates = Array.from({ length: 31 }, (_, i) => addDays('2025-01-01', i));
    const rows = monthlyReturns(dates, dates.map((_, i) => 1 + i / 100));
    expect(rows[0].partialMonths).toEqual([]);
    expect(rows[0].months[0]).toBeCloseTo(0.3, 12);
  });
});

describe('rolling windows', () => {
  it('return over the trailing window', () => {
    const r = rollingReturn([1, 1.1, 1.21, 1.1], 2);
    expect(r[0]).toBeNaN();
    expect(r[1]).toBeNaN();
    expect(r[2]).toBeCloseTo(0.21, 12);
    expect(r[3]).toBeCloseTo(0, 12);
  });

  it('volatility of the trailing returns agrees with a direct computation', () => {
    const values = [1, 1.01, 1, 1.01];
    const v = rollingVolatility(values, 3, 365);
    // returns 0.01, -1/101, 0.01: sample std × √365
    const rs = [0.01, 1 / 1.01 - 1, 0.01];
    const mean = rs.reduce((a, b) => a + b) / 3;
    const std = Math.sqrt(rs.reduce((a, b) => a + (b - mean) ** 2, 0) / 2);
    expect(v[3]).toBeCloseTo(std * Math.sqrt(365), 12);
    expect(v[2]).toBeNaN();
  });
});
