import { describe, expect, it } from 'vitest';
import { showValue, UserError } from '../../src/core/errors.ts';

describe('showValue', () => {
  it('shows numbers and strings as given', () => {
    expect(showValue(1.5)).toBe('1.5');
    expect(showValue(Infinity)).toBe('Infinity');
    expect(showValue(Number.NaN)).toBe('NaN');
    expect(showValue('a b')).toBe('"a b"');
    expect(showValue(12n)).toBe('12');
    expect(showValue(undefined)).toBe('undefined');
  });

  it('shows Infinity, -Infinity, NaN and bigints inside objects and arrays as numbers, not null', () => {
    expect(showValue({ cashUsd: Infinity, rates: [Number.NaN, 1, -Infinity], units: 5n })).toBe('{"cashUsd":Infinity,"rates":[NaN,1,-Infinity],"units":5}');
    expect(showValue([1, 'x', null])).toBe('[1,"x",null]');
  });

  it('leaves strings that look like its marker alone', () => {
    expect(showValue({ s: '\u0000Infinity' })).toBe('{"s":"\\u0000Infinity"}');
  });
});

describe('UserError', () => {
  it('puts the field first and the hint last', () => {
    const e = new UserError({ field: '--price', value: -1, message: 'must be > 0', hint: 'pass the token price in USD' });
    expect(e.message).toBe('--price: must be > 0 (pass the token price in USD)');
    expect([e.field, e.value, e.hint]).toEqual(['--price', -1, 'pass the token price in USD']);
  });
});
