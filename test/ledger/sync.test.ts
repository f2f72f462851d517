import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import {
  GENERATED_FEED_CONFIG,
  JsonlEventSource,
  PRICE_DEVIATIONS_SHOWN,
  PRICE_DEVIATION_LIMIT_PCT,
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
      expect(result).toMatchObject({ applied: 9, duplicates: 0, previousCursor: null, cursor: 7, fromBlock: 0, toBlock: 7 });
      expect(result.appliedByKind).toEqual({ deposit: 2, redeem: 2, redeem_request: 1, settle: 1, interest: 1, correction: 2, fee: 0, cost: 0, transfer: 0, deposit_request: 0, deposit_settle: 0 });
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
      await expect(syncLedger(store, sourceOf(linesOf(bad)), { batchSize: 2 })).rejects.toThrow(/^line 8: assets: pays 10000000000 but the reserve holds/);
      const state = await store.loadState();
      expect(state.eventsApplied).toBe(0);
      expect(state.lastBlockScanned).toBe(null);
      expect((await store.history()).total).toBe(0);
    });
  });

  it('refuses a stored event with other content, an unknown event in a synced block, and another chain, each naming its line once', async () => {
    await withLedger(async (store) => {
      await syncLedger(store, sourceOf(linesOf(HISTORY)));
      const refusal = (lines: string[]): Promise<unknown> => syncLedger(store, sourceOf(lines)).then(() => 'synced', (e: unknown) => e);
      const changed = linesOf([...HISTORY.slice(0, 4), ev(3, { kind: 'interest', asset: 'aUSDC', balance: 802_000000n })]);
      expect(await refusal(changed)).toMatchObject({ field: 'line 5: logIndex', message: expect.stringMatching(/^line 5: logIndex: event 1:0x0+3:0 is stored with other content/) });
      const inserted = linesOf([...HISTORY.slice(0, 2), ev(2, { kind: 'deposit', owner: OWNER_A, assets: 1n, shares: 1n }, 5)]);
      expect(await refusal(inserted)).toMatchObject({ field: 'line 3: blockNumber', message: expect.stringMatching(/^line 3: blockNumber: block 2 was already synced \(cursor 7\)/) });
      const otherChain = linesOf([{ ...ev(9, { kind: 'deposit', owner: OWNER_A, assets: 1n, shares: 1n }), chainId: 10 } as LedgerEvent]);
      expect(await refusal(otherChain)).toMatchObject({ field: 'line 1: chainId', message: expect.stringMatching(/^line 1: chainId: is 10 but the ledger keeps chain 1$/) });
      expect((await store.loadState()).eventsApplied).toBe(9);
    });
  });

  it('reads only the stored blocks a feed overlaps, and still checks them', async () => {
    await withLedger(async (store) => {
      await syncLedger(store, sourceOf(linesOf(HISTORY)));
      const ranges: [number, number][] = [];
      const read = store.storedEvents.bind(store);
      store.storedEvents = (from, to) => {
        ranges.push([from, to]);
        return read(from, to);
      };
      const next = ev(8, { kind: 'deposit', owner: OWNER_A, assets: 10_000000n, shares: 10n * 10n ** 18n });
      const tail = await syncLedger(store, sourceOf(linesOf([...HISTORY.slice(5), next])));
      expect(tail).toMatchObject({ applied: 1, duplicates: 4, previousCursor: 7, cursor: 8 });
      expect(ranges).toEqual([[4, 7]]);

      ranges.length = 0;
      const later = ev(9, { kind: 'deposit', owner: OWNER_B, assets: 10_000000n, shares: 10n * 10n ** 18n });
      expect(await syncLedger(store, sourceOf(linesOf([later])))).toMatchObject({ applied: 1, duplicates: 0, cursor: 9 });
      expect(ranges).toEqual([]);

      const changed = linesOf([{ ...HISTORY[6], notes: 'edited' } as LedgerEvent, next]);
      await expect(syncLedger(store, sourceOf(changed))).rejects.toThrow(/^line 1: logIndex: event 1:0x0+5:0 is stored with other content/);
      expect(ranges).toEqual([[5, 8]]);
      expect((await verifyLedger(store)).consistent).toBe(true);
    });
  });

  it('refuses block times that go backwards, within a feed and after the stored events; equal times are fine', async () => {
    await withLedger(async (store) => {
      const at = (e: LedgerEvent, timestamp: string): LedgerEvent => ({ ...e, timestamp });
      const d1 = at(ev(100, { kind: 'deposit', owner: OWNER_A, assets: 1000_000000n, shares: 1000n * 10n ** 18n }), '2024-01-02T00:00:00.000Z');
      const d2 = at(ev(101, { kind: 'deposit', owner: OWNER_B, assets: 10_000000n, shares: 10n * 10n ** 18n }), '2024-01-01T00:00:00.000Z');
      await expect(syncLedger(store, sourceOf(linesOf([d1, d2])))).rejects.toThrow(
        /^line 2: timestamp: 2024-01-01T00:00:00.000Z \(block 101\) is before 2024-01-02T00:00:00.000Z of line 1/,
      );
      expect((await store.loadState()).eventsApplied).toBe(0);

      const same = at(d2, d1.timestamp);
      expect(await syncLedger(store, sourceOf(linesOf([d1, same])))).toMatchObject({ applied: 2, cursor: 101 });
      const late = at(ev(102, { kind: 'deposit', owner: OWNER_B, assets: 10_000000n, shares: 10n * 10n ** 18n }), '2023-12-31T23:59:59.000Z');
      await expect(syncLedger(store, sourceOf(linesOf([late])))).rejects.toMatchObject({
        field: 'line 1: timestamp',
        message: expect.stringMatching(/^line 1: timestamp: 2023-12-31T23:59:59.000Z \(block 102\) is before 2024-01-02T00:00:00.000Z of the latest event in the ledger/),
      });
    });
  });

  it('refuses a deposit of zero assets, naming the line and field', async () => {
    await withLedger(async (store) => {
      const free = ev(2, { kind: 'deposit', owner: OWNER_B, assets: 0n, shares: 1000n * 10n ** 18n });
      await expect(syncLedger(store, sourceOf(linesOf([HISTORY[0], free])))).rejects.toThrow(/^line 2: assets: must be > 0 in a deposit, got 0/);
      expect((await store.loadState()).eventsApplied).toBe(0);
    });
  });

  it('books events priced more than 1% off NAV per share as given, and reports how many and the first ones', async () => {
    await withLedger(async (store) => {
      const deposit = (n: number, assets: bigint, shares: bigint): LedgerEvent => ev(n, { kind: 'deposit', owner: OWNER_A, assets: assets * 1_000000n, shares: shares * 10n ** 18n });
      const feed = [
        deposit(1, 1000n, 1000n), // at NAV (1)
        deposit(2, 1000n, 500n), // 2 vs 1: +100%
        deposit(3, 1005n, 1000n), // 1.005 vs ~1.333: −25%
        ev(4, { kind: 'redeem', owner: OWNER_A, assets: 120_200000n, shares: 100n * 10n ** 18n }), // 1.202 vs 3005/2500 = 1.202: at NAV
        ...Array.from({ length: PRICE_DEVIATIONS_SHOWN }, (_, i) => deposit(5 + i, 1n, 10n)),
      ];
      const result = await syncLedger(store, sourceOf(linesOf(feed)));
      expect(result.applied).toBe(feed.length);
      expect(result.priceDeviations.count).toBe(2 + PRICE_DEVIATIONS_SHOWN);
      expect(result.priceDeviations.limitPct).toBe(PRICE_DEVIATION_LIMIT_PCT);
      expect(result.priceDeviations.first.map((d) => d.where)).toEqual(['line 2', 'line 3', 'line 5', 'line 6', 'line 7']);
      const [second, third] = result.priceDeviations.first;
      expect(second).toMatchObject({ kind: 'deposit', blockNumber: 2 });
      expect(second.impliedPrice).toBeCloseTo(2, 9);
      expect(second.navPrice).toBeCloseTo(1, 9);
      expect(second.deviationPct).toBeCloseTo(1, 6);
      expect(third.navPrice).toBeCloseTo(2000 / 1500, 9);
      expect(third.deviationPct).toBeCloseTo(1 - 1.005 / (2000 / 1500), 6);
      expect(treasurySummary(await store.loadState()).totalAssets).toBe(`${(1000n + 1000n + 1005n + BigInt(PRICE_DEVIATIONS_SHOWN)) * 1_000000n - 120_200000n}`);
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
  }, 240_000);
});
