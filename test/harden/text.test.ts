/**
 * Regression tests of issue 15 for dates and text: impossible dates are refused at the edge,
 * every accepted timestamp round-trips through the store unchanged, control characters, bidi
 * overrides, lone surrogates and invalid UTF-8 in feeds and names are refused naming the line
 * and field, and text that reaches the terminal, an error message or the HTML is escaped.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeControls, isSafeText } from '../../src/core/text.ts';
import { isCalendarTime } from '../../src/core/time.ts';
import { escapeHtml } from '../../src/report/html.ts';
import { JsonlEventSource, formatFeedLine, parseFeed, parseFeedLine, syncLedger, withLedgerStore, type LedgerEvent } from '../../src/index.ts';
import { runCli, runCliJson } from '../helpers/cli.ts';
import { DEPLOYMENT, OWNER_A, ev } from '../ledger/helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'capflow-text-'));
const TX = `0x${'ab'.repeat(32)}`;
const DEPOSIT = { kind: 'deposit', chainId: 1, blockNumber: 100, txHash: TX, logIndex: 0, timestamp: '2024-01-01T00:00:00Z', owner: OWNER_A, assets: '1000000', shares: '1000000000000000000' };
const CORRECTION = { kind: 'correction', chainId: 1, blockNumber: 100, txHash: TX, logIndex: 0, timestamp: '2024-01-01T00:00:00Z', asset: 'USDC', quantity: '5', reason: 'fee' };
const line = (fields: Record<string, unknown>, base: object = DEPOSIT): string => JSON.stringify({ ...base, ...fields });
const INIT = ['treasury', 'init', '--chain-id', '1', '--address', `0x${'1'.repeat(40)}`, '--symbol', 'cfUSD'];

describe('dates and times', () => {
  it.each(['2024-02-30T00:00:00Z', '2023-02-29T12:00:00Z', '2024-01-01T24:00:00Z', '2024-13-01T00:00:00Z', '2024-01-01T23:60:00Z', '2024-04-31T00:00:00.500Z', '2024-00-10T00:00:00Z'])(
    'a feed refuses the impossible timestamp %s, naming the line and field',
    (timestamp) => {
      expect(() => parseFeedLine(line({ timestamp }), 4)).toThrow(/^line 4: timestamp: is not a valid date and time/);
    },
  );

  it('knows real days and times', () => {
    expect(['2024-02-29T23:59:59Z', '2024-02-29', '0001-01-01T00:00:00.000Z', '9999-12-31T23:59:59.999Z'].every(isCalendarTime)).toBe(true);
    expect(['2024-02-30', '2023-02-29', '2024-06-31', '2024-01-01T24:00:00Z'].some(isCalendarTime)).toBe(false);
  });

  it('treasury init --block-time and data import --from refuse impossible dates (exit 2, nothing written)', () => {
    const db = join(dir, 'never.duckdb');
    const r = runCliJson([...INIT, '--name', 'F', '--block-time', '2024-02-30T00:00:00Z', '--db', db]);
    expect(r.code).toBe(2);
    expect(r.json.error.field).toBe('--block-time');
    const d = runCliJson(['data', 'import', 'examples/data/lending-usdc.csv', '--as', 'venue', '--venue', 'v', '--config', 'examples/data/lending-usdc.yaml', '--from', '2023-02-29', '--db', join(dir, 'h.duckdb')]);
    expect(d.code).toBe(2);
    expect(d.json.error.field).toBe('--from');
  });

  it('every accepted timestamp round-trips through the store unchanged', async () => {
    const stamp = fc.integer({ min: Date.UTC(1, 0, 1), max: Date.UTC(9999, 11, 31, 23, 59, 59, 999) });
    await fc.assert(
      fc.asyncProperty(fc.array(stamp, { minLength: 1, maxLength: 12 }), fc.boolean(), async (times, wholeSeconds) => {
        const texts = [...times].sort((a, b) => a - b).map((ms) => {
          const iso = new Date(wholeSeconds ? ms - (((ms % 1000) + 1000) % 1000) : ms).toISOString();
          return wholeSeconds ? `${iso.slice(0, 19)}Z` : iso; // both shapes the feed takes
        });
        const feedText = texts.map((timestamp, i) => line({ blockNumber: i + 1, txHash: `0x${(i + 1).toString(16).padStart(64, '0')}`, timestamp })).join('\n');
        const feed = parseFeed(feedText);
        const path = join(mkdtempSync(join(dir, 'ts-')), 'l.duckdb');
        const stored = await withLedgerStore(path, async (store) => {
          await store.init(DEPLOYMENT);
          await syncLedger(store, new JsonlEventSource('t', feed));
          return store.eventsInOrder();
        }, { create: true });
        expect(stored.map((e) => e.timestamp)).toEqual(texts.map((t) => new Date(t).toISOString()));
        expect(stored.map(formatFeedLine)).toEqual(feed.events.map((s) => formatFeedLine(s.event)));
      }),
      { seed: 15, numRuns: 25 },
    );
  }, 120_000);
});

describe('text: refused where it comes in', () => {
  const hostile: [string, string][] = [
    ['a bell', 'fee\u0007'], ['an escape sequence', 'x\u001b[2J'], ['a carriage return', 'a\rb'], ['NUL', '\u0000'], ['a C1 control', 'a\u009bb'],
    ['a bidi override', 'fee \u202egnp.exe'], ['a bidi isolate', '\u2066x'], ['a lone high surrogate', 'a\ud800'], ['a lone low surrogate', '\udc00b'],
  ];
  it.each(hostile)('notes and reasons: %s is refused naming the line and field', (_, text) => {
    expect(() => parseFeedLine(line({ notes: text }), 3)).toThrow(/^line 3: notes: must not contain control characters/);
    expect(() => parseFeedLine(line({ reason: text }, CORRECTION), 3)).toThrow(/^line 3: reason: must not contain control characters/);
  });

  it('keeps accents, emoji and CJK in notes', () => {
    const notes = 'Überweisung 💸 手数料 — ok';
    expect(isSafeText(notes)).toBe(true);
    expect((parseFeedLine(line({ notes }), 1).event as LedgerEvent & { notes: string }).notes).toBe(notes);
  });

  it('a feed or scenario that is not UTF-8 is refused (exit 2 naming the line), the ledger byte-identical', () => {
    const db = join(dir, 'utf8.duckdb');
    expect(runCli([...INIT, '--name', 'F', '--db', db]).code).toBe(0);
    const before = readFileSync(db);
    const feed = join(dir, 'bad.jsonl');
    const good = Buffer.from(`${line({})}\n`);
    writeFileSync(feed, Buffer.concat([good, Buffer.from('{"kind":"deposit","notes":"caf'), Buffer.from([0xc3, 0x28]), Buffer.from('"}\n')])); // 0xc3 0x28: not UTF-8
    const r = runCliJson(['treasury', 'sync', '--events', feed, '--db', db]);
    expect(r.code).toBe(2);
    expect(r.json.error.field).toBe('line 2');
    expect(r.json.error.message).toMatch(/line 2: is not valid UTF-8 in .*bad\.jsonl/);
    const scenario = join(dir, 'bad.yaml');
    writeFileSync(scenario, Buffer.concat([Buffer.from('model: cam\nname: "caf'), Buffer.from([0xff]), Buffer.from('"\n')]));
    const s = runCliJson(['run', scenario]);
    expect(s.code).toBe(2);
    expect(s.json.error.message).toMatch(/not valid UTF-8 \(first bad byte on line 2\)/);
    expect(readFileSync(db).equals(before)).toBe(true);
  });

  it('treasury init --name refuses control characters, and the error never prints them raw', () => {
    for (const name of ['a\u001b[31mred', 'x\u009by', 'evil\u202etxt.exe']) {
      const r = runCli([...INIT, '--name', name, '--db', join(dir, 'n.duckdb')]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/--name: must be a name of 1-64 characters without control characters/);
      expect(r.stderr).not.toMatch(/[\u001b\u009b\u202e]/);
    }
  });
});

describe('text: escaped where it goes out', () => {
  it('escapes control characters, bidi overrides and lone surrogates as visible \\uXXXX', () => {
    expect(escapeControls('a\u0007b\u202ec\ud800')).toBe('a\\u0007b\\u202ec\\ud800');
    expect(escapeControls('line 1\n\tline 2', true)).toBe('line 1\n\tline 2');
    expect(escapeControls('😀 ok')).toBe('😀 ok');
    expect(escapeHtml('x\u001b[2J<b>')).toBe('x\\u001b[2J&lt;b&gt;');
  });

  it('keeps only the newlines and tabs with keepLines, and output is always safe text but for them', () => {
    const unsafeChar = fc.constantFrom('\u0000', '\u0007', '\t', '\n', '\u000b', '\r', '\u001b', '\u007f', '\u0085', '\u009f', '\u202a', '\u202e', '\u2066', '\u2069', '\ud800', '\udfff');
    const text = fc.array(fc.oneof(fc.string({ unit: 'grapheme' }), unsafeChar), { maxLength: 12 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(text, (s) => {
        const kept = escapeControls(s, true);
        const lines = s.split(/([\n\t])/);
        // each run between newlines and tabs escapes as it does alone, and the newlines and tabs stay
        expect(kept).toBe(lines.map((part, i) => (i % 2 === 1 ? part : escapeControls(part))).join(''));
        expect(isSafeText(escapeControls(s))).toBe(true);
        expect(isSafeText(kept.replace(/[\n\t]/g, ' '))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('a name read from a chain with control characters reaches the terminal escaped, and show still works', async () => {
    const db = join(dir, 'chain-name.duckdb');
    const name = 'Vault\u001b]0;pwned\u0007 \u202eDSU';
    await withLedgerStore(db, async (store) => {
      await store.init({ ...DEPLOYMENT, name });
      await syncLedger(store, new JsonlEventSource('t', parseFeed(formatFeedLine(ev(1, { kind: 'deposit', owner: OWNER_A, assets: 10n ** 6n, shares: 10n ** 18n })))));
    }, { create: true });
    const human = runCli(['treasury', 'show', '--db', db]);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
    expect(human.stdout).toContain('Vault\\u001b]0;pwned\\u0007 \\u202eDSU');
    const json = runCliJson(['treasury', 'show', '--db', db]);
    expect(json.json.deployment.name).toBe(name); // the JSON value is exact (escaped in the text)
    expect(runCli(['treasury', 'show', '--db', db, '--json']).stdout).not.toMatch(/[\u001b\u0007\u202e]/);
    expect(runCliJson(['treasury', 'verify', '--db', db]).code).toBe(0);
  });
});
