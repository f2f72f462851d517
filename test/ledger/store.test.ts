import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { JsonlEventSource, LedgerStore, SCHEMA_VERSION, formatFeedLine, parseFeed, syncLedger, verifyLedger, withLedgerStore, type LedgerEvent } from '../../src/index.ts';
import { DEPLOYMENT, OWNER_A, ev } from './helpers.ts';


function tempDb(): string {
  return join(mkdtempSync(join(tmpdir(), 'capflow-store-')), 'ledger.duckdb');
}

function feedOf(events: LedgerEvent[]): JsonlEventSource {
  return new JsonlEventSource('test', parseFeed(events.map(formatFeedLine).join('\n')));
}

describe('LedgerStore', () => {
  it('refuses a missing file unless asked to create it', async () => {
    await expect(LedgerStore.open(tempDb())).rejects.toThrow(/--db: no ledger at .*treasury init/);
  });

  it('creates the schema at the current version and keeps the deployment', async () => {
    const path = tempDb();
    await withLedgerStore(path, (store) => store.init({ ...DEPLOYMENT, txHash: `0x${'12'.repeat(32)}`, blockTime: '2023-12-31T23:59:59.000Z', deploymentBlock: 7 }), { create: true });
    await withLedgerStore(path, async (store) => {
      expect(await store.schemaVersion()).toBe(SCHEMA_VERSION);
      expect(await store.deployment()).toEqual({ ...DEPLOYMENT, txHash: `0x${'12'.repeat(32)}`, blockTime: '2023-12-31T23:59:59.000Z', deploymentBlock: 7, assetAddress: null, asyncRedeem: false, asyncDeposit: false, kind: 'vault' });
      const state = await store.loadState();
      expect(state.lastBlockScanned).toBe(null);
      expect(state.totalAssets).toBe(0n);
      await expect(store.init(DEPLOYMENT)).rejects.toThrow(/already keeps the books of 0x1111/);
    });
  });

  it('reports a ledger without deployment and a schema newer than the code', async () => {
    const path = tempDb();
    await withLedgerStore(path, async (store) => {
      await expect(store.deployment()).rejects.toThrow(/has no deployment/);
    }, { create: true });
    const instance = await DuckDBInstance.create(path);
    const conn = await instance.connect();
    await conn.run('INSERT INTO schema_version VALUES (99, now()::TIMESTAMP)');
    conn.closeSync();
    instance.closeSync();
    await expect(LedgerStore.open(path)).rejects.toThrow(/schema version 99 is newer/);
  });

  it('keeps quantities beyond 64 bits exactly (HUGEINT)', async () => {
    const path = tempDb();
    const huge = 12_345_678_901_234_567_890_123_456_789_012_345n; // ~1.2e34
    await withLedgerStore(path, async (store) => {
      await store.init(DEPLOYMENT);
      await syncLedger(store, feedOf([ev(1, { kind: 'deposit', owner: OWNER_A, assets: huge, shares: huge * 1000n })]));
    }, { create: true });
    await withLedgerStore(path, async (store) => {
      const state = await store.loadState();
      expect(state.totalAssets).toBe(huge);
      expect(state.totalShares).toBe(huge * 1000n);
      expect((await store.history()).updates[0].quantity).toBe(huge);
    });
  });

  it('writes nothing of a batch that fails (a duplicate key hits the unique key)', async () => {
    const path = tempDb();
    await withLedgerStore(path, async (store) => {
      await store.init(DEPLOYMENT);
      const first = ev(1, { kind: 'deposit', owner: OWNER_A, assets: 5n, shares: 5n });
      await syncLedger(store, feedOf([first]));
      const state = await store.loadState();
      state.totalShares = 999n;
      state.lastBlockScanned = 50;
      const again = { event: first, where: 'line 1' };
      await expect(store.commitBatch({ events: [{ event: ev(2, { kind: 'deposit', owner: OWNER_A, assets: 1n, shares: 1n }), where: 'x' }, again], updates: [], state, syncedAt: new Date().toISOString() })).rejects.toThrow();
      const after = await store.loadState();
      expect(after.totalShares).toBe(5n);
      expect(after.lastBlockScanned).toBe(1);
      expect(await store.counts()).toMatchObject({ deposit: 1 });
    }, { create: true });
  });
});

describe('fee events', () => {
  it('are stored and replayed with their reason', async () => {
    const path = tempDb();
    const fee = ev(2, { kind: 'fee', owner: OWNER_A, shares: 5n * 10n ** 18n, reason: 'performance' });
    await withLedgerStore(path, async (store) => {
      await store.init(DEPLOYMENT);
      await syncLedger(store, feedOf([ev(1, { kind: 'deposit', owner: OWNER_A, assets: 10n ** 9n, shares: 10n ** 21n }), fee]));
    }, { create: true });
    await withLedgerStore(path, async (store) => {
      expect((await store.loadState()).totalShares).toBe(10n ** 21n + 5n * 10n ** 18n);
      expect((await store.eventsInOrder())[1]).toEqual(fee);
      expect((await verifyLedger(store)).problems).toEqual([]);
    });
  });
});
