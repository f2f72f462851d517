import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  RAY,
  WAD,
  divRound,
  fromBaseUnits,
  mulDiv,
  numberToBaseUnits,
  plainDecimal,
  rayDiv,
  rayMul,
  rayToWad,
  sqrtFloor,
  toBaseUnits,
  wadDiv,
  wadMul,
  wadToRay,
  baseUnitsToNumber,
} from '../../src/core/fixedPoint.ts';
import { UserError } from '../../src/core/errors.ts';

describe('divRound', () => {
  it('rounds positive quotients as asked', () => {
    expect(divRound(7n, 2n, 'floor')).toBe(3n);
    expect(divRound(7n, 2n, 'ceil')).toBe(4n);
    expect(divRound(5n, 2n, 'halfUp')).toBe(3n);
    expect(divRound(4n, 3n, 'halfUp')).toBe(1n);
    expect(divRound(6n, 3n, 'ceil')).toBe(2n);
  });
  it('rounds negative quotients toward -inf (floor) and +inf (ceil)', () => {
    expect(divRound(-7n, 2n, 'floor')).toBe(-4n);
    expect(divRound(-7n, 2n, 'ceil')).toBe(-3n);
    expect(divRound(-5n, 2n, 'halfUp')).toBe(-3n);
    expect(divRound(7n, -2n, 'floor')).toBe(-4n);
  });
  it('refuses division by zero', () => {
    expect(() => divRound(1n, 0n, 'floor')).toThrow(RangeError);
  });
  it('floor ≤ exact ≤ ceil and they differ by at most one (property)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }), fc.bigInt({ min: 1n, max: 10n ** 30n }), (a, b) => {
        const f = divRound(a, b, 'floor');
        const c = divRound(a, b, 'ceil');
        expect(f * b <= a).toBe(true);
        expect(c * b >= a).toBe(true);
        expect(c - f <= 1n).toBe(true);
        const h = divRound(a, b, 'halfUp');
        expect(h === f || h === c).toBe(true);
      }),
    );
  });
});

describe('WAD / RAY', () => {
  it('multiplies and divides with half-up by default, as Aave', () => {
    expect(wadMul(2n * WAD, 3n * WAD)).toBe(6n * WAD);
    expect(wadDiv(WAD, 3n * WAD)).toBe(333333333333333333n);
    expect(wadDiv(2n * WAD, 3n * WAD)).toBe(666666666666666667n);
    expect(wadDiv(2n * WAD, 3n * WAD, 'floor')).toBe(666666666666666666n);
    expect(rayMul(RAY / 2n, 3n)).toBe(2n); // 1.5 rounds half up
    expect(rayDiv(RAY, 3n * RAY, 'ceil')).toBe(333333333333333333333333334n);
    expect(rayToWad(RAY + 5n * 10n ** 8n)).toBe(WAD + 1n);
    expect(wadToRay(3n * WAD)).toBe(3n * RAY);
    expect(rayToWad(wadToRay(123456789n))).toBe(123456789n);
    expect(mulDiv(10n, 3n, 4n, 'ceil')).toBe(8n);
  });
});

describe('sqrtFloor', () => {
  it('is the integer square root (property)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 60n }), (n) => {
        const r = sqrtFloor(n);
        expect(r * r <= n).toBe(true);
        expect((r + 1n) * (r + 1n) > n).toBe(true);
      }),
    );
  });
});

describe('base units', () => {
  it('converts decimal strings to base units and back', () => {
    expect(toBaseUnits('1.5', 6)).toBe(1500000n);
    expect(toBaseUnits('1000', 6)).toBe(1000000000n);
    expect(toBaseUnits('-0.000001', 6)).toBe(-1n);
    expect(fromBaseUnits(1500000n, 6)).toBe('1.5');
    expect(fromBaseUnits(-1n, 6)).toBe('-0.000001');
    expect(fromBaseUnits(10n ** 18n, 18)).toBe('1');
    expect(baseUnitsToNumber(1500000n, 6)).toBe(1.5);
    expect(baseUnitsToNumber(-1n, 6)).toBe(-0.000001);
  });
  it('refuses excess decimals unless told how to round', () => {
    expect(() => toBaseUnits('1.0000001', 6)).toThrow(UserError);
    expect(toBaseUnits('1.0000005', 6, 'halfUp')).toBe(1000001n);
    expect(toBaseUnits('1.0000009', 6, 'floor')).toBe(1000000n);
    expect(() => toBaseUnits('abc', 6)).toThrow(/not a decimal number/);
  });
  it('converts floats without binary noise', () => {
    expect(numberToBaseUnits(0.1, 6)).toBe(100000n);
    expect(numberToBaseUnits(1234.5678, 2, 'floor')).toBe(123456n);
    expect(() => numberToBaseUnits(NaN, 6)).toThrow(UserError);
    expect(numberToBaseUnits(0.1, 18)).toBe(10n ** 17n);
    expect(numberToBaseUnits(1e21, 0)).toBe(10n ** 21n);
    expect(numberToBaseUnits(1.5e-7, 8)).toBe(15n);
    expect(numberToBaseUnits(-2.5e-7, 6, 'floor')).toBe(-1n);
    expect(plainDecimal(1.2345e25)).toBe('12345000000000000000000000');
    expect(plainDecimal(-3e-10)).toBe('-0.0000000003');
  });
  it('round-trips any base-unit amount (property)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 38n), max: 10n ** 38n }), fc.integer({ min: 0, max: 30 }), (units, decimals) => {
        expect(toBaseUnits(fromBaseUnits(units, decimals), decimals)).toBe(units);
      }),
    );
  });
});
