/**
 * SIGKILL at random moments (issue 15) of the commands that write a store: `treasury init`,
 * `treasury sync` (a JSON-lines feed) and `data import`, 20 kills each (CAPFLOW_KILLS). After
 * every kill the store is absent or complete and consistent, the next command succeeds, and no
 * temporary file stays behind once a later command has run.
 */
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { inspectDuckDbFile } from '../../src/core/duckdbKind.ts';
import { withLedgerStore } from '../../src/ledger/store.ts';
import { runCli, runCliJson } from '../helpers/cli.ts';
import { seeded, spawnCli } from '../helpers/process.ts';

const KILLS = Number(process.env.CAPFLOW_KILLS ?? 20);
const ADDRESS = `0x${'1'.repeat(40)}`;
const INIT = ['treasury', 'init', '--chain-id', '1', '--address', ADDRESS, '--name', 'Fund', '--symbol', 'cfUSD'];

/** Temporary files of atomic writes beside a target (`.<name>.<pid>.<n>.tmp`, with a `.wal`). */
const temps = (dir: string): string[] => readdirSync(dir).filter((f) => /\.tmp(\.wal)?$/.test(f));

/** A kill moment in [from, to) of a run that takes `ms` when left alone. */
function momentOf(random: () => number, ms: number, from = 0.2, to = 1): number {
  return Math.floor(ms * (from + random() * (to - from)));
}

