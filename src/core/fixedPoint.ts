/**
 * Exact fixed-point arithmetic on `bigint`, with the rounding direction explicit at every
 * division. WAD = 1e18 (ERC-20 style), RAY = 1e27 (Aave indexes and rates).
 */
import { UserError } from './errors.ts';

/** 10^18. */
export const WAD = 10n ** 18n;
/** 10^27. */
export const RAY = 10n ** 27n;
/** Halves of WAD and RAY: half-up of a non-negative x / WAD is ⌊(x + WAD/2) / WAD⌋ (both are even). */
const HALF_WAD = WAD / 2n;
const HALF_RAY = RAY / 2n;
/** RAY = 2^27 · 5^27, and 5^27 < 2^63: ⌊y / RAY⌋ = ⌊⌊y / 2^27⌋ / 5^27⌋ for y ≥ 0, a shift and a one-digit division (BigInt division by a two-digit RAY is several times slower). */
const FIVE_POW_27 = 5n ** 27n;
/** RAY / WAD = 10^9. */
export const WAD_RAY_RATIO = 10n ** 9n;

/** How a division rounds: toward −∞ (`floor`), toward +∞ (`ceil`), or to nearest with halves away from zero (`halfUp`). */
export type Rounding = 'floor' | 'ceil' | 'halfUp';

/**
 * a / b rounded as asked. Works for negative operands (floor is toward −∞, ceil toward +∞,
 * halfUp rounds a half away from zero).
 *
 * @example divRound(7n, 2n, 'floor') // 3n; divRound(7n, 2n, 'ceil') // 4n; divRound(5n, 2n, 'halfUp') // 3n
 */
export function divRound(a: bigint, b: bigint, rounding: Rounding): bigint {
  if (b === 0n) throw new RangeError('division by zero');
  if (a >= 0n && b > 0n) {
    // one division instead of a quotient and a remainder: with a ≥ 0 and b > 0, ⌊a/b⌋ is the
    // truncation, ⌈a/b⌉ = ⌊(a + b − 1)/b⌋, and half-up = ⌊(2a + b)/2b⌋ (= q + 1 exactly when 2r ≥ b)
    if (rounding === 'floor') return a / b;
    if (rounding === 'ceil') return (a + b - 1n) / b;
    return (2n * a + b) / (2n * b);
  }
  const q = a / b; // truncates toward zero
  const r = a % b;
  if (r === 0n) return q;
  const negative = a < 0n !== b < 0n;
  switch (rounding) {
    case 'floor':
      return negative ? q - 1n : q;
    case 'ceil':
      return negative ? q : q + 1n;
    case 'halfUp': {
      const twiceR = (r < 0n ? -r : r) * 2n;
      const absB = b < 0n ? -b : b;
      if (twiceR >= absB) return negative ? q - 1n : q + 1n;
      return q;
    }
  }
}

/**
 * x · y / denominator in full precision with one rounding at the end.
 *
 * @example mulDiv(10n, 3n, 4n, 'ceil') // 8n (7.5 rounded up)
 */
export function mulDiv(x: bigint, y: bigint, denominator: bigint, rounding: Rounding): bigint {
  return divRound(x * y, denominator, rounding);
}

/** a · b / WAD, rounded as asked (Aave's wadMul is `halfUp`). */
export function wadMul(a: bigint, b: bigint, rounding: Rounding = 'halfUp'): bigint {
  const x = a * b;
  if (rounding === 'halfUp' && x >= 0n) return (x + HALF_WAD) / WAD;
  return divRound(x, WAD, rounding);
}

/** a · WAD / b, rounded as asked (Aave's wadDiv is `halfUp`). */
export function wadDiv(a: bigint, b: bigint, rounding: Rounding = 'halfUp'): bigint {
  return mulDiv(a, WAD, b, rounding);
}

/** a · b / RAY, rounded as asked (Aave's rayMul is `halfUp`). */
export function rayMul(a: bigint, b: bigint, rounding: Rounding = 'halfUp'): bigint {
  const x = a * b;
  if (rounding === 'halfUp' && x >= 0n) return ((x + HALF_RAY) >> 27n) / FIVE_POW_27; // Aave's rayMul: ⌊(x + RAY/2) / RAY⌋
  return divRound(x, RAY, rounding);
}

