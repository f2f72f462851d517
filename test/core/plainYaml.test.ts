/**
 * The fast plain-data YAML reader answers only what the `yaml` package answers: for any text it
 * either declines (undefined: the full parser reads it) or gives a deep-equal value, and it
 * declines every text the full parser refuses (so syntax errors keep their line numbers).
 */
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, stringify, type ToStringOptions } from 'yaml';
import { parsePlainYaml, resolvePlainScalar } from '../../src/core/plainYaml.ts';

/** What the full parser gives: the value, or 'throws'. */
function full(text: string): { value: unknown } | 'throws' {
  try {
    return { value: parse(text, { uniqueKeys: true, prettyErrors: true, logLevel: 'silent' }) };
  } catch {
    return 'throws';
  }
}

/** The reader's contract on one text: decline, or agree with the full parser. */
function agrees(text: string): boolean {
  const fast = parsePlainYaml(text);
  if (fast === undefined) return true;
  const f = full(text);
  return f !== 'throws' && isDeepStrictEqual(fast, f.value);
}

const TRICKY_STRINGS = [
  'a', 'venue-0001', 'true', 'True', 'yes', 'no', 'null', 'Null', '~', '', ' ', '1', '-1', '+1', '007', '0o17', '0x1F', '0X1F', '1e3', '1.', '.5', '-.inf', '.NaN', '1_000',
  'a: b', 'a:b', 'a #b', 'a#b', '#c', '- a', '-a', '? q', 'x, y', '[a]', '{b}', "it's", 'say "hi"', 'back\\slash', 'tab\there', 'line\nbreak', 'é ü 日本', '🙂',
  '__proto__', 'constructor', '<<', '&anchor', '*alias', '!tag', '|', '>', '%pct', '@at', '`tick', 'trailing ', ' leading', 'a  b', '---', '...', 'a: ', ':', 'nbsp\u00a0', '\u00a0lead', 'ideo\u3000', 'x\u00a0 ', '\u2003',
];
const key = fc.oneof(fc.constantFrom(...TRICKY_STRINGS), fc.string({ maxLength: 8 }), fc.stringMatching(/^[a-z][a-zA-Z0-9_-]{0,10}$/));
const scalar = fc.oneof(
  fc.constantFrom(...TRICKY_STRINGS),
  fc.string({ maxLength: 12 }),
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
);
const { value: document } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 5 }),
  object: fc.dictionary(key, tie('value'), { maxKeys: 6 }),
}));

/** An edit of a text: insert a piece, delete a range, or change a line's indentation. */
type Mutation = { kind: 'insert' | 'delete' | 'reindent'; at: number; piece?: string; length?: number; by?: number };

