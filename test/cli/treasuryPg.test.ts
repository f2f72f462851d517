/**
 * `capflow treasury … --db postgres://…` (and CAPFLOW_DB_URL) on a real PostgreSQL, and
 * `treasury migrate` both ways: the copy equals the source table by table, `verify` proves it,
 * a target holding a ledger is refused (exit 2) unless --replace. The password in the URL is
 * never printed.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateFeed } from '../../src/ledger/generate.ts';
import { runCli, runCliJson } from '../helpers/cli.ts';
import { dumpDuckDbLedger, dumpPgLedger } from '../helpers/ledgerTables.ts';
import { usePostgres } from '../helpers/postgres.ts';

const pg = usePostgres();

const INIT = ['--chain-id', '1', '--address', '0x1111111111111111111111111111111111111111', '--name', 'Capflow USD', '--symbol', 'cfUSD'];

/** The database URL with a password (trust authentication ignores it): it must never be printed. */
const withPassword = (url: string): string => url.replace('capflow@', 'capflow:s3cret-pw@');

function feed(events: number, seed = 11): string {
  const dir = mkdtempSync(join(tmpdir(), 'capflow-pg-cli-'));
  const path = join(dir, 'feed.jsonl');
  writeFileSync(path, `${[...generateFeed({ events, seed })].join('\n')}\n`);
  return path;
}

describe('treasury commands on PostgreSQL', () => {
  it('init, sync, show, history and verify through --db and CAPFLOW_DB_URL, without printing the password', async () => {
    const url = withPassword(pg().createDatabase('cli'));
    const events = feed(400);
    const outputs: string[] = [];
    const json = (args: string[], env?: NodeJS.ProcessEnv) => {
      const r = runCliJson(args, { env });
      outputs.push(JSON.stringify(r.json), r.stderr);
      expect(r.code, r.stderr).toBe(0);
      return r.json;
    };
    expect(json(['treasury', 'init', ...INIT, '--symbol', 'cfUSD', '--db', url]).db).toBe(url.replace(':s3cret-pw', ''));
    expect(json(['treasury', 'sync', '--events', events, '--db', url, '--batch-size', '100'])).toMatchObject({ applied: 400, duplicates: 0 });
    const env = { CAPFLOW_DB_URL: url };
    expect(json(['treasury', 'sync', '--events', events], env)).toMatchObject({ applied: 0, duplicates: 400 });
    const show = json(['treasury', 'show'], env);
    expect(Object.values(show.counts as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(400);
    expect(json(['treasury', 'history', '--limit', '5', '--db', url]).updates).toHaveLength(5);
    expect(json(['treasury', 'verify', '--events', events], env)).toMatchObject({ consistent: true, events: 400 });
    const human = runCli(['treasury', 'show', '--db', url]);
    outputs.push(human.stdout, human.stderr);
    expect(human.stdout).toMatch(/total assets/);
    expect(outputs.join('\n')).not.toContain('s3cret-pw');
  }, 120_000);

  it('refuses a malformed or unreachable URL and an empty database naming --db or CAPFLOW_DB_URL (exit 2)', () => {
    const bad = runCli(['treasury', 'show', '--db', 'postgres://capflow:s3cret-pw@/nohost']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--db: is not a valid PostgreSQL URL/);
    const noDb = runCli(['treasury', 'show'], { env: { CAPFLOW_DB_URL: 'postgres://capflow:s3cret-pw@127.0.0.1:1' } });
    expect(noDb.code).toBe(2);
    expect(noDb.stderr).toMatch(/CAPFLOW_DB_URL: .*names no database/);
    const down = runCli(['treasury', 'show', '--db', 'postgres://capflow:s3cret-pw@127.0.0.1:1/fund']);
    expect(down.code).toBe(2);
    expect(down.stderr).toMatch(/--db: cannot connect to postgres:\/\/capflow@127\.0\.0\.1:1\/fund/);
    const other = runCli(['treasury', 'show', '--db', 'mysql://capflow@127.0.0.1/fund']);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/mysql:\/\/ is not a ledger store/);
    const empty = runCli(['treasury', 'history', '--db', pg().createDatabase('nothing')]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/no ledger in .*treasury init/);
    for (const r of [bad, noDb, down, other]) expect(r.stderr).not.toContain('s3cret-pw');
  }, 60_000);

  it('migrate copies DuckDB → PostgreSQL → DuckDB exactly; verify proves each copy; a non-empty target is refused unless --replace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'capflow-pg-migrate-'));
    const events = feed(1500, 12);
    const source = join(dir, 'fund.duckdb');
    expect(runCliJson(['treasury', 'init', ...INIT, '--db', source]).code).toBe(0);
    expect(runCliJson(['treasury', 'sync', '--events', events, '--db', source, '--batch-size', '400']).code).toBe(0);
    const url = withPassword(pg().createDatabase('migrated'));

    const there = runCliJson(['treasury', 'migrate', '--from', source, '--to', url]);
    expect(there.code, there.stderr).toBe(0);
    expect(there.json).toMatchObject({ events: 1500, identical: true, consistent: true, to: url.replace(':s3cret-pw', '') });
    expect(JSON.stringify(there.json)).not.toContain('s3cret-pw');
    expect(runCliJson(['treasury', 'verify', '--events', events, '--db', url]).json).toMatchObject({ consistent: true, events: 1500 });

    const back = join(dir, 'back.duckdb');
    const again = runCliJson(['treasury', 'migrate', '--from', url, '--to', back]);
    expect(again.code, again.stderr).toBe(0);
    expect(runCliJson(['treasury', 'verify', '--events', events, '--db', back]).json).toMatchObject({ consistent: true, events: 1500 });

    const [a, b, c] = [await dumpDuckDbLedger(source), await dumpPgLedger(url), await dumpDuckDbLedger(back)];
    for (const table of Object.keys(a)) {
      expect(b[table], table).toEqual(a[table]);
      expect(c[table], table).toEqual(a[table]);
    }
    expect(a.events).toHaveLength(1500);

    const refusedPg = runCli(['treasury', 'migrate', '--from', source, '--to', url]);
    expect(refusedPg.code).toBe(2);
    expect(refusedPg.stderr).toMatch(/--to: .*already holds a ledger; nothing was changed \(pass --replace/);
    expect(refusedPg.stderr).not.toContain('s3cret-pw');
    const refusedDuck = runCli(['treasury', 'migrate', '--from', url, '--to', back]);
    expect(refusedDuck.code).toBe(2);
    expect(refusedDuck.stderr).toMatch(/already holds a ledger/);
    expect(await dumpDuckDbLedger(back)).toEqual(c);

    // a shorter ledger replaces the longer one: the copy is exactly the new source
    const small = join(dir, 'small.duckdb');
    runCliJson(['treasury', 'init', ...INIT, '--db', small]);
    expect(runCliJson(['treasury', 'migrate', '--from', small, '--to', url, '--replace']).json).toMatchObject({ events: 0, identical: true });
    expect(await dumpPgLedger(url)).toEqual(await dumpDuckDbLedger(small));
    expect(runCli(['treasury', 'migrate', '--from', small]).stderr).toMatch(/--to: is required/);
  }, 180_000);
});