describe('SIGKILL at random moments leaves every store absent or complete', () => {
  it(`treasury init: ${KILLS} kills`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'capflow-kill-init-'));
    const db = join(dir, 'fund.duckdb');
    const args = [...INIT, '--db', db];
    const first = await spawnCli(args);
    expect(first.code, first.stderr).toBe(0);
    rmSync(db);
    const random = seeded(151);
    const outcomes = { killed: 0, none: 0, complete: 0 };
    for (let i = 0; i < KILLS; i++) {
      const r = await spawnCli(args, { killAfterMs: momentOf(random, first.ms) });
      if (r.signal === 'SIGKILL') outcomes.killed++;
      else expect(r.code, r.stderr).toBe(0);
      const { kind } = await inspectDuckDbFile(db);
      expect(['missing', 'ledger'], `after kill ${i}: ${kind}`).toContain(kind);
      if (kind === 'missing') {
        outcomes.none++;
        expect(existsSync(`${db}.wal`)).toBe(false);
        const next = runCliJson(args); // the next init succeeds, and clears the killed one's temporary file
        expect(next.code, next.stderr).toBe(0);
      } else {
        outcomes.complete++;
        const verify = runCliJson(['treasury', 'verify', '--db', db]); // the next command on the complete ledger
        expect(verify.code, verify.stderr).toBe(0);
        expect(verify.json).toMatchObject({ consistent: true, events: 0, cursor: null });
      }
      const deployment = await withLedgerStore(db, (store) => store.deployment(), { readOnly: true });
      expect(deployment).toMatchObject({ chainId: 1, address: ADDRESS, name: 'Fund', symbol: 'cfUSD' });
      expect(temps(dir), `after kill ${i}`).toEqual([]);
      rmSync(db);
    }
    expect(outcomes.killed, JSON.stringify(outcomes)).toBeGreaterThanOrEqual(KILLS / 2);
    expect(outcomes.none, JSON.stringify(outcomes)).toBeGreaterThan(0);
  }, 600_000);

  it(`treasury sync (a JSON-lines feed): ${KILLS} kills`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'capflow-kill-sync-'));
    const feed = join(dir, 'feed.jsonl');
    const total = 12_000;
    expect(runCli(['treasury', 'generate', '--events', String(total), '--seed', '12', '--out', feed]).code).toBe(0);
    const empty = join(dir, 'empty.duckdb');
    expect(runCli([...INIT, '--db', empty]).code).toBe(0);
    const db = join(dir, 'fund.duckdb');
    const fresh = (): void => {
      rmSync(`${db}.wal`, { force: true });
      copyFileSync(empty, db);
    };
    fresh();
    const args = ['treasury', 'sync', '--events', feed, '--db', db, '--batch-size', '500'];
    const first = await spawnCli(args);
    expect(first.code, first.stderr).toBe(0);
    fresh();
    const random = seeded(152);
    const outcomes = { killed: 0, partial: 0, complete: 0 };
    for (let i = 0; i < KILLS; i++) {
      const r = await spawnCli(args, { killAfterMs: momentOf(random, first.ms) });
      if (r.signal === 'SIGKILL') outcomes.killed++;
      else expect(r.code, r.stderr).toBe(0);
      // the next command: the ledger holds exactly the feed's events up to its cursor, and adds up
      const verify = runCliJson(['treasury', 'verify', '--events', feed, '--db', db]);
      expect(verify.code, `after kill ${i}: ${verify.stderr} ${JSON.stringify(verify.json)}`).toBe(0);
      expect(verify.json.consistent).toBe(true);
      if (verify.json.events === total) {
        outcomes.complete++;
        fresh(); // start the next kill from an empty ledger again
      } else if (verify.json.events > 0) outcomes.partial++;
    }
    expect(outcomes.killed, JSON.stringify(outcomes)).toBeGreaterThanOrEqual(KILLS / 2);
    expect(outcomes.partial, JSON.stringify(outcomes)).toBeGreaterThan(0); // some kills fell between committed batches
    const resync = runCliJson([...args]);
    expect(resync.code, resync.stderr).toBe(0);
    const final = runCliJson(['treasury', 'verify', '--events', feed, '--db', db]);
    expect(final.json).toMatchObject({ consistent: true, events: total });
    expect(resync.json.applied + resync.json.duplicates).toBe(total);
    expect(temps(dir)).toEqual([]);
    // the killed syncs' staged rows (beside the ledger) are gone once a sync has run again
    expect(readdirSync(dir).filter((f) => f.startsWith('.capflow-stage-'))).toEqual([]);
    expect(outcomes.killed).toBeGreaterThan(0);
  }, 600_000);

  it(`data import: ${KILLS} kills`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'capflow-kill-import-'));
    const csv = join(dir, 'venue.csv');
    const days = 6000;
    const rows = Array.from({ length: days }, (_, k) => `${new Date(Date.UTC(2000, 0, 1) + k * 86_400_000).toISOString().slice(0, 10)},${(3 + Math.sin(k / 30)).toFixed(4)},${1e8 + k * 1000}`);
    writeFileSync(csv, `date,apy,tvl\n${rows.join('\n')}\n`);
    const db = join(dir, 'history.duckdb');
    const args = ['data', 'import', csv, '--as', 'venue', '--venue', 'v', '--map', 'date=date,apy=apy,tvl=tvl', '--apy-unit', 'percent', '--rate', 'apr', '--replace', '--db', db];
    const first = await spawnCli(args);
    expect(first.code, first.stderr).toBe(0);
    rmSync(db);
    const random = seeded(153);
    const outcomes = { killed: 0, none: 0, complete: 0 };
    for (let i = 0; i < KILLS; i++) {
      if (i === KILLS / 2) rmSync(db, { force: true }); // half the kills create the file, half replace a stored series
      const r = await spawnCli(args, { killAfterMs: momentOf(random, first.ms, 0.1) });
      if (r.signal === 'SIGKILL') outcomes.killed++;
      else expect(r.code, r.stderr).toBe(0);
      if (existsSync(db)) {
        const list = runCliJson(['data', 'list', '--db', db]);
        expect(list.code, `after kill ${i}: ${list.stderr} ${JSON.stringify(list.json)}`).toBe(0);
        for (const s of list.json.series) expect(s).toMatchObject({ name: 'v', days, firstDate: '2000-01-01' }); // the whole series or none
        if (list.json.series.length === 0) outcomes.none++;
        else outcomes.complete++;
      } else outcomes.none++;
      const next = runCliJson(args); // the next import succeeds
      expect(next.code, `after kill ${i}: ${next.stderr} ${JSON.stringify(next.json)}`).toBe(0);
      expect(next.json.days).toBe(days);
    }
    expect(outcomes.killed, JSON.stringify(outcomes)).toBeGreaterThanOrEqual(KILLS / 2);
    expect(temps(dir)).toEqual([]); // a killed creation's temporary file is gone once an import has run
    const show = runCliJson(['data', 'show', 'v', '--db', db]);
    expect(show.json).toMatchObject({ name: 'v', days });
  }, 600_000);

  it('a history file a kill left with part of its schema is completed by the next import', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'capflow-kill-schema-'));
    const db = join(dir, 'history.duckdb');
    const partial = await DuckDBInstance.create(db); // as a kill between the schema's statements left it (before they were one transaction)
    const c2 = await partial.connect();
    await c2.run(`CREATE TABLE venue_days (venue VARCHAR NOT NULL, date DATE NOT NULL, value DOUBLE NOT NULL, apy DOUBLE, daily_return DOUBLE,
      tvl_usd DOUBLE, available_liquidity_usd DOUBLE, utilisation DOUBLE, filled BOOLEAN NOT NULL, observed_on DATE NOT NULL, PRIMARY KEY (venue, date))`);
    c2.closeSync();
    partial.closeSync();
    const r = runCliJson(['data', 'import', 'examples/data/lending-usdc.csv', '--as', 'venue', '--venue', 'lending-usdc', '--config', 'examples/data/lending-usdc.yaml', '--db', db]);
    expect(r.code, r.stderr + JSON.stringify(r.json)).toBe(0);
    expect(runCliJson(['data', 'list', '--db', db]).json.series).toHaveLength(1);
  });
});
