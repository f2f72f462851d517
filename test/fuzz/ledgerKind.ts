/**
 * The ledger-feed fuzz kind: a valid JSON-lines feed (the last 2 of the ~20 events the ledger
 * each case starts from already holds, and ~20 new ones), mutated at the field and byte level
 * and synced with `treasury sync`. Beyond the suite's invariant (exit 0 or 2, never 1, a hang or OOM):
 * - exit 2 leaves the ledger byte-identical (and no write-ahead log beside it);
 * - exit 0 leaves a consistent ledger (its snapshot is the replay of its events, its balance
 *   updates add up) holding the starting events plus those the sync applied, a re-sync of the
 *   same feed applies nothing, and a later valid feed still syncs (no accepted input poisons
 *   later syncs).
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { expect } from 'vitest';
import { generateFeed } from '../../src/ledger/generate.ts';
import { runCli } from '../helpers/cli.ts';
import type { CaseResult } from './harness.ts';

/** Events of the generated feed, and how many of them the starting ledger already holds. */
const EVENTS = 40;
const LINES = [...generateFeed({ events: EVENTS, seed: 21 })];
const blockOf = (line: string): number => (JSON.parse(line) as { blockNumber: number }).blockNumber;
/** The first 20 events rounded up to a whole block (a block is synced whole). */
const STORED = LINES.filter((l) => blockOf(l) <= blockOf(LINES[19])).length;

/**
 * The seed document, one object per feed line: the last two stored events (a sync checks that a
 * feed's events up to the cursor are stored with the same content) and the 20 new ones.
 */
export const LEDGER_FEED_SEED: unknown[] = LINES.slice(STORED - 2).map((l) => JSON.parse(l) as unknown);

/** Seed index of the first event the starting ledger does not hold. */
const FIRST_NEW = 2;
const UINT256_MAX = 2n ** 256n - 1n;
const AMOUNT_FIELDS = ['assets', 'shares', 'balance', 'quantity', 'navPerShare'];

/**
 * Mutations that keep a feed's shape (so many are accepted and reach the store): a new event's
 * amount set to any uint256, its notes or reason to any text (controls and lone surrogates
 * included), its time to any instant of years 1..9999, the event dropped or repeated.
 */
export const LEDGER_SHAPED_MUTATION: fc.Arbitrary<{ doc: unknown; describe: string }> = fc
  .record({
    at: fc.nat(),
    op: fc.constantFrom('amount', 'amount', 'text', 'time', 'drop', 'repeat'),
    amount: fc.oneof(fc.bigInt({ min: 0n, max: UINT256_MAX }), fc.constantFrom(0n, 1n, UINT256_MAX, 10n ** 38n, 2n ** 128n)),
    text: fc.string({ unit: 'binary', maxLength: 30 }),
    time: fc.integer({ min: Date.UTC(1, 0, 1), max: Date.UTC(9999, 11, 31, 23, 59, 59, 999) }).map((ms) => new Date(ms).toISOString()),
  })
  .map(({ at, op, amount, text, time }) => {
    const doc = structuredClone(LEDGER_FEED_SEED) as Record<string, unknown>[];
    const i = FIRST_NEW + (at % (doc.length - FIRST_NEW));
    const event = doc[i];
    if (op === 'amount') {
      const fields = AMOUNT_FIELDS.filter((f) => f in event);
      const signed = event.kind === 'correction' && at % 2 === 1 && amount > 0n;
      event[fields[at % fields.length]] = `${signed ? '-' : ''}${amount}`;
    } else if (op === 'text') event[typeof event.reason === 'string' ? 'reason' : 'notes'] = text;
    else if (op === 'time') event.timestamp = time;
    else if (op === 'drop') doc.splice(i, 1);
    else doc.splice(i, 0, structuredClone(event));
    return { doc, describe: JSON.stringify({ op, line: i + 1, amount: op === 'amount' ? String(amount) : undefined, text: op === 'text' ? text : undefined, time: op === 'time' ? time : undefined }) };
  });

