/**
 * The ledger's crash test, for a person to run:
 *
 *   npm run build && node --import tsx scripts/ledger-kill-test.ts [events=200000] [killAfterBatches=3]
 *
 * Generates a seeded feed, starts `capflow treasury sync` on it, SIGKILLs the process after a
 * few committed batches, checks the ledger (`treasury verify`: the events stored are exactly
 * the feed's up to the stored cursor, and the books match them), syncs again and checks that
 * every event is stored once. Exits 1 if any check fails.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'bin', 'capflow');
const events = Number(process.argv[2] ?? 200_000);
const killAfter = Number(process.argv[3] ?? 3);
const dir = mkdtempSync(join(tmpdir(), 'capflow-kill-'));
const feed = join(dir, 'events.jsonl');
const db = join(dir, 'ledger.duckdb');

function capflow(args: string[]): { code: number; json: Record<string, unknown> } {
  const r = spawnSync(process.execPath, [cli, ...args, '--json'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const json = JSON.parse(r.stdout || '{}') as Record<string, unknown>;
  return { code: r.status ?? -1, json };
}

function check(ok: boolean, what: string): void {
  process.stdout.write(`${ok ? 'ok  ' : 'FAIL'} ${what}\n`);
  if (!ok) process.exitCode = 1;
}

try {
  capflow(['treasury', 'generate', '--events', String(events), '--seed', '1', '--out', feed]);
  capflow(['treasury', 'init', '--chain-id', '1', '--address', `0x${'11'.repeat(20)}`, '--name', 'Capflow USD', '--symbol', 'cfUSD', '--db', db]);

  const child = spawn(process.execPath, [cli, 'treasury', 'sync', '--events', feed, '--db', db, '--progress', '--batch-size', '5000']);
  let batches = 0;
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    batches += text.split('\n').filter((l) => l.startsWith('synced')).length;
    if (batches >= killAfter) child.kill('SIGKILL');
  });
  const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, s) => resolve(s)));
  check(signal === 'SIGKILL', `sync killed with SIGKILL after ${batches} committed batches`);

  const afterKill = capflow(['treasury', 'verify', '--events', feed, '--db', db]);
  check(afterKill.code === 0, `after the kill: ${JSON.stringify(afterKill.json)}`);

  const resync = capflow(['treasury', 'sync', '--events', feed, '--db', db]);
  const stored = Number(afterKill.json.events);
  check(resync.code === 0 && resync.json.applied === events - stored && resync.json.duplicates === stored, `re-sync applied ${resync.json.applied}, skipped ${resync.json.duplicates} duplicates`);

  const final = capflow(['treasury', 'verify', '--events', feed, '--db', db]);
  check(final.code === 0 && final.json.events === events, `after the re-sync: ${JSON.stringify(final.json)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
