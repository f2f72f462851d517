/**
 * Writers and readers of a PostgreSQL ledger, with real concurrent processes on a real server:
 * two syncs started at once both finish and never double an event (the second waits for the
 * first's advisory lock); a sync that may not wait is refused with exit 4; readers running
 * over and over while a sync writes each see one committed, consistent state.
 */
import { writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openLedger } from '../../src/ledger/open.ts';
import { countsInNav } from '../../src/ledger/types.ts';
import { generateFeed } from '../../src/ledger/generate.ts';
import { runCli, runCliJson } from '../helpers/cli.ts';
import { dumpPgLedger } from '../helpers/ledgerTables.ts';
import { usePostgres } from '../helpers/postgres.ts';
import { spawnCli } from '../helpers/process.ts';

const pg = usePostgres();

const INIT = ['treasury', 'init', '--chain-id', '1', '--address', `0x${'1'.repeat(40)}`, '--name', 'Fund', '--symbol', 'cfUSD'];
const total = (counts: Record<string, number>): number => Object.values(counts).reduce((a, b) => a + b, 0);

function feed(events: number, seed: number): { path: string; blocks: number[] } {
  const path = join(mkdtempSync(join(tmpdir(), 'capflow-pg-conc-')), 'feed.jsonl');
  const lines = [...generateFeed({ events, seed })];
  writeFileSync(path, `${lines.join('\n')}\n`);
  return { path, blocks: lines.map((l) => (JSON.parse(l) as { blockNumber: number }).blockNumber) };
}

function newLedger(name: string): string {
  const url = pg().createDatabase(name);
  const r = runCli([...INIT, '--db', url]);
  expect(r.code, r.stderr).toBe(0);
  return url;
}

/** Feed events at or below the cursor. */
const eventsUpTo = (blocks: readonly number[], cursor: number | null): number => (cursor === null ? 0 : blocks.filter((b) => b <= cursor).length);

describe('two syncs of one PostgreSQL ledger', () => {
  it('started at once: both exit 0, one books every event, the other finds them booked; never a doubled event', async () => {
    const { path } = feed(20_000, 21);
    const db = newLedger('twice');
    const env = { CAPFLOW_LOCK_WAIT_MS: '120000' };
    const args = ['treasury', 'sync', '--events', path, '--db', db, '--batch-size', '1000', '--json'];
    const [a, b] = await Promise.all([spawnCli(args, { env }), spawnCli(args, { env })]);
    expect([a.code, b.code], a.stderr + b.stderr).toEqual([0, 0]);
    const [ja, jb] = [JSON.parse(a.stdout), JSON.parse(b.stdout)];
    expect([ja.applied, jb.applied].sort((x, y) => x - y)).toEqual([0, 20_000]);
    expect(ja.applied + ja.duplicates).toBe(20_000);
    expect(jb.applied + jb.duplicates).toBe(20_000);
    const dump = await dumpPgLedger(db);
    expect(dump.events).toHaveLength(20_000);
    expect(runCliJson(['treasury', 'verify', '--events', path, '--db', db]).json).toMatchObject({ consistent: true, events: 20_000 });
  }, 240_000);

  it('a sync that may not wait is refused with exit 4 while another writes, and changes nothing', async () => {
    const { path } = feed(40_000, 22);
    const db = newLedger('busy');
    let writing = false;
    const first = spawnCli(['treasury', 'sync', '--events', path, '--db', db, '--batch-size', '500', '--progress', '--json'], {
      onStderr: (text) => {
        if (text.includes('synced')) writing = true;
      },
    });
    let finished = false;
    void first.then(() => (finished = true));
    while (!writing && !finished) await new Promise((r) => setTimeout(r, 20));
    expect(finished).toBe(false);
    const refused = runCliJson(['treasury', 'sync', '--events', path, '--db', db], { env: { CAPFLOW_LOCK_WAIT_MS: '0' } });
    expect(refused.code).toBe(4);
    expect(refused.json.error).toMatchObject({ field: '--db' });
    expect(refused.json.error.message).toMatch(/another capflow process is writing the ledger in postgres:\/\/capflow@127\.0\.0\.1:\d+\/busy/);
    const done = await first;
    expect(done.code, done.stderr).toBe(0);
    expect(JSON.parse(done.stdout).applied).toBe(40_000);
  }, 240_000);
});

describe('readers during a real sync on PostgreSQL', () => {
  it('every show and verify while a 60,000-event sync writes is one committed, consistent state', async () => {
    const big = feed(60_000, 23);
    const db = newLedger('readers');
    let writing = false;
    const sync = spawnCli(['treasury', 'sync', '--events', big.path, '--db', db, '--batch-size', '1000', '--progress', '--json'], {
      onStderr: (text) => {
        if (text.includes('synced')) writing = true;
      },
    });
    let finished = false;
    void sync.then(() => (finished = true));
    while (!writing && !finished) await new Promise((r) => setTimeout(r, 20));

    const reads: { cursor: number | null; events: number; duringSync: boolean }[] = [];
    let snapshots = 0;
    let verified = 0;
    while (!finished) {
      // in this process: several queries in one snapshot agree with each other
      const reader = await openLedger(db, { access: 'read' });
      try {
        const state = await reader.loadState();
        const seqs = await reader.eventSeqs();
        const { sums, count } = await reader.updateSums();
        expect([seqs.count, seqs.maxSeq]).toEqual([state.eventsApplied, state.eventsApplied]);
        expect(count).toBe(state.nextUpdateId - 1);
        for (const [position, assets] of state.holdings) for (const [asset, q] of assets) expect(sums.get(`${position}\u0000${asset}`) ?? 0n).toBe(q);
        expect(state.eventsApplied).toBe(eventsUpTo(big.blocks, state.lastBlockScanned));
        snapshots++;
      } finally {
        await reader.close();
      }
      // the CLI's readers, as separate processes
      const verifying = reads.length % 3 === 0;
      const r = await spawnCli(['treasury', verifying ? 'verify' : 'show', '--db', db, '--json']);
      expect(r.code, r.stderr).toBe(0);
      const json = JSON.parse(r.stdout);
      if (verifying) {
        expect(json.consistent, r.stdout).toBe(true);
        verified++;
        reads.push({ cursor: json.cursor, events: json.events, duringSync: !finished });
      } else {
        const held = (json.holdings as { position: string; quantity: string }[]).filter((h) => countsInNav(h.position)).reduce((sum, h) => sum + BigInt(h.quantity), 0n);
        expect(held.toString()).toBe(json.totalAssets); // totals equal the sum of what is held
        reads.push({ cursor: json.lastBlockScanned, events: total(json.counts), duringSync: !finished });
      }
    }
    const result = await sync;
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).applied).toBe(60_000);
    // each read saw the books of a committed batch: exactly the feed's events up to its cursor
    for (const r of reads) expect(r.events, JSON.stringify(r)).toBe(eventsUpTo(big.blocks, r.cursor));
    expect(reads.filter((r) => r.duringSync && r.events > 0 && r.events < 60_000).length, JSON.stringify(reads)).toBeGreaterThan(0);
    expect(verified).toBeGreaterThan(0);
    expect(snapshots).toBeGreaterThan(0);
    expect(runCliJson(['treasury', 'verify', '--events', big.path, '--db', db]).json).toMatchObject({ consistent: true, events: 60_000 });
  }, 300_000);
});
