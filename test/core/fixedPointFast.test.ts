/**
 * The one-division paths of `divRound` (non-negative operands) and of `rayMul` / `wadMul`
 * (Aave's `(x + half) / unit`) give exactly what the quotient-and-remainder rule gives, for
 * every rounding and any sign.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { divRound, mulDiv, RAY, rayDiv, rayMul, WAD, wadDiv, wadMul, type Rounding } from '../../src/core/fixedPoint.ts';

/** The rule as written before the fast paths: truncate, then adjust by the remainder. */
function byRemainder(a: bigint, b: bigint, rounding: Rounding): bigint {
  const q = a / b;
  const r = a % b;
  if (r === 0n) return q;
  const negative = a < 0n !== b < 0n;
  if (rounding === 'floor') return negative ? q - 1n : q;
  if (rounding === 'ceil') return negative ? q : q + 1n;
  const twiceR = (r < 0n ? -r : r) * 2n;
  const absB = b < 0n ? -b : b;
  if (twiceR >= absB) return negative ? q - 1n : q + 1n;
  return q;
}

const rounding = fc.constantFrom<Rounding>('floor', 'ceil', 'halfUp');
const big = (bits: bigint) => fc.bigInt({ min: -(1n << bits), max: 1n << bits });

describe('divRound, mulDiv, rayMul, wadMul, rayDiv, wadDiv', () => {
  it('round as the quotient-and-remainder rule does, for any signs and sizes', () => {
    fc.assert(
      fc.property(big(200n), big(100n).filter((b) => b !== 0n), rounding, (a, b, r) => {
        expect(divRound(a, b, r)).toBe(byRemainder(a, b, r));
      }),
      { numRuns: 3000 },
    );
  });

  it('round small quotients (remainders near half of odd and even divisors) as the rule does', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -1000n, max: 1000n }), fc.bigInt({ min: -20n, max: 20n }).filter((b) => b !== 0n), rounding, (a, b, r) => {
        expect(divRound(a, b, r)).toBe(byRemainder(a, b, r));
      }),
      { numRuns: 3000 },
    );
  });

  it('multiply and divide by RAY and WAD as mulDiv by the rule does', () => {
    fc.assert(
      fc.property(big(120n), big(100n), rounding, (a, b, r) => {
        expect(rayMul(a, b, r)).toBe(byRemainder(a * b, RAY, r));
        expect(wadMul(a, b, r)).toBe(byRemainder(a * b, WAD, r));
        expect(rayMul(a, b)).toBe(byRemainder(a * b, RAY, 'halfUp'));
        if (b !== 0n) {
          expect(rayDiv(a, b, r)).toBe(byRemainder(a * RAY, b, r));
          expect(wadDiv(a, b, r)).toBe(byRemainder(a * WAD, b, r));
          expect(mulDiv(a, RAY, b, r)).toBe(byRemainder(a * RAY, b, r));
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('rounds exact halves of RAY and WAD away from zero', () => {
    expect(rayMul(RAY / 2n, 1n)).toBe(1n);
    expect(rayMul(RAY / 2n - 1n, 1n)).toBe(0n);
    expect(rayMul(-(RAY / 2n), 1n)).toBe(-1n);
    expect(wadMul(WAD / 2n, 1n)).toBe(1n);
    expect(wadMul(-(WAD / 2n) + 1n, 1n)).toBe(0n);
  });
});
