/**
 * Readers and writers of a DuckDB ledger (issue 15), with real concurrent processes. DuckDB
 * allows one writer process, or any number of read-only ones, never both. `treasury show`,
 * `history` and `verify` open the ledger read-only (two at once work, and they never block on
 * each other); while a writer holds the file they read a private snapshot of its last committed
 * transaction; a second writer waits a bounded time, then exits 4 naming the one-writer rule
 * and PostgreSQL, with the ledger untouched.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, runCliJson } from '../helpers/cli.ts';
import { spawnCli } from '../helpers/process.ts';

const dir = mkdtempSync(join(tmpdir(), 'capflow-readers-'));
/** The CLI's temporary directory: every snapshot copy goes here, and must be gone afterwards. */
const cliTmp = join(dir, 'tmp');
mkdirSync(cliTmp);
const env = { TMPDIR: cliTmp };
const INIT = ['treasury', 'init', '--chain-id', '1', '--address', `0x${'1'.repeat(40)}`, '--name', 'Fund', '--symbol', 'cfUSD'];

function newLedger(name: string): string {
  const db = join(dir, name);
  expect(runCli([...INIT, '--db', db]).code).toBe(0);
  return db;
}

function feed(name: string, events: number, seed: number): { path: string; blocks: number[] } {
  const path = join(dir, name);
  expect(runCli(['treasury', 'generate', '--events', String(events), '--seed', String(seed), '--out', path]).code).toBe(0);
  const blocks = readFileSync(path, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { blockNumber: number }).blockNumber);
  return { path, blocks };
}

/** Feed events at or below the cursor. */
function eventsUpTo(blocks: readonly number[], cursor: number | null): number {
  return cursor === null ? 0 : blocks.filter((b) => b <= cursor).length;
}

const total = (counts: Record<string, number>): number => Object.values(counts).reduce((a, b) => a + b, 0);

let small: { path: string; blocks: number[] };
beforeAll(() => {
  small = feed('small.jsonl', 2000, 5);
});

describe('readers never take the write lock', () => {
  it('show, history and verify run while another process reads the ledger, two at once; a writer waits for them', async () => {
    const db = newLedger('shared.duckdb');
    expect(runCli(['treasury', 'sync', '--events', small.path, '--db', db]).code).toBe(0);
    const before = readFileSync(db);
    const reader = await DuckDBInstance.create(db, { access_mode: 'READ_ONLY' }); // holds a shared lock
    try {
      const [show, history, verify] = await Promise.all([
        spawnCli(['treasury', 'show', '--db', db, '--json'], { env }),
        spawnCli(['treasury', 'history', '--limit', '5', '--db', db, '--json'], { env }),
        spawnCli(['treasury', 'verify', '--events', small.path, '--db', db, '--json'], { env }),
      ]);
      expect([show.code, history.code, verify.code], show.stderr + history.stderr + verify.stderr).toEqual([0, 0, 0]);
      expect(total(JSON.parse(show.stdout).counts)).toBe(2000);
      expect(JSON.parse(history.stdout).updates).toHaveLength(5);
      expect(JSON.parse(verify.stdout)).toMatchObject({ consistent: true, events: 2000 });

      // a writer cannot take the file while it is read: it waits, then exit 4 with the rule, nothing written
      const busy = runCliJson(['treasury', 'sync', '--events', small.path, '--db', db], { env: { ...env, CAPFLOW_LOCK_WAIT_MS: '300' } });
      expect(busy.code).toBe(4);
      expect(busy.json.error.field).toBe('--db');
      expect(busy.json.error.message).toMatch(/is writing|one writer process/);
      expect(busy.json.error.message).toMatch(/PostgreSQL \(--db postgres:\/\/…\)/);
      expect(readFileSync(db).equals(before)).toBe(true);

      // within its wait, the writer gets the file as soon as the reader lets go
      const waiting = spawnCli(['treasury', 'sync', '--events', small.path, '--db', db, '--json'], { env: { ...env, CAPFLOW_LOCK_WAIT_MS: '30000' } });
      await new Promise((r) => setTimeout(r, 800));
      reader.closeSync();
      const done = await waiting;
      expect(done.code, done.stderr).toBe(0);
      expect(JSON.parse(done.stdout)).toMatchObject({ applied: 0, duplicates: 2000 });
    } finally {
      reader.closeSync();
    }
    expect(readdirSync(cliTmp)).toEqual([]);
  }, 120_000);

  it('while a writer holds the ledger, readers see its committed state and never an open transaction', async () => {
    const db = newLedger('held.duckdb');
    expect(runCli(['treasury', 'sync', '--events', small.path, '--db', db]).code).toBe(0);
    const writer = await DuckDBInstance.create(db); // the write lock, as a running sync holds it
    const conn = await writer.connect();
    try {
      // committed, still only in the write-ahead log
      await conn.run("UPDATE treasury_state SET last_updated_at = TIMESTAMP '2030-01-02 03:04:05'");
      const show = runCliJson(['treasury', 'show', '--db', db], { env });
      expect(show.code, show.stderr).toBe(0);
      expect(show.json.lastUpdatedAt).toBe('2030-01-02T03:04:05.000Z');
      expect(total(show.json.counts)).toBe(2000);
      // an open transaction that deletes everything is not seen
      await conn.run('BEGIN TRANSACTION');
      await conn.run('DELETE FROM balance_updates');
      await conn.run('DELETE FROM events');
      const during = runCliJson(['treasury', 'verify', '--events', small.path, '--db', db], { env });
      expect(during.code, during.stderr).toBe(0);
      expect(during.json).toMatchObject({ consistent: true, events: 2000 });
      await conn.run('ROLLBACK');
      const history = runCliJson(['treasury', 'history', '--limit', '3', '--db', db], { env });
      expect(history.code).toBe(0);
      expect(history.json.updates).toHaveLength(3);
    } finally {
      conn.closeSync();
      writer.closeSync();
    }
    expect(readdirSync(cliTmp)).toEqual([]); // every snapshot copy was removed
    expect(runCliJson(['treasury', 'show', '--db', db]).json.lastUpdatedAt).toBe('2030-01-02T03:04:05.000Z');
  }, 120_000);
});

