import { describe, expect, it } from 'vitest';
import { parseNumberFlag, parseNumberListFlag } from '../../src/cli/flags.ts';
import { UserError } from '../../src/core/errors.ts';

describe('parseNumberFlag', () => {
  it('reads decimal text: sign, digits, fraction and exponent', () => {
    expect(parseNumberFlag('--price', '1500')).toBe(1500);
    expect(parseNumberFlag('--price', ' -0.25 ')).toBe(-0.25);
    expect(parseNumberFlag('--price', '+3')).toBe(3);
    expect(parseNumberFlag('--price', '.5')).toBe(0.5);
    expect(parseNumberFlag('--price', '2.')).toBe(2);
    expect(parseNumberFlag('--fee', '1e-4')).toBe(0.0001);
    expect(parseNumberFlag('--fee', '2.5E+3')).toBe(2500);
    expect(parseNumberFlag('--price', '007')).toBe(7);
  });

  it('refuses hex, binary and octal literals, naming the flag', () => {
    for (const raw of ['0x10', '0X10', '0b1', '0o7', '-0x10']) {
      expect(() => parseNumberFlag('--price', raw), raw).toThrow(UserError);
    }
    expect(() => parseNumberFlag('--price', '0x10')).toThrow(/--price: must be a number, got "0x10" \(write it in decimal/);
    expect(() => parseNumberFlag('--utilization', '0b1', { min: 0, max: 1 })).toThrow(/--utilization: must be a number >= 0 and <= 1, got "0b1"/);
  });

  it('keeps refusing empty text, NaN, Infinity and other non-numbers', () => {
    for (const raw of ['', '  ', 'NaN', 'Infinity', '-Infinity', '1e999', '1,5', '1_000', 'e5', '.', '1e', '--1', '12abc']) {
      expect(() => parseNumberFlag('--price', raw), JSON.stringify(raw)).toThrow(UserError);
    }
  });

  it('checks bounds, returns the fallback for a missing flag and requires it otherwise', () => {
    expect(() => parseNumberFlag('--price', '0', { gt: 0 })).toThrow(/--price: must be a number > 0, got 0/);
    expect(parseNumberFlag('--fee', undefined, {}, 0.003)).toBe(0.003);
    expect(() => parseNumberFlag('--price', undefined)).toThrow(/--price: is required/);
  });
});

describe('parseNumberListFlag', () => {
  it('parses each item as decimal and names the bad one', () => {
    expect(parseNumberListFlag('--current', '100, 200.5')).toEqual([100, 200.5]);
    expect(() => parseNumberListFlag('--current', '100,0x10')).toThrow(/--current\[1\]: must be a number, got "0x10"/);
  });
});
