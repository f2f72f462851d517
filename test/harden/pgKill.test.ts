/**
 * SIGKILL of `treasury sync` on a PostgreSQL ledger at random moments (issue 16, the kill
 * test of issue 15 on PostgreSQL): 20 kills of syncs of a growing feed, half at a random time,
 * half after a random number of committed batches (in the middle of writing). After every kill the
 * ledger holds exactly the feed's events up to its cursor and is consistent (the server rolled
 * back the open batch; the dead session's advisory lock is gone), and the next sync succeeds
 * and completes the books without a doubled event.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateFeed } from '../../src/ledger/generate.ts';
import { withLedger } from '../../src/ledger/open.ts';
import { JsonlEventSource } from '../../src/ledger/source.ts';
import { verifyLedger } from '../../src/ledger/sync.ts';
import { runCli, runCliJson } from '../helpers/cli.ts';
import { usePostgres } from '../helpers/postgres.ts';
import { seeded, spawnCli } from '../helpers/process.ts';

const KILLS = Number(process.env.CAPFLOW_KILLS ?? 20);
/** Events each step adds to the feed. */
const STEP = 4_000;

const pg = usePostgres();

describe('SIGKILL of treasury sync on PostgreSQL', () => {
  it(`${KILLS} kills at random moments: each time the ledger is consistent and the next sync completes it`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'capflow-pg-kill-'));
    const lines = [...generateFeed({ events: STEP * (KILLS + 1), seed: 31 })];
    const db = pg().createDatabase('killed');
    expect(runCli(['treasury', 'init', '--chain-id', '1', '--address', `0x${'1'.repeat(40)}`, '--name', 'Fund', '--symbol', 'cfUSD', '--db', db]).code).toBe(0);
    const blocks = lines.map((l) => (JSON.parse(l) as { blockNumber: number }).blockNumber);
    /** The feed's first `n` events, less those of a block the cut would split (a feed never adds to a delivered block). */
    const cut = (n: number): number => {
      let k = Math.min(n, lines.length);
      while (k < lines.length && k > 0 && blocks[k] === blocks[k - 1]) k--;
      return k;
    };
    const feedOf = (events: number): string => {
      const path = join(dir, `feed-${events}.jsonl`);
      writeFileSync(path, `${lines.slice(0, events).join('\n')}\n`);
      return path;
    };
    /** A sync killed after `killAfterMs`, or after its `killAfterBatches`-th committed batch. */
    const sync = (path: string, kill: { killAfterMs?: number; killAfterBatches?: number } = {}) => {
      let batches = 0;
      return spawnCli(['treasury', 'sync', '--events', path, '--db', db, '--batch-size', '250', '--progress', '--json'], {
        killAfterMs: kill.killAfterMs,
        env: { CAPFLOW_LOCK_WAIT_MS: '30000' },
        onStderr: (text, child) => {
          batches += text.split('\n').filter((l) => l.startsWith('synced')).length;
          if (kill.killAfterBatches !== undefined && batches >= kill.killAfterBatches) child.kill('SIGKILL');
        },
      });
    };

    // how long a step takes, to kill within it
    const first = await sync(feedOf(cut(STEP)));
    expect(first.code, first.stderr).toBe(0);
    const stepMs = first.ms;

    const random = seeded(16);
    let killed = 0;
    let midway = 0;
    for (let i = 1; i <= KILLS; i++) {
      const [before, size] = [cut(STEP * i), cut(STEP * (i + 1))];
      const path = feedOf(size);
      // odd kills at a random moment (reading, checking, writing), even ones after a random number of committed batches
      const r = await sync(path, i % 2 === 1 ? { killAfterMs: Math.floor(random() * stepMs) } : { killAfterBatches: 1 + Math.floor(random() * 12) });
      if (r.signal === 'SIGKILL') killed++;
      else expect(r.code, r.stderr).toBe(0);
      // the books after the kill: exactly the feed's events up to the cursor, consistent
      const report = await withLedger(db, (store) => verifyLedger(store, JsonlEventSource.fromFile(path)), { access: 'read' });
      expect(report.problems, `after kill ${i}`).toEqual([]);
      if (report.events > before && report.events < size) midway++;
      // the next sync succeeds (no lock left behind) and completes the step
      const next = runCliJson(['treasury', 'sync', '--events', path, '--db', db], { env: { CAPFLOW_LOCK_WAIT_MS: '0' } });
      expect(next.code, next.stderr).toBe(0);
      expect(next.json.applied + next.json.duplicates).toBe(size);
      expect(next.json.applied).toBe(size - report.events);
    }
    expect(killed).toBeGreaterThanOrEqual(KILLS / 2);
    expect(midway, 'kills that landed between two committed batches').toBeGreaterThan(0);
    const last = cut(STEP * (KILLS + 1));
    const final = runCliJson(['treasury', 'verify', '--events', feedOf(last), '--db', db]);
    expect(final.json).toMatchObject({ consistent: true, events: last });
  }, 600_000);
});
