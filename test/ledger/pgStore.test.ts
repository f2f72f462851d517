/**
 * The ledger on a real PostgreSQL (Debian's server, started for these tests): the same feed
 * gives the same ledger as in DuckDB, every table compared row by row; uint256 amounts exact;
 * errors name --db and never show the password; a reader sees one snapshot; a second writer
 * waits or is refused.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateFeed, JsonlEventSource, formatFeedLine, parseFeed, syncLedger, treasurySummary, verifyLedger, withLedger, openLedger, type LedgerEvent } from '../../src/index.ts';
import { BusyError, UserError } from '../../src/core/errors.ts';
import { GENERATED_FEED_CONFIG } from '../../src/ledger/generate.ts';
import { dumpDuckDbLedger, dumpPgLedger } from '../helpers/ledgerTables.ts';
import { usePostgres } from '../helpers/postgres.ts';
import { DEPLOYMENT, OWNER_A, OWNER_B, ev } from './helpers.ts';

const MAX = 2n ** 256n - 1n;
const pg = usePostgres();

const tempDir = (): string => mkdtempSync(join(tmpdir(), 'capflow-pg-ledger-'));

async function rejection(p: Promise<unknown>): Promise<UserError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(UserError);
  return e as UserError;
}

describe('the ledger in PostgreSQL', () => {
  it('gives the DuckDB ledger of the same feed, every table row by row; a re-sync applies nothing', async () => {
    const dir = tempDir();
    const feedPath = join(dir, 'feed.jsonl');
    writeFileSync(feedPath, `${[...generateFeed({ events: 3000, seed: 5 })].join('\n')}\n`);
    const deployment = { ...DEPLOYMENT, symbol: GENERATED_FEED_CONFIG.shareSymbol };
    const duck = join(dir, 'ledger.duckdb');
    const url = pg().createDatabase('parity');
    const now = () => new Date('2025-06-01T00:00:00.000Z');
    for (const db of [duck, url]) {
      await withLedger(db, (store) => store.init(deployment), { create: true });
      const result = await withLedger(db, (store) => syncLedger(store, JsonlEventSource.fromFile(feedPath), { batchSize: 700, now }));
      expect(result.applied).toBe(3000);
      expect(result.batches).toBeGreaterThan(3);
    }
    const [a, b] = [await dumpDuckDbLedger(duck), await dumpPgLedger(url)];
    expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
    for (const table of Object.keys(a)) expect(b[table], table).toEqual(a[table]);
    expect(a.events).toHaveLength(3000);
    expect(a.balance_updates.length).toBeGreaterThan(3000);

    const read = (db: string) =>
      withLedger(db, async (store) => ({ summary: treasurySummary(await store.loadState()), history: await store.history({ limit: 50 }), verify: await verifyLedger(store, JsonlEventSource.fromFile(feedPath)) }), { access: 'read' });
    const [fromDuck, fromPg] = [await read(duck), await read(url)];
    expect(fromPg).toEqual(fromDuck);
    expect(fromPg.verify.problems).toEqual([]);
    const again = await withLedger(url, (store) => syncLedger(store, JsonlEventSource.fromFile(feedPath), { now }));
    expect(again).toMatchObject({ applied: 0, duplicates: 3000 });
  }, 120_000);

  it('stores and sums amounts up to 2^256 - 1 exactly (totals beyond it too)', async () => {
    const url = pg().createDatabase('u256');
    const events: LedgerEvent[] = [
      ev(1, { kind: 'deposit', owner: OWNER_A, assets: MAX, shares: MAX }),
      ev(2, { kind: 'deposit', owner: OWNER_B, assets: MAX, shares: MAX }),
      ev(3, { kind: 'transfer', from: OWNER_A, to: OWNER_B, shares: MAX - 1n }),
      ev(4, { kind: 'redeem', owner: OWNER_B, assets: 1n, shares: 1n }),
    ];
    const source = new JsonlEventSource('u256', parseFeed(events.map(formatFeedLine).join('\n')));
    await withLedger(url, (store) => store.init(DEPLOYMENT), { create: true });
    await withLedger(url, (store) => syncLedger(store, source));
    await withLedger(url, async (store) => {
      const state = await store.loadState();
      expect(state.totalAssets).toBe(2n * MAX - 1n);
      expect(state.totalShares).toBe(2n * MAX - 1n);
      expect(state.shareBalances.get(OWNER_B)).toBe(2n * MAX - 2n);
      expect((await store.updateSums()).sums.get('reserve\u0000USDC')).toBe(2n * MAX - 1n);
      expect((await verifyLedger(store, source)).problems).toEqual([]);
      expect((await store.eventsInOrder()).map(formatFeedLine)).toEqual(events.map(formatFeedLine));
    }, { access: 'read' });
    const dump = await dumpPgLedger(url);
    expect(dump.events.join('\n')).toContain(`assets=${MAX}`);
    expect(dump.holdings.join('\n')).toContain(`quantity=${2n * MAX - 1n}`);
  }, 60_000);

  it('refuses unreachable servers, bad URLs and a database without a ledger naming the field, never showing the password', async () => {
    const port = new URL(pg().url).port;
    const unreachable = await rejection(openLedger('postgres://fund:s3cret@127.0.0.1:1/ledger'));
    expect(unreachable.field).toBe('--db');
    expect(unreachable.message).toMatch(/cannot connect to postgres:\/\/fund@127\.0\.0\.1:1\/ledger/);
    const noDb = await rejection(openLedger(`postgres://capflow:s3cret@127.0.0.1:${port}/missing`, { field: 'CAPFLOW_DB_URL' }));
    expect(noDb.field).toBe('CAPFLOW_DB_URL');
    expect(noDb.message).toMatch(/does not exist/);
    const empty = pg().createDatabase('empty');
    expect((await rejection(openLedger(empty, { access: 'read' }))).message).toMatch(/no ledger in .*empty.*treasury init/);
    expect((await rejection(openLedger(empty))).message).toMatch(/no ledger in/);
    for (const e of [unreachable, noDb]) expect(`${e.message} ${String(e.value)}`).not.toContain('s3cret');
  }, 60_000);

  it('a reader sees one committed snapshot while a writer commits', async () => {
    const url = pg().createDatabase('snapshot');
    await withLedger(url, (store) => store.init(DEPLOYMENT), { create: true });
    const feed = (n: number) => new JsonlEventSource('feed', parseFeed(Array.from({ length: n }, (_, i) => formatFeedLine(ev(i + 1, { kind: 'deposit', owner: OWNER_A, assets: 1_000_000n, shares: 10n ** 18n }))).join('\n')));
    await withLedger(url, (store) => syncLedger(store, feed(2)));
    const reader = await openLedger(url, { access: 'read' });
    try {
      expect((await reader.loadState()).eventsApplied).toBe(2);
      await withLedger(url, (store) => syncLedger(store, feed(5)));
      const state = await reader.loadState();
      expect([state.eventsApplied, state.lastBlockScanned, (await reader.eventSeqs()).count]).toEqual([2, 2, 2]);
    } finally {
      await reader.close();
    }
    expect(await withLedger(url, async (store) => (await store.loadState()).eventsApplied, { access: 'read' })).toBe(5);
  }, 60_000);

  it('a second writer waits for the first, or is refused at once with lockTimeoutMs 0', async () => {
    const url = pg().createDatabase('lock');
    await withLedger(url, (store) => store.init(DEPLOYMENT), { create: true });
    const first = await openLedger(url);
    const refused = await rejection(openLedger(url, { lockTimeoutMs: 0 }));
    expect(refused).toBeInstanceOf(BusyError); // exit 4, as a busy DuckDB file
    expect(refused.message).toMatch(/another capflow process is writing the ledger/);
    const timedOut = await rejection(openLedger(url, { lockTimeoutMs: 300 }));
    expect(timedOut.message).toMatch(/waited 0.3 s/);
    const started = Date.now();
    const second = openLedger(url, { lockTimeoutMs: 30_000 });
    setTimeout(() => void first.close(), 500);
    const store = await second;
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    await store.close();
  }, 60_000);
});