describe('readers during a real sync', () => {
  it('every read during a 100,000-event sync is a committed batch and consistent; a second writer exits 4', async () => {
    const big = feed('big.jsonl', 100_000, 9);
    const db = newLedger('big.duckdb');
    let writing = false;
    const sync = spawnCli(['treasury', 'sync', '--events', big.path, '--db', db, '--batch-size', '1000', '--progress', '--json'], {
      env,
      onStderr: (text) => {
        if (text.includes('synced')) writing = true; // the writer holds the file and committed a batch
      },
    });
    let finished = false;
    void sync.then(() => (finished = true));
    while (!writing && !finished) await new Promise((r) => setTimeout(r, 20));

    const reads: { cursor: number | null; events: number; duringSync: boolean }[] = [];
    let verified = 0;
    let secondWriter: Awaited<ReturnType<typeof spawnCli>> | null = null;
    while (!finished) {
      if (secondWriter === null) {
        secondWriter = await spawnCli(['treasury', 'sync', '--events', small.path, '--db', db, '--json'], { env: { ...env, CAPFLOW_LOCK_WAIT_MS: '200' } });
        continue;
      }
      const verifying = reads.length % 4 === 0;
      const r = await spawnCli(['treasury', verifying ? 'verify' : 'show', '--db', db, '--json'], { env });
      expect(r.code, r.stderr).toBe(0);
      const json = JSON.parse(r.stdout);
      if (verifying) {
        expect(json.consistent, r.stdout).toBe(true);
        verified++;
        reads.push({ cursor: json.cursor, events: json.events, duringSync: !finished });
      } else reads.push({ cursor: json.lastBlockScanned, events: total(json.counts), duringSync: !finished });
    }
    const result = await sync;
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).applied).toBe(100_000);
    expect(secondWriter?.code, secondWriter?.stdout).toBe(4);
    expect(JSON.parse(secondWriter?.stdout ?? '{}').error.message).toMatch(/one writer process/);
    // each read saw the books of a committed batch: exactly the feed's events up to its cursor
    for (const r of reads) expect(r.events, JSON.stringify(r)).toBe(eventsUpTo(big.blocks, r.cursor));
    expect(reads.filter((r) => r.duringSync).length, JSON.stringify(reads)).toBeGreaterThan(0);
    expect(verified).toBeGreaterThan(0);
    const final = runCliJson(['treasury', 'verify', '--events', big.path, '--db', db]);
    expect(final.json).toMatchObject({ consistent: true, events: 100_000 });
    expect(readdirSync(cliTmp)).toEqual([]);
  }, 300_000);
});
