import { describe, expect, it } from 'vitest';
import { expandSweep, sweepOverrides, withPath } from '../../src/sim/sweep.ts';
import { UserError } from '../../src/core/errors.ts';

describe('sweeps', () => {
  it('cartesian: every combination, first parameter slowest', () => {
    expect(sweepOverrides({ a: [1, 2], b: [3, 4, 5] }, 'cartesian')).toEqual([
      { a: 1, b: 3 }, { a: 1, b: 4 }, { a: 1, b: 5 }, { a: 2, b: 3 }, { a: 2, b: 4 }, { a: 2, b: 5 },
    ]);
  });

  it('zip: i-th values together, shorter lists repeat their last value (radCAD)', () => {
    expect(sweepOverrides({ a: [1, 2, 3], b: [7] }, 'zip')).toEqual([{ a: 1, b: 7 }, { a: 2, b: 7 }, { a: 3, b: 7 }]);
    expect(sweepOverrides({}, 'zip')).toEqual([{}]);
  });

  it('sets nested paths without touching the base', () => {
    const base = { x: 1, deposits: [{ rate: 0.1 }, { rate: 0.2 }] };
    const out = expandSweep(base, { 'deposits.1.rate': [0.3, 0.4] }, 'cartesian');
    expect(out.map((p) => p.deposits[1].rate)).toEqual([0.3, 0.4]);
    expect(base.deposits[1].rate).toBe(0.2);
  });

  it('rejects unknown paths and empty lists', () => {
    expect(() => withPath({ a: 1 }, 'b', 2)).toThrow(UserError);
    expect(() => withPath({ a: 1 }, 'a.b.c', 2)).toThrow(/sweep\.parameters\.a\.b\.c/);
    expect(() => sweepOverrides({ a: [] }, 'cartesian')).toThrow(/sweep\.parameters\.a/);
  });
});