/** a · RAY / b, rounded as asked (Aave's rayDiv is `halfUp`). */
export function rayDiv(a: bigint, b: bigint, rounding: Rounding = 'halfUp'): bigint {
  return mulDiv(a, RAY, b, rounding);
}

/** RAY → WAD, half-up, as Aave's rayToWad. */
export function rayToWad(a: bigint): bigint {
  return divRound(a, WAD_RAY_RATIO, 'halfUp');
}

/** WAD → RAY (exact). */
export function wadToRay(a: bigint): bigint {
  return a * WAD_RAY_RATIO;
}

/** Integer square root, floor(√n), for n ≥ 0 (Newton's method from above). */
export function sqrtFloor(n: bigint): bigint {
  if (n < 0n) throw new RangeError('sqrt of a negative number');
  if (n < 2n) return n;
  // 2^ceil(bits/2) ≥ √n, and Newton's iteration decreases monotonically from above.
  let x = 1n << BigInt(Math.ceil(n.toString(2).length / 2));
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

const DECIMAL_RE = /^(-)?(\d+)(?:\.(\d+))?$/;

/**
 * A decimal string in token units → base units for a token with `decimals` decimals.
 * Refuses more fractional digits than the token has unless `rounding` is given.
 *
 * @example toBaseUnits('1.5', 6) // 1500000n
 */
export function toBaseUnits(amount: string, decimals: number, rounding?: Rounding): bigint {
  checkDecimals(decimals);
  const m = DECIMAL_RE.exec(amount.trim());
  if (m === null) {
    throw new UserError({ message: `not a decimal number: ${JSON.stringify(amount)}`, value: amount, hint: 'write digits with an optional "." and fraction, e.g. "1234.56"' });
  }
  const [, sign, whole, frac = ''] = m;
  const magnitude = BigInt(whole + frac);
  const signed = sign === '-' ? -magnitude : magnitude; // sign first, so floor/ceil round the signed value
  if (frac.length <= decimals) return signed * 10n ** BigInt(decimals - frac.length);
  if (rounding === undefined) {
    throw new UserError({ message: `${amount} has more than ${decimals} decimals`, value: amount, hint: `round it to ${decimals} decimals` });
  }
  return divRound(signed, 10n ** BigInt(frac.length - decimals), rounding);
}

/**
 * Base units → an exact decimal string in token units (no trailing zeros).
 *
 * @example fromBaseUnits(1500000n, 6) // '1.5'
 */
export function fromBaseUnits(units: bigint, decimals: number): string {
  checkDecimals(decimals);
  const negative = units < 0n;
  const abs = negative ? -units : units;
  const scale = 10n ** BigInt(decimals);
  const whole = abs / scale;
  const frac = (abs % scale).toString().padStart(decimals, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${frac === '' ? '' : `.${frac}`}`;
}

/** Base units → a float64 in token units (for reporting; lossy above 2^53). */
export function baseUnitsToNumber(units: bigint, decimals: number): number {
  return Number(fromBaseUnits(units, decimals));
}

/**
 * The shortest decimal text that round-trips a finite float, without exponent notation.
 *
 * @example plainDecimal(1e21) // '1000000000000000000000'; plainDecimal(1.5e-7) // '0.00000015'
 */
export function plainDecimal(value: number): string {
  const text = String(value);
  const m = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (m === null) return text;
  const [, sign, whole, frac = '', expText] = m;
  const digits = whole + frac;
  const point = whole.length + Number(expText);
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/**
 * A float64 in token units → base units, rounded as asked from the float's shortest
 * round-trip decimal text, so 0.1 becomes exactly 10^17 at 18 decimals.
 *
 * @example numberToBaseUnits(0.1, 18) // 100000000000000000n
 */
export function numberToBaseUnits(value: number, decimals: number, rounding: Rounding = 'halfUp'): bigint {
  if (!Number.isFinite(value)) throw new UserError({ message: `not a finite number: ${value}`, value });
  return toBaseUnits(plainDecimal(value), decimals, rounding);
}

function checkDecimals(decimals: number): void {
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 77) {
    throw new UserError({ message: `decimals must be an integer in [0, 77], got ${decimals}`, value: decimals });
  }
}
