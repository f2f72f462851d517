import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JsonlEventSource, formatFeedLine, parseFeed, syncLedger, treasurySummary, verifyLedger, withLedgerStore, type LedgerEvent } from '../../src/index.ts';
import { DEPLOYMENT, OWNER_A, OWNER_B, ev } from './helpers.ts';

const MAX = 2n ** 256n - 1n;

describe('uint256 amounts in the store', () => {
  it('stores and sums amounts up to 2^256 - 1 exactly (totals beyond it too), and a re-sync applies nothing', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'capflow-u256-')), 'ledger.duckdb');
    const events: LedgerEvent[] = [
      ev(1, { kind: 'deposit', owner: OWNER_A, assets: MAX, shares: MAX }),
      ev(2, { kind: 'deposit', owner: OWNER_B, assets: MAX, shares: MAX }),
      ev(3, { kind: 'transfer', from: OWNER_A, to: OWNER_B, shares: MAX - 1n }),
      ev(4, { kind: 'redeem', owner: OWNER_B, assets: 1n, shares: 1n }),
    ];
    const text = events.map(formatFeedLine).join('\n');
    expect(text).toContain(MAX.toString());
    const source = new JsonlEventSource('u256', parseFeed(text));
    await withLedgerStore(db, (store) => store.init(DEPLOYMENT), { create: true });
    await withLedgerStore(db, (store) => syncLedger(store, source));
    await withLedgerStore(db, async (store) => {
      const state = await store.loadState();
      expect(state.totalAssets).toBe(2n * MAX - 1n);
      expect(state.totalShares).toBe(2n * MAX - 1n);
      expect(state.shareBalances.get(OWNER_A)).toBe(1n);
      expect(state.shareBalances.get(OWNER_B)).toBe(2n * MAX - 2n);
      expect(treasurySummary(state).totalAssets).toBe((2n * MAX - 1n).toString());
      const { sums } = await store.updateSums();
      expect(sums.get('reserve\u0000USDC')).toBe(2n * MAX - 1n);
      expect((await verifyLedger(store, source)).problems).toEqual([]);
      expect((await store.eventsInOrder()).map(formatFeedLine)).toEqual(events.map(formatFeedLine));
      expect((await syncLedger(store, source)).applied).toBe(0);
    });
  });
});
