import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checkConfigShape, formatPath, loadConfigFile, MAX_CONFIG_DEPTH, parseConfig } from '../../src/core/config.ts';
import { caughtUserError } from '../helpers/errors.ts';

const Schema = z.strictObject({
  rules: z.strictObject({
    weights: z.array(z.strictObject({ venue: z.string(), maxConcentration: z.number().min(0).max(1) })),
  }),
});


describe('config loading', () => {
  it('formats paths as people write them', () => {
    expect(formatPath(['rules', 'weights', 1, 'maxConcentration'])).toBe('rules.weights[1].maxConcentration');
    expect(formatPath([])).toBe('(root)');
  });

  it('names the path of a bad value', () => {
    const e = caughtUserError(() => parseConfig(Schema, { rules: { weights: [{ venue: 'a', maxConcentration: 0.5 }, { venue: 'b', maxConcentration: 2 }] } }));
    expect(e.field).toBe('rules.weights[1].maxConcentration');
    expect(e.message).toContain('rules.weights[1].maxConcentration');
    expect(e.message).toContain('got 2');
  });

  it('shows Infinity and NaN as such, not as null (YAML .inf / .nan)', () => {
    const Cash = z.strictObject({ cashUsd: z.number().finite(), rates: z.array(z.number()).max(1) });
    const dir = mkdtempSync(join(tmpdir(), 'capflow-config-'));
    writeFileSync(join(dir, 'inf.yaml'), 'cashUsd: .inf\nrates: [1]\n');
    const inf = caughtUserError(() => loadConfigFile(join(dir, 'inf.yaml'), Cash));
    expect(inf.field).toBe('cashUsd');
    expect(inf.message).toContain('(got Infinity)');
    expect(inf.message).not.toContain('null');
    expect(caughtUserError(() => parseConfig(Cash, { cashUsd: -Infinity, rates: [] })).message).toContain('(got -Infinity)');
    expect(caughtUserError(() => parseConfig(Cash, { cashUsd: Number.NaN, rates: [] })).message).toContain('(got NaN)');
    expect(caughtUserError(() => parseConfig(Cash, { cashUsd: 1, rates: [Infinity, Number.NaN] })).message).toContain('(got [Infinity,NaN])');
  });

  it('treats unknown keys as errors', () => {
    const e = caughtUserError(() => parseConfig(Schema, { rules: { weights: [], extra: 1 } }));
    expect(e.field).toBe('rules.extra');
    expect(e.message).toMatch(/unknown field rules\.extra/);
  });

  it('reads JSON and YAML files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'capflow-config-'));
    writeFileSync(join(dir, 'a.json'), JSON.stringify({ rules: { weights: [{ venue: 'x', maxConcentration: 1 }] } }));
    writeFileSync(join(dir, 'a.yaml'), 'rules:\n  weights:\n    - venue: x\n      maxConcentration: 1\n');
    expect(loadConfigFile(join(dir, 'a.json'), Schema)).toEqual(loadConfigFile(join(dir, 'a.yaml'), Schema));
  });

  it('reports missing files, bad syntax, duplicate keys and unknown file types', () => {
    const dir = mkdtempSync(join(tmpdir(), 'capflow-config-'));
    expect(caughtUserError(() => loadConfigFile(join(dir, 'nope.yaml'), Schema)).message).toMatch(/file not found/);
    writeFileSync(join(dir, 'bad.json'), '{"rules": ');
    expect(caughtUserError(() => loadConfigFile(join(dir, 'bad.json'), Schema)).message).toMatch(/cannot parse JSON/);
    writeFileSync(join(dir, 'dup.yaml'), 'rules: {}\nrules: {}\n');
    expect(caughtUserError(() => loadConfigFile(join(dir, 'dup.yaml'), Schema)).message).toMatch(/cannot parse YAML/);
    writeFileSync(join(dir, 'a.txt'), '');
    expect(caughtUserError(() => loadConfigFile(join(dir, 'a.txt'), Schema)).message).toMatch(/unsupported config file type/);
  });

  it('names the line of a syntax error in YAML and JSON (the fast plain-data reader leaves errors to the full parser)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'capflow-config-'));
    writeFileSync(join(dir, 'dup.yaml'), 'rules:\n  weights: []\n  weights: []\n');
    const dup = caughtUserError(() => loadConfigFile(join(dir, 'dup.yaml'), Schema));
    expect(dup.field).toBe(join(dir, 'dup.yaml'));
    expect(dup.message).toMatch(/cannot parse YAML: Map keys must be unique at line 3, column 3/);
    writeFileSync(join(dir, 'indent.yaml'), 'rules:\n  weights: []\n extra: 1\n');
    expect(caughtUserError(() => loadConfigFile(join(dir, 'indent.yaml'), Schema)).message).toMatch(/cannot parse YAML: .* at line 3, column 1/);
    writeFileSync(join(dir, 'comma.json'), '{\n  "rules": {\n    "weights": [],\n  }\n}\n');
    expect(caughtUserError(() => loadConfigFile(join(dir, 'comma.json'), Schema)).message).toMatch(/cannot parse JSON: .*\(?line 4,? column 3\)?/);
  });

  it('reads YAML beyond plain data (anchors, block scalars) with the full parser', () => {
    const dir = mkdtempSync(join(tmpdir(), 'capflow-config-'));
    writeFileSync(join(dir, 'anchor.yaml'), 'rules:\n  weights:\n    - &w { venue: x, maxConcentration: 1 }\n    - *w\n');
    expect(loadConfigFile(join(dir, 'anchor.yaml'), Schema)).toEqual({ rules: { weights: [{ venue: 'x', maxConcentration: 1 }, { venue: 'x', maxConcentration: 1 }] } });
  });

  it('refuses the first out-of-range number or too-deep nesting in document order, naming its path (property)', () => {
    /** The first problem in document order, by a plain walk that carries every path. */
    const reference = (doc: unknown): string | undefined => {
      const visit = (value: unknown, path: PropertyKey[]): string | undefined => {
        if (typeof value === 'number') return Number.isFinite(value) && Math.abs(value) <= Number.MAX_SAFE_INTEGER ? undefined : `range ${formatPath(path)}`;
        if (value === null || typeof value !== 'object') return undefined;
        if (path.length >= MAX_CONFIG_DEPTH) return `depth ${formatPath(path.slice(0, 8))}`;
        const entries: Array<[PropertyKey, unknown]> = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
        for (const [k, v] of entries) {
          const found = visit(v, [...path, k]);
          if (found !== undefined) return found;
        }
        return undefined;
      };
      return visit(doc, []);
    };
    const actual = (doc: unknown): string | undefined => {
      try {
        checkConfigShape(doc, 'x.yaml');
        return undefined;
      } catch (e) {
        const err = e as { field: string; message: string };
        return `${/nested deeper/.test(err.message) ? 'depth' : 'range'} ${err.field}`;
      }
    };
    const nest = (value: unknown, levels: number, key: string): unknown => (levels === 0 ? value : { [key]: nest(value, levels - 1, key) });
    const leaf = fc.oneof(fc.double(), fc.integer(), fc.string({ maxLength: 3 }), fc.constant(null), fc.constant(2 ** 60));
    const { doc } = fc.letrec((tie) => ({
      doc: fc.oneof({ depthSize: 'small' }, leaf, tie('array'), tie('object'), fc.tuple(leaf, fc.integer({ min: 55, max: 70 })).map(([v, n]) => nest(v, n, 'd'))),
      array: fc.array(tie('doc'), { maxLength: 4 }),
      object: fc.dictionary(fc.stringMatching(/^[a-z]{1,4}$/), tie('doc'), { maxKeys: 4 }),
    }));
    fc.assert(fc.property(doc, (d) => actual(d) === reference(d)), { numRuns: 800, seed: 41 });
    expect(actual(nest(1, 70, 'k'))).toBe('depth k.k.k.k.k.k.k.k');
    expect(actual({ a: [1, { b: Infinity }], c: NaN })).toBe('range a[1].b');
  });
});