/** Field values aimed at the feed's own rules (amounts, times, hashes, text), besides the suite's. */
export const LEDGER_HOSTILE_VALUES: unknown[] = [
  (2n ** 256n).toString(), (2n ** 256n - 1n).toString(), (2n ** 255n).toString(), '9'.repeat(38), '1'.repeat(39), '-1', '+5', '1e6', '1.5', '007', '', '0', '1', '12345',
  '2024-02-30T00:00:00Z', '2024-01-01T24:00:00Z', '2024-13-01T00:00:00Z', '1969-12-31T23:59:59Z', '9999-12-31T23:59:59.999Z', '2024-01-01',
  `0x${'AB'.repeat(32)}`, `0x${'0'.repeat(40)}`, '0x12', 'fee\u0007', '\ud800', 'a\u009bb', 'Überweisung 💸', 2 ** 31, 2 ** 53 - 1, 9007199254740993, 1e15,
  'deposit', 'redeem', 'interest', 'settle', 'transfer', 'correction', 'mint',
];

const INIT = ['treasury', 'init', '--chain-id', '1', '--address', `0x${'1'.repeat(40)}`, '--name', 'Fuzz', '--symbol', 'cfUSD'];
let base: Buffer | undefined;

/** The starting ledger's bytes: built once (init, then the seed's first {@link STORED} events). */
function baseLedger(): Buffer {
  if (base !== undefined) return base;
  const dir = mkdtempSync(join(tmpdir(), 'capflow-fuzz-ledger-'));
  const db = join(dir, 'ledger.duckdb');
  const prefix = join(dir, 'prefix.jsonl');
  writeFileSync(prefix, `${LINES.slice(0, STORED).join('\n')}\n`);
  for (const argv of [[...INIT, '--db', db], ['treasury', 'sync', '--events', prefix, '--db', db]]) {
    const r = runCli(argv);
    if (r.code !== 0) throw new Error(`cannot build the fuzz ledger: ${argv.join(' ')}: ${r.stderr}`);
  }
  base = readFileSync(db);
  return base;
}

/** Where a case's ledger lives: beside its output directory (which must stay empty on exit 2). */
export function ledgerOf(outDir: string): string {
  return join(dirname(outDir), 'ledger.duckdb');
}

/** Puts a fresh copy of the starting ledger in a case's directory. */
export function prepareLedger(dir: string): void {
  writeFileSync(join(dir, 'ledger.duckdb'), baseLedger());
}

type Run = (argv: string[]) => Promise<CaseResult>;

function json(r: CaseResult, what: string): Record<string, any> {
  expect(r.code, `${what}: exit ${r.code}\n${r.stderr.slice(0, 1500)}\n${r.stdout.slice(0, 500)}`).toBe(0);
  return JSON.parse(r.stdout) as Record<string, any>;
}

/**
 * The ledger invariant after a case that synced `input` into the ledger beside `outDir`.
 *
 * @example await checkLedgerCase(input, outDir, r, (argv) => cli.run(argv), where);
 */
export async function checkLedgerCase(input: string, outDir: string, r: CaseResult, run: Run, where: string): Promise<void> {
  const db = ledgerOf(outDir);
  if (r.code === 2) {
    expect(readFileSync(db).equals(baseLedger()), `exit 2 changed the ledger\n${where}`).toBe(true);
    expect(existsSync(`${db}.wal`), `exit 2 left a write-ahead log\n${where}`).toBe(false);
    return;
  }
  const synced = json(r, `the case\n${where}`);
  // the same feed again, with one later valid event at its end: every line of the accepted feed
  // is a duplicate now, and the later event is booked (nothing the feed brought poisons a sync)
  const cursor = (synced.cursor as number | null) ?? -1;
  const later = cursor < Number.MAX_SAFE_INTEGER;
  const deposit = {
    kind: 'deposit', chainId: 1, blockNumber: cursor + 1, txHash: `0x${'fe'.repeat(32)}`, logIndex: 0, timestamp: '9999-12-31T23:59:59.999Z',
    owner: `0x${'77'.repeat(20)}`, assets: '1000000', shares: '1000000000000000000',
  };
  const again = join(dirname(outDir), 'again.jsonl');
  writeFileSync(again, Buffer.concat([readFileSync(input), Buffer.from(later ? `\n${JSON.stringify(deposit)}\n` : '\n')]));
  const resync = json(await run(['treasury', 'sync', '--events', again, '--db', db, '--json']), `re-sync of the same feed and a later event\n${where}`);
  expect(resync.applied, where).toBe(later ? 1 : 0);
  const verify = json(await run(['treasury', 'verify', '--db', db, '--json']), `verify after an accepted feed and its re-sync\n${where}`);
  expect(verify.consistent, where).toBe(true);
  expect(verify.events, `the ledger holds the starting events, what the sync applied and the later event\n${where}`).toBe(STORED + (synced.applied as number) + (later ? 1 : 0));
}