const STYLES: ToStringOptions[] = [
  {},
  { indentSeq: false },
  { indent: 4 },
  { collectionStyle: 'flow' },
  { flowCollectionPadding: false, collectionStyle: 'flow' },
  { defaultStringType: 'QUOTE_SINGLE' },
  { defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN' },
  { lineWidth: 0, minContentWidth: 0 },
];

describe('plain-data YAML reader', () => {
  it('reads every YAML file of the examples exactly as the full parser does', () => {
    for (const file of ['cam', 'delta-neutral', 'fund', 'fund-backtest', 'plan', 'data/lending-usdc', 'data/vault-usdc']) {
      const text = readFileSync(new URL(`../../examples/${file}.yaml`, import.meta.url), 'utf8');
      const fast = parsePlainYaml(text);
      expect(fast, file).not.toBeUndefined();
      expect(fast, file).toStrictEqual((full(text) as { value: unknown }).value);
    }
  });

  it('resolves scalars by the YAML 1.2 core schema', () => {
    expect(['~', 'null', 'NULL', '', 'true', 'FALSE', 'yes', '0o17', '0x1F', '-7', '+3', '1e3', '-.5', '.inf', '-.Inf', 'nan', '1_000'].map(resolvePlainScalar)).toStrictEqual([
      null, null, null, null, true, false, 'yes', 15, 31, -7, 3, 1000, -0.5, Infinity, -Infinity, 'nan', '1_000',
    ]);
    expect(Number.isNaN(resolvePlainScalar('.NaN'))).toBe(true);
  });

  it('reads block and flow forms', () => {
    const text = [
      '# a comment',
      'a: 1   # trailing comment',
      'b:',
      '- x',
      '-   y: "q\\"uote"',
      '    z: \'it\'\'s\'',
      '-',
      '  - 2.5',
      'c: { side: buy, reserveUsd: 150000 }',
      'd: [1, [2, "3"], {}, []]',
      'e:',
      'f: http://host:8545/path#frag',
      '"g h": -.inf',
      '',
    ].join('\r\n');
    expect(parsePlainYaml(text)).toStrictEqual({
      a: 1,
      b: ['x', { y: 'q"uote', z: "it's" }, [2.5]],
      c: { side: 'buy', reserveUsd: 150000 },
      d: [1, [2, '3'], {}, []],
      e: null,
      f: 'http://host:8545/path#frag',
      'g h': -Infinity,
    });
    expect(agrees(text)).toBe(true);
  });

  it('declines what it does not read, and every text the full parser refuses', () => {
    for (const text of [
      'a: &x 1\nb: *x\n', 'a: !!str 1\n', 'a: |\n  text\n', 'a: >\n  text\n', 'a: two\n  lines\n', '--- \na: 1\n', '%YAML 1.2\n---\na: 1\n', 'a:\n\t- 1\n',
      'a: 1\na: 2\n', 'a: b: c\n', '1: a\n', 'a: [1,\n  2]\n', '- - a\n', '? a\n: b\n', '', '# only a comment\n', 'a: "unterminated\n', 'a: 1\n - b\n', 'a:\n  b: 1\n c: 2\n',
      '<<: {a: 1}\n', '__proto__: 1\n', 'a: [x, ]\n', 'a: "\\x41"\n', '\ufeffa: 1\n', 'a: 1\nb: -\n', 'a: 1\n__proto__: 2\n', 'a: 1\nnull: 2\n', 'a: 1\na: 2\n',
    ]) {
      expect(parsePlainYaml(text), JSON.stringify(text)).toBeUndefined();
    }
  });

  it('agrees with the full parser on any data written in any style (property)', () => {
    let read = 0;
    let total = 0;
    fc.assert(
      fc.property(document, fc.constantFrom(...STYLES), (value, style) => {
        let text: string;
        try {
          text = stringify(value, style);
        } catch {
          return true; // a value this style cannot write
        }
        total++;
        if (parsePlainYaml(text) !== undefined) read++;
        return agrees(text);
      }),
      { numRuns: 1500, seed: 17 },
    );
    expect(read / total).toBeGreaterThan(0.5); // the fast path is taken for most plain data
  });

  it('agrees with the full parser on mutated snapshots, including broken ones (property)', () => {
    const bases = [
      readFileSync(new URL('../../examples/plan.yaml', import.meta.url), 'utf8'),
      ['list:', '- "quoted: #1"  # note', "- 'it''s'", '-   k: [1, "two", {a: b}]', '    v: {x: -0.5e3, y: ~}', 'empty:', 'url: http://h:1/p#f', 'n: 0x1F', ''].join('\n'),
    ];
    const pieces = [' ', '  ', '-', '- ', ':', ': ', '#', ' #', '"', "'", '[', ']', '{', '}', ',', '\n', '\n  ', 'a', '1', '.', '&', '*', '!', '|', '>', '?', '\t', '\r', '\\', '~'];
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), piece: fc.constantFrom(...pieces) }),
      fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 6 }) }),
      fc.record({ kind: fc.constant('reindent' as const), at: fc.nat(), by: fc.integer({ min: -3, max: 3 }) }),
    );
    const apply = (text: string, m: Mutation): string => {
      const at = m.at % (text.length + 1);
      if (m.kind === 'insert') return text.slice(0, at) + m.piece + text.slice(at);
      if (m.kind === 'delete') return text.slice(0, at) + text.slice(at + (m.length ?? 1));
      const lines = text.split('\n');
      const i = m.at % lines.length;
      lines[i] = (m.by ?? 0) >= 0 ? ' '.repeat(m.by ?? 0) + lines[i] : lines[i].replace(new RegExp(`^ {0,${-(m.by ?? 0)}}`), '');
      return lines.join('\n');
    };
    fc.assert(
      fc.property(fc.constantFrom(...bases), fc.array(mutation, { minLength: 1, maxLength: 3 }), (base, mutations) => agrees(mutations.reduce(apply, base))),
      { numRuns: 3000, seed: 23 },
    );
  });
});
