// The zod bundle of dist/core/zod.js (scripts/bundle-zod.mjs, run by the build and by the tests'
// global setup) against zod itself (src/core/zod.ts, as the tests import it): the same names,
// the same parses and the same messages; and every schema in src/ is built from that one module.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as source from '../../src/core/zod.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const bundled = (await import(new URL('dist/core/zod.js', `file://${ROOT}`).href)) as typeof source;

/** Every .ts file under a directory. */
function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

/** A schema using every exported builder, built with one zod or the other. */
function schemaOf(z: typeof source) {
  const venue = z.strictObject({
    id: z.string().min(1),
    kind: z.enum(['aave', 'erc4626']),
    capUsd: z.number().min(0).optional(),
    tags: z.array(z.string()).max(2).default([]),
    weights: z.record(z.string(), z.number()),
    limits: z.partialRecord(z.enum(['min', 'max']), z.number()),
    extra: z.looseObject({ note: z.string() }).optional(),
    any: z.unknown(),
    on: z.boolean(),
    since: z.iso.date().optional(),
    tier: z.union([z.literal(1), z.literal(2)]),
    url: z.object({ host: z.string() }).optional(),
  });
  const action = z.discriminatedUnion('type', [z.strictObject({ type: z.literal('hold') }), z.strictObject({ type: z.literal('move'), amountUsd: z.number().positive() })]);
  return z.strictObject({ venues: z.array(venue), actions: z.array(action) });
}

const GOOD = { venues: [{ id: 'a', kind: 'aave', weights: { x: 1 }, limits: { min: 0 }, any: null, on: true, tier: 1, since: '2024-02-29' }], actions: [{ type: 'move', amountUsd: 5 }] };
const BAD = [
  { venues: [{ id: '', kind: 'dex', capUsd: -1, tags: ['a', 'b', 'c'], weights: { x: 'y' }, limits: { mid: 1 }, on: 'yes', tier: 3, since: '2024-02-30', extra: { note: 1 } }], actions: [{ type: 'swap' }, { type: 'move', amountUsd: 0 }], surplus: 1 },
  { venues: 'none', actions: null },
  [],
];

describe('the zod bundle (dist/core/zod.js)', () => {
  it('exports the names src/core/zod.ts exports, and loads no zod module of its own', () => {
    expect(Object.keys(bundled).sort()).toEqual(Object.keys(source).sort());
    expect(readFileSync(join(ROOT, 'dist/core/zod.js'), 'utf8')).not.toMatch(/from\s*["']zod|import\(\s*["']zod|require\(\s*["']zod/);
  });

  it('parses as zod does, with the same issues and English messages', () => {
    const ours = schemaOf(bundled);
    const theirs = schemaOf(source);
    expect(ours.parse(GOOD)).toEqual(theirs.parse(GOOD));
    for (const input of BAD) {
      const a = ours.safeParse(input);
      const b = theirs.safeParse(input);
      expect(a.success).toBe(false);
      expect(a.error?.issues).toEqual(b.error?.issues);
      expect(a.error?.issues.every((issue) => /^[A-Z][a-z]/.test(issue.message))).toBe(true);
    }
  });

  it('is the only way src/ reaches zod', () => {
    const direct = tsFiles(join(ROOT, 'src'))
      .filter((f) => !f.endsWith(join('core', 'zod.ts')))
      .filter((f) => /^\s*import[^;]*from\s*'zod(\/[^']*)?'|import\(\s*'zod/m.test(readFileSync(f, 'utf8')));
    expect(direct).toEqual([]);
  });
});
