import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import {
  GENERATED_FEED_CONFIG,
  JsonlEventSource,
  formatFeedLine,
  generateFeed,
  parseFeed,
  syncLedger,
  treasurySummary,
  verifyLedger,
  withLedgerStore,
  type LedgerEvent,
  type LedgerStore,
} from '../../src/index.ts';
import { ROOT, runCliJson } from '../helpers/cli.ts';
import { DEPLOYMENT, OWNER_A, OWNER_B, ev } from './helpers.ts';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'capflow-sync-'));
}

function sourceOf(lines: string[]): JsonlEventSource {
  return new JsonlEventSource('test feed', parseFeed(lines.join('\n')));
}

function linesOf(events: LedgerEvent[]): string[] {
  return events.map(formatFeedLine);
}

/** A small valid history: deposits, a supply to Aave, interest, a request, a settlement and a claim. */
const HISTORY: LedgerEvent[] = [
  ev(1, { kind: 'deposit', owner: OWNER_A, assets: 1000_000000n, shares: 1000n * 10n ** 18n }),
  ev(1, { kind: 'deposit', owner: OWNER_B, assets: 500_000000n, shares: 500n * 10n ** 18n }, 1),
  ev(2, { kind: 'correction', asset: 'aUSDC', quantity: 800_000000n, reason: 'supply', position: 'aave' }),
  ev(2, { kind: 'correction', asset: 'USDC', quantity: -800_000000n, reason: 'supply' }, 1),
  ev(3, { kind: 'interest', asset: 'aUSDC', balance: 801_000000n }),
  ev(4, { kind: 'redeem_request', owner: OWNER_B, shares: 100n * 10n ** 18n }),
  ev(5, { kind: 'settle', owner: OWNER_B, shares: 100n * 10n ** 18n, navPerShare: 1_000_666n }),
  ev(6, { kind: 'redeem', owner: OWNER_B, assets: 100_066600n, shares: 100n * 10n ** 18n }),
  ev(7, { kind: 'redeem', owner: OWNER_A, assets: 100_000000n, shares: 99n * 10n ** 18n }),
];

async function withLedger<T>(work: (store: LedgerStore) => Promise<T>): Promise<T> {
  return withLedgerStore(join(tempDir(), 'l.duckdb'), async (store) => {
    await store.init(DEPLOYMENT);
    return work(store);
  }, { create: true });
}

async function books(store: LedgerStore): Promise<unknown> {
  return { summary: treasurySummary(await store.loadState()), history: await store.history({ limit: 1000 }) };
}

