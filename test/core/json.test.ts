/**
 * Result JSON: the one-pass rendering (finite numbers) and the path-naming one (a NaN or an
 * Infinity somewhere) give what the contract says: bigints and typed arrays as JSON values,
 * a non-finite figure refused by its path, or written as a string under `summary`.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toResultJson } from '../../src/core/json.ts';
import { isUserError } from '../../src/core/errors.ts';

/** The JSON value a result should become: bigints as decimal strings, typed arrays as arrays. */
function expected(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (ArrayBuffer.isView(value)) return Array.from(value as Float64Array, (x) => expected(x));
  if (Array.isArray(value)) return value.map(expected);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expected(v)]));
  return value;
}

const leaf = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.bigInt(), fc.string({ maxLength: 6 }), fc.boolean(), fc.constant(null), fc.float64Array({ noNaN: true, noDefaultInfinity: true, maxLength: 4 }));
const { tree } = fc.letrec((tie) => ({
  tree: fc.oneof({ depthSize: 'small' }, leaf, tie('array'), tie('object')),
  array: fc.array(tie('tree'), { maxLength: 4 }),
  object: fc.dictionary(fc.stringMatching(/^[a-z]{1,6}$/).filter((k) => k !== 'summary'), tie('tree'), { maxKeys: 4 }),
}));

/** Every path to a leaf-or-container slot of `value`, as [parent, key, path text]. */
function slots(value: unknown, path = ''): Array<[Record<string | number, unknown>, string | number, string]> {
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return [];
  const entries: Array<[string | number, unknown]> = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  return entries.flatMap(([k, v]) => {
    const p = typeof k === 'number' ? `${path}[${k}]` : path === '' ? k : `${path}.${k}`;
    return [[value as Record<string | number, unknown>, k, p] as [Record<string | number, unknown>, string | number, string], ...slots(v, p)];
  });
}

describe('result JSON', () => {
  it('writes finite results as JSON with bigints as strings and typed arrays as arrays (property)', () => {
    fc.assert(
      fc.property(tree, fc.constantFrom(0, 2), (value, indent) => {
        const text = toResultJson(value, indent);
        expect(text).toBe(JSON.stringify(expected(value), null, indent));
      }),
      { numRuns: 500, seed: 31 },
    );
  });

  it('refuses a non-finite figure anywhere, naming its path (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.stringMatching(/^[a-z]{1,6}$/).filter((k) => k !== 'summary'), tree, { minKeys: 1, maxKeys: 4 }), fc.nat(), fc.constantFrom(NaN, Infinity, -Infinity), (value, pick, bad) => {
        const all = slots(value);
        const [parent, key, path] = all[pick % all.length];
        parent[key] = bad;
        let caught: unknown;
        try {
          toResultJson(value);
        } catch (e) {
          caught = e;
        }
        expect(isUserError(caught)).toBe(true);
        expect((caught as { field: string }).field).toBe(path);
      }),
      { numRuns: 300, seed: 37 },
    );
  });

  it('writes a non-finite metric under summary as a string, and still names one elsewhere', () => {
    expect(JSON.parse(toResultJson({ summary: { sharpe: NaN, calmar: [Infinity] }, n: 1n, v: new Float64Array([1, 2]) }))).toEqual({ summary: { sharpe: 'NaN', calmar: ['Infinity'] }, n: '1', v: [1, 2] });
    expect(() => toResultJson({ summary: { ok: 1 }, runs: [{ roi: new Float64Array([1, NaN]) }] })).toThrow(/runs\[0\]\.roi\[1\] is NaN/);
  });
});
