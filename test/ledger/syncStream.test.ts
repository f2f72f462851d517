/**
 * The CLI's streamed sync (issue 17) keeps the ledger's promises: a bad line anywhere in a
 * long feed is refused with exit 2 naming the line and field and leaves the ledger file
 * byte-identical; a new event reusing a stored (chainId, txHash, logIndex) at another block is
 * refused; a ledger of the previous schema is upgraded with its events.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { formatFeedLine, generateFeed, GENERATED_FEED_CONFIG, JsonlFeedFile, syncLedger, verifyLedger, withLedgerStore } from '../../src/index.ts';
import { MIGRATIONS, SCHEMA_VERSION } from '../../src/ledger/storeSchema.ts';
import { runCliJson } from '../helpers/cli.ts';
import { DEPLOYMENT, OWNER_A, ev } from './helpers.ts';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'capflow-stream-'));
}

async function newLedger(dir: string): Promise<string> {
  const db = join(dir, 'ledger.duckdb');
  await withLedgerStore(db, (store) => store.init({ ...DEPLOYMENT, symbol: GENERATED_FEED_CONFIG.shareSymbol }), { create: true });
  return db;
}

describe('treasury sync --events (streamed)', () => {
  it('refuses a bad last line of a long feed with exit 2, naming it, the ledger file untouched; the good feed then syncs', async () => {
    const dir = tempDir();
    const db = await newLedger(dir);
    const lines = [...generateFeed({ events: 12_000, seed: 4 })];
    const good = join(dir, 'good.jsonl');
    writeFileSync(good, `${lines.slice(0, 6_000).join('\n')}\n`);
    expect(runCliJson(['treasury', 'sync', '--events', good, '--db', db, '--batch-size', '1000']).json.applied).toBe(6_000);
    const before = readFileSync(db);
    const bad = join(dir, 'bad.jsonl');
    const last = JSON.stringify({ ...JSON.parse(lines[11_999]), shares: '1e3' });
    writeFileSync(bad, `${[...lines.slice(0, 11_999), last].join('\n')}\n`);
    const refused = runCliJson(['treasury', 'sync', '--events', bad, '--db', db, '--batch-size', '1000']);
    expect(refused.code).toBe(2);
    expect(refused.json.error.message).toMatch(/^line 12000: shares: must be a decimal string/);
    expect(readFileSync(db).equals(before)).toBe(true);
    writeFileSync(good, `${lines.join('\n')}\n`);
    const synced = runCliJson(['treasury', 'sync', '--events', good, '--db', db, '--batch-size', '1000']);
    expect(synced.json).toMatchObject({ applied: 6_000, duplicates: 6_000 });
    await withLedgerStore(db, async (store) => expect((await verifyLedger(store)).problems).toEqual([]));
  }, 120_000);

  it('refuses a new event whose (chainId, txHash, logIndex) is stored at another block, writing nothing', async () => {
    const dir = tempDir();
    const db = await newLedger(dir);
    const first = ev(1, { kind: 'deposit', owner: OWNER_A, assets: 10n ** 9n, shares: 10n ** 21n });
    const feed = join(dir, 'feed.jsonl');
    writeFileSync(feed, formatFeedLine(first));
    await withLedgerStore(db, (store) => syncLedger(store, new JsonlFeedFile(feed)));
    const reused = { ...ev(5, { kind: 'deposit', owner: OWNER_A, assets: 10n ** 6n, shares: 10n ** 18n }), txHash: first.txHash };
    writeFileSync(feed, [ev(3, { kind: 'deposit', owner: OWNER_A, assets: 10n ** 6n, shares: 10n ** 18n }), reused].map(formatFeedLine).join('\n'));
    await withLedgerStore(db, async (store) => {
      await expect(syncLedger(store, new JsonlFeedFile(feed))).rejects.toMatchObject({ field: 'line 2: logIndex', message: expect.stringMatching(/is already in the ledger at another block/) });
      expect((await store.loadState()).eventsApplied).toBe(1);
    });
  });

  it('upgrades a ledger of the previous schema, keeping its events', async () => {
    const path = join(tempDir(), 'old.duckdb');
    const instance = await DuckDBInstance.create(path);
    const conn = await instance.connect();
    await conn.run('CREATE TABLE schema_version (version INTEGER NOT NULL, applied_at TIMESTAMP NOT NULL)');
    for (const m of MIGRATIONS.slice(0, -1)) {
      for (const sql of m.statements) await conn.run(sql);
      await conn.run(`INSERT INTO schema_version VALUES (${m.version}, now()::TIMESTAMP)`);
    }
    conn.closeSync();
    instance.closeSync();
    await withLedgerStore(path, async (store) => {
      expect(await store.schemaVersion()).toBe(SCHEMA_VERSION);
      await store.init(DEPLOYMENT);
      const feed = join(tempDir(), 'feed.jsonl');
      writeFileSync(feed, [ev(1, { kind: 'deposit', owner: OWNER_A, assets: 10n ** 9n, shares: 10n ** 21n })].map(formatFeedLine).join('\n'));
      expect((await syncLedger(store, new JsonlFeedFile(feed))).applied).toBe(1);
    });
  });
});