describe('syncLedger', () => {
  it('books a feed and reports what it applied', async () => {
    await withLedger(async (store) => {
      const result = await syncLedger(store, sourceOf(linesOf(HISTORY)), { batchSize: 2 });
      expect(result).toMatchObject({ applied: 9, duplicates: 0, previousCursor: -1, cursor: 7 });
      expect(result.appliedByKind).toEqual({ deposit: 2, redeem: 2, redeem_request: 1, settle: 1, interest: 1, correction: 2 });
      const summary = treasurySummary(await store.loadState());
      // 1500 in, +1 interest, −100.0666 settled, −100 redeemed
      expect(summary.totalAssets).toBe('1300933400');
      expect(summary.totalShares).toBe(`${1301n * 10n ** 18n}`);
      expect(summary.claimableAssets).toBe('0');
      expect(summary.lastBlockScanned).toBe(7);
      expect((await verifyLedger(store, sourceOf(linesOf(HISTORY)))).consistent).toBe(true);
    });
  });

  it('is a no-op on replay: same books and cursor, every event a duplicate', async () => {
    await withLedger(async (store) => {
      await syncLedger(store, sourceOf(linesOf(HISTORY)), { batchSize: 3 });
      const before = await books(store);
      const replay = await syncLedger(store, sourceOf(linesOf(HISTORY)), { batchSize: 3 });
      expect(replay).toMatchObject({ applied: 0, duplicates: 9, cursor: 7, previousCursor: 7, batches: 0 });
      expect(await books(store)).toEqual(before);
    });
  });

  it('applies only what is new when the feed grows, and counts lines repeated in the file', async () => {
    await withLedger(async (store) => {
      await syncLedger(store, sourceOf(linesOf(HISTORY.slice(0, 4))));
      const lines = linesOf(HISTORY);
      const grown = await syncLedger(store, sourceOf([...lines, lines[8]]));
      expect(grown).toMatchObject({ applied: 5, duplicates: 5, previousCursor: 2, cursor: 7 });
      expect((await store.loadState()).eventsApplied).toBe(9);
    });
  });

  it('writes nothing when a line breaks the books, and names the line and field', async () => {
    await withLedger(async (store) => {
      const bad = [...HISTORY.slice(0, 7), ev(6, { kind: 'redeem', owner: OWNER_A, assets: 10_000_000000n, shares: 1n })];
      await expect(syncLedger(store, sourceOf(linesOf(bad)), { batchSize: 2 })).rejects.toThrow(/line 8: assets: pays 10000000000 but the reserve holds/);
      const state = await store.loadState();
      expect(state.eventsApplied).toBe(0);
      expect(state.lastBlockScanned).toBe(-1);
      expect((await store.history()).total).toBe(0);
    });
  });

  it('refuses a stored event with other content, an unknown event in a synced block, and another chain', async () => {
    await withLedger(async (store) => {
      await syncLedger(store, sourceOf(linesOf(HISTORY)));
      const changed = linesOf([...HISTORY.slice(0, 4), ev(3, { kind: 'interest', asset: 'aUSDC', balance: 802_000000n })]);
      await expect(syncLedger(store, sourceOf(changed))).rejects.toThrow(/line 5: logIndex: event 1:0x0+3:0 is stored with other content/);
      const inserted = linesOf([...HISTORY.slice(0, 2), ev(2, { kind: 'deposit', owner: OWNER_A, assets: 1n, shares: 1n }, 5)]);
      await expect(syncLedger(store, sourceOf(inserted))).rejects.toThrow(/line 3: blockNumber: block 2 was already synced \(cursor 7\)/);
      const otherChain = linesOf([{ ...ev(9, { kind: 'deposit', owner: OWNER_A, assets: 1n, shares: 1n }), chainId: 10 } as LedgerEvent]);
      await expect(syncLedger(store, sourceOf(otherChain))).rejects.toThrow(/line 1: chainId: is 10 but the ledger keeps chain 1/);
      expect((await store.loadState()).eventsApplied).toBe(9);
    });
  });

  it('verify finds a tampered store', async () => {
    const path = join(tempDir(), 'l.duckdb');
    await withLedgerStore(path, async (store) => {
      await store.init(DEPLOYMENT);
      await syncLedger(store, sourceOf(linesOf(HISTORY)));
    }, { create: true });
    const instance = await DuckDBInstance.create(path);
    const conn = await instance.connect();
    await conn.run("DELETE FROM balance_updates WHERE cause = 'interest'");
    await conn.run('DELETE FROM events WHERE block_number = 7');
    conn.closeSync();
    instance.closeSync();
    const report = await withLedgerStore(path, (store) => verifyLedger(store, sourceOf(linesOf(HISTORY))));
    expect(report.consistent).toBe(false);
    expect(report.problems.join('\n')).toMatch(/holding aave\/aUSDC: 801000000, balance updates add up to 800000000/);
    expect(report.problems.join('\n')).toMatch(/1 events of test feed up to the cursor are missing or differ \(first: line 9\)/);
  });
});

describe('SIGKILL in the middle of a 200,000-event sync', () => {
  it('leaves the store consistent, and a re-sync completes without duplicates', async () => {
    const dir = tempDir();
    const feedPath = join(dir, 'feed.jsonl');
    const db = join(dir, 'ledger.duckdb');
    const total = 200_000;
    writeFileSync(feedPath, `${[...generateFeed({ events: total, seed: 3 })].join('\n')}\n`);
    await withLedgerStore(db, (store) => store.init({ ...DEPLOYMENT, symbol: GENERATED_FEED_CONFIG.shareSymbol }), { create: true });

    const child = spawn(process.execPath, [`${ROOT}bin/capflow`, 'treasury', 'sync', '--events', feedPath, '--db', db, '--progress', '--batch-size', '5000']);
    let progressLines = 0;
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      progressLines += text.split('\n').filter((l) => l.startsWith('synced')).length;
      if (progressLines >= 3) child.kill('SIGKILL');
    });
    const source = JsonlEventSource.fromFile(feedPath); // parsed while the child runs
    const { signal } = await exited;
    expect(signal).toBe('SIGKILL');

    const afterKill = await withLedgerStore(db, (store) => verifyLedger(store, source));
    expect(afterKill.problems).toEqual([]);
    expect(afterKill.events).toBeGreaterThan(0);
    expect(afterKill.events).toBeLessThan(total);

    const resync = runCliJson(['treasury', 'sync', '--events', feedPath, '--db', db]);
    expect(resync.code).toBe(0);
    expect(resync.json.applied).toBe(total - afterKill.events);
    expect(resync.json.duplicates).toBe(afterKill.events);

    const final = await withLedgerStore(db, (store) => verifyLedger(store, source));
    expect(final).toMatchObject({ consistent: true, events: total, problems: [] });
  });
});
