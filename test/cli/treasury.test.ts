import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LedgerStore } from '../../src/index.ts';
import { runCli, runCliJson } from '../helpers/cli.ts';

const VAULT = '0x1111111111111111111111111111111111111111';
const TX = (n: number): string => `0x${n.toString(16).padStart(64, '0')}`;
const OWNER = `0x${'aa'.repeat(20)}`;

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'capflow-cli-treasury-'));
}

function init(db: string): void {
  const r = runCliJson(['treasury', 'init', '--chain-id', '1', '--address', VAULT, '--name', 'Capflow USD', '--symbol', 'cfUSD', '--db', db]);
  expect(r.code).toBe(0);
}

/** The README example feed: a deposit, a supply to Aave, interest, a request, its settlement and claim. */
const FEED = [
  { kind: 'deposit', chainId: 1, blockNumber: 100, txHash: TX(1), logIndex: 0, timestamp: '2024-01-01T00:00:00Z', owner: OWNER, assets: '1000000000', shares: '1000000000000000000000' },
  { kind: 'correction', chainId: 1, blockNumber: 101, txHash: TX(2), logIndex: 0, timestamp: '2024-01-01T00:00:12Z', asset: 'aUSDC', quantity: '600000000', reason: 'supply to Aave', position: 'aave' },
  { kind: 'correction', chainId: 1, blockNumber: 101, txHash: TX(2), logIndex: 1, timestamp: '2024-01-01T00:00:12Z', asset: 'USDC', quantity: '-600000000', reason: 'supply to Aave' },
  { kind: 'interest', chainId: 1, blockNumber: 200, txHash: TX(3), logIndex: 0, timestamp: '2024-01-02T00:00:00Z', asset: 'aUSDC', balance: '600300000' },
  { kind: 'redeem_request', chainId: 1, blockNumber: 210, txHash: TX(4), logIndex: 3, timestamp: '2024-01-02T01:00:00Z', owner: OWNER, shares: '100000000000000000000' },
  { kind: 'settle', chainId: 1, blockNumber: 220, txHash: TX(5), logIndex: 0, timestamp: '2024-01-03T00:00:00Z', owner: OWNER, shares: '100000000000000000000', navPerShare: '1000300' },
  { kind: 'redeem', chainId: 1, blockNumber: 230, txHash: TX(6), logIndex: 0, timestamp: '2024-01-03T01:00:00Z', owner: OWNER, assets: '100030000', shares: '100000000000000000000' },
];

function writeFeed(dir: string, lines: object[], name = 'events.jsonl'): string {
  const path = join(dir, name);
  writeFileSync(path, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
  return path;
}

describe('capflow treasury', () => {
  it('init, sync, show, history and verify a feed; a replay changes nothing', () => {
    const dir = tempDir();
    const db = join(dir, 'fund.duckdb');
    init(db);
    const events = writeFeed(dir, FEED);
    const sync = runCliJson(['treasury', 'sync', '--events', events, '--db', db]);
    expect(sync.code).toBe(0);
    expect(sync.json).toMatchObject({ applied: 7, duplicates: 0, cursor: 230, previousCursor: null });

    const show = runCliJson(['treasury', 'show', '--db', db]);
    expect(show.code).toBe(0);
    expect(show.json).toMatchObject({
      totalAssets: '900270000', // 1000 + 0.3 interest − 100.03 settled
      totalShares: '900000000000000000000',
      pendingRedemptionShares: '0',
      claimableAssets: '0',
      lastBlockScanned: 230,
      counts: { deposit: 1, redeem: 1, redeem_request: 1, settle: 1, interest: 1, correction: 2 },
    });
    expect(show.json.sharePrice).toBeCloseTo(900.27 / 900, 9);

    const replay = runCliJson(['treasury', 'sync', '--events', events, '--db', db]);
    expect(replay.json).toMatchObject({ applied: 0, duplicates: 7, cursor: 230 });
    const again = runCliJson(['treasury', 'show', '--db', db]);
    expect({ ...again.json, lastUpdatedAt: null }).toEqual({ ...show.json, lastUpdatedAt: null });

    const history = runCliJson(['treasury', 'history', '--db', db, '--cause', 'correction']);
    expect(history.json.total).toBe(2);
    expect(history.json.updates.map((u: { position: string; quantity: string; notes: string }) => [u.position, u.quantity, u.notes])).toEqual([
      ['aave', '600000000', 'supply to Aave'],
      ['reserve', '-600000000', 'supply to Aave'],
    ]);
    const human = runCli(['treasury', 'history', '--db', db, '--limit', '2']);
    expect(human.stdout).toMatch(/2 of 9 updates/);

    const verify = runCliJson(['treasury', 'verify', '--db', db, '--events', events]);
    expect(verify.json).toMatchObject({ consistent: true, events: 7, cursor: 230 });
  });

  it('shows pending redemptions in USD and the books in a human table', () => {
    const dir = tempDir();
    const db = join(dir, 'fund.duckdb');
    init(db);
    runCliJson(['treasury', 'sync', '--events', writeFeed(dir, FEED.slice(0, 5)), '--db', db]);
    const show = runCliJson(['treasury', 'show', '--db', db, '--asset-price-usd', '2']);
    expect(show.json.pendingRedemptionShares).toBe('100000000000000000000');
    expect(show.json.pendingRedemptionsUsd).toBeCloseTo(200.06, 2);
    const human = runCli(['treasury', 'show', '--db', db]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/total assets\s+1,000\.3\s+USDC/);
    expect(human.stdout).toMatch(/aave\s+aUSDC\s+600300000/);
  });

  it('show right-aligns every value of the totals in one column, text and numbers alike', () => {
    const dir = tempDir();
    const db = join(dir, 'fund.duckdb');
    init(db);
    runCliJson(['treasury', 'sync', '--events', writeFeed(dir, FEED), '--db', db]);
    const human = runCli(['treasury', 'show', '--db', db]);
    expect(human.code).toBe(0);
    const totals = human.stdout.split('\n\n')[1].split('\n');
    const rows = totals.map((line) => /^(\S+(?: \S+)*)\s{2,}(\S+)(?:\s{2,}(\S+))?$/.exec(line));
    expect(rows.map((m) => m?.[2])).toEqual(['900.27', '900', '1.0003', '0', '0', '0', '230']);
    const valueEnds = totals.map((line, i) => line.length - (rows[i]?.[3] === undefined ? 0 : (rows[i]?.[3]?.length ?? 0) + 2));
    expect(new Set(valueEnds).size).toBe(1);
    expect(human.stdout).toMatch(/^Capflow USD \(cfUSD\) on chain 1, last sync \d{4}-/);
  });

  it('a malformed line writes nothing and exits 2 naming the line and field', () => {
    const dir = tempDir();
    const db = join(dir, 'fund.duckdb');
    init(db);
    const bad = writeFeed(dir, [...FEED.slice(0, 3), { ...FEED[3], balance: '6e8' }, ...FEED.slice(4)]);
    const r = runCli(['treasury', 'sync', '--events', bad, '--db', db, '--batch-size', '1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^capflow: line 4: balance: must be a decimal string of base units/);
    expect(r.stderr).toContain(bad);
    const show = runCliJson(['treasury', 'show', '--db', db]);
    expect(show.json).toMatchObject({ totalAssets: '0', lastBlockScanned: null, counts: { deposit: 0 } });

    const unknown = runCliJson(['treasury', 'sync', '--events', writeFeed(dir, [{ ...FEED[0], memo: 'hi' }], 'unknown.jsonl'), '--db', db]);
    expect(unknown.code).toBe(2);
    expect(unknown.json.error.field).toBe('line 1: memo');
  });

  it('names the line once in errors against the stored ledger: another chain, changed content, a new event in a synced block', () => {
    const dir = tempDir();
    const db = join(dir, 'fund.duckdb');
    init(db);
    expect(runCliJson(['treasury', 'sync', '--events', writeFeed(dir, FEED), '--db', db]).code).toBe(0);
    const cases: [object[], string, RegExp][] = [
      [[{ ...FEED[0], chainId: 5, blockNumber: 300 }], 'line 1: chainId', /^capflow: line 1: chainId: is 5 but the ledger keeps chain 1\n$/],
      [[...FEED.slice(0, 3), { ...FEED[3], logIndex: 0, balance: '600400000' }], 'line 4: logIndex', /^capflow: line 4: logIndex: event 1:0x0+3:0 is stored with other content/],
      [[{ ...FEED[0], txHash: TX(99) }], 'line 1: blockNumber', /^capflow: line 1: blockNumber: block 100 was already synced \(cursor 230\)/],
    ];
    cases.forEach(([lines, field, message], i) => {
      const events = writeFeed(dir, lines, `bad${i}.jsonl`);
      const json = runCliJson(['treasury', 'sync', '--events', events, '--db', db]);
      expect(json.code).toBe(2);
      expect(json.json.error.field).toBe(field);
      expect(`capflow: ${json.json.error.message}\n`).toMatch(message);
      expect(runCli(['treasury', 'sync', '--events', events, '--db', db]).stderr).toMatch(message);
    });
    expect(runCliJson(['treasury', 'show', '--db', db]).json.counts.deposit).toBe(1);
  });

  it('refuses zero or negative deposit/redeem amounts and block times that go backwards, naming line and field', () => {
    const dir = tempDir();
    const db = join(dir, 'fund.duckdb');
    init(db);
    const cases: [object[], string, RegExp][] = [
      [[{ ...FEED[0], assets: '0' }], 'line 1: assets', /^line 1: assets: must be > 0 in a deposit, got 0/],
      [[FEED[0], { ...FEED[6], blockNumber: 101, shares: '0' }], 'line 2: shares', /^line 2: shares: must be > 0 in a redeem, got 0/],
      [[{ ...FEED[0], shares: '-1' }], 'line 1: shares', /^line 1: shares: must be a decimal string of base units/],
      [[{ ...FEED[0], timestamp: '2024-01-02T00:00:00Z' }, { ...FEED[1], blockNumber: 101, timestamp: '2024-01-01T00:00:00Z' }], 'line 2: timestamp', /^line 2: timestamp: 2024-01-01T00:00:00\.000Z \(block 101\) is before 2024-01-02T00:00:00\.000Z of line 1/],
    ];
    cases.forEach(([lines, field, message], i) => {
      const r = runCliJson(['treasury', 'sync', '--events', writeFeed(dir, lines, `bad${i}.jsonl`), '--db', db]);
      expect(r.code).toBe(2);
      expect(r.json.error.field).toBe(field);
      expect(r.json.error.message).toMatch(message);
    });
    expect(runCliJson(['treasury', 'show', '--db', db]).json).toMatchObject({ totalAssets: '0', lastBlockScanned: null });
  });

  it('reports events priced more than 1% off NAV per share, as a count and the first lines, without refusing them', () => {
    const dir = tempDir();
    const db = join(dir, 'fund.duckdb');
    init(db);
    const cheap = { ...FEED[0], blockNumber: 101, txHash: TX(7), timestamp: '2024-01-01T00:00:12Z', assets: '1000000000', shares: '2000000000000000000000' };
    const events = writeFeed(dir, [FEED[0], cheap]);
    const sync = runCliJson(['treasury', 'sync', '--events', events, '--db', db]);
    expect(sync.code).toBe(0);
    expect(sync.json.applied).toBe(2);
    expect(sync.json.priceDeviations).toMatchObject({ count: 1, limitPct: 0.01, first: [{ where: 'line 2', kind: 'deposit', blockNumber: 101, impliedPrice: 0.5 }] });
    expect(sync.json.priceDeviations.first[0].deviationPct).toBeCloseTo(0.5, 9);

    const db2 = join(dir, 'fund2.duckdb');
    init(db2);
    const human = runCli(['treasury', 'sync', '--events', events, '--db', db2]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/priced > 1% off NAV\/share\s+1\s+events/);
    expect(human.stdout).toMatch(/1 applied events imply a price \(assets\/shares\) more than 1% off the books' NAV per share/);
    expect(human.stdout).toMatch(/line 2\s+deposit\s+101\s+0\.5\s+1\s+50/);
  });

  it('refuses an interest jump above 5% with old, new and the limit', () => {
    const dir = tempDir();
    const db = join(dir, 'fund.duckdb');
    init(db);
    const r = runCli(['treasury', 'sync', '--events', writeFeed(dir, [...FEED.slice(0, 3), { ...FEED[3], balance: '700000000' }]), '--db', db]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^capflow: line 4: balance: aUSDC jumps from 600000000 to 700000000 \(16\.67%\), above the 5% limit.*"force": true/);
  });

  it.each([
    [['treasury', 'init', '--chain-id', '0', '--address', VAULT, '--name', 'x', '--symbol', 'X'], '--chain-id'],
    [['treasury', 'init', '--chain-id', '1', '--address', '0x12', '--name', 'x', '--symbol', 'X'], '--address'],
    [['treasury', 'init', '--chain-id', '1', '--address', VAULT, '--name', 'x', '--symbol', 'X', '--asset-decimals', '6', '--share-decimals', '4'], '--share-decimals'],
    [['treasury', 'sync', '--events', 'nope.jsonl'], '--events'],
    [['treasury', 'history', '--cause', 'mint'], '--cause'],
    [['treasury', 'show', '--asset-price-usd', '-1'], '--asset-price-usd'],
    [['treasury', 'generate', '--events', '10'], '--out'],
  ])('exits 2 naming the flag: %j', (args, field) => {
    const dir = tempDir();
    const db = args[1] === 'generate' ? [] : ['--db', join(dir, 'x.duckdb')];
    const r = runCliJson([...args, ...db], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.json.error.field).toBe(field);
  });

  it('exits 2 on a missing ledger and a second init; 4 for a writer while another process writes (readers get a snapshot)', async () => {
    const dir = tempDir();
    const db = join(dir, 'fund.duckdb');
    const missing = runCli(['treasury', 'show', '--db', db]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--db: no ledger at .*treasury init/);
    init(db);
    const twice = runCli(['treasury', 'init', '--chain-id', '1', '--address', VAULT, '--name', 'x', '--symbol', 'X', '--db', db]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/already keeps the books/);
    const holder = await LedgerStore.open(db);
    try {
      expect(runCli(['treasury', 'show', '--db', db]).code).toBe(0);
      writeFileSync(join(dir, 'none.jsonl'), '');
      const locked = runCli(['treasury', 'sync', '--events', join(dir, 'none.jsonl'), '--db', db], { env: { CAPFLOW_LOCK_WAIT_MS: '200' } });
      expect(locked.code).toBe(4);
      expect(locked.stderr).toMatch(/--db: process \d+ is writing .*one writer process.*PostgreSQL/);
    } finally {
      holder.close();
    }
  });

  it('generates a seeded feed that syncs and verifies', () => {
    const dir = tempDir();
    const db = join(dir, 'fund.duckdb');
    const feed = join(dir, 'gen.jsonl');
    expect(runCliJson(['treasury', 'generate', '--events', '2000', '--seed', '5', '--out', feed]).json).toEqual({ file: feed, events: 2000, seed: 5 });
    init(db);
    const sync = runCli(['treasury', 'sync', '--events', feed, '--db', db, '--batch-size', '500', '--progress']);
    expect(sync.code).toBe(0);
    expect(sync.stderr.split('\n').filter((l) => /^synced \d+ events \(0 duplicates\), cursor \d+$/.test(l)).length).toBe(4);
    expect(sync.stdout).toMatch(/applied\s+2,000\s+events/);
    expect(runCliJson(['treasury', 'verify', '--events', feed, '--db', db]).json.consistent).toBe(true);
  });

  it('generate: a bad --out directory exits 2 naming --out and writes nothing', () => {
    const dir = tempDir();
    const out = join(dir, 'missing', 'gen.jsonl');
    const r = runCliJson(['treasury', 'generate', '--events', '10', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.json.error.field).toBe('--out');
    expect(r.json.error.message).toMatch(/directory .*missing is not there/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('generate: leaves no temporary file beside the feed', () => {
    const dir = tempDir();
    const feed = join(dir, 'gen.jsonl');
    expect(runCliJson(['treasury', 'generate', '--events', '10', '--out', feed]).code).toBe(0);
    expect(readdirSync(dir)).toEqual(['gen.jsonl']);
    expect(readFileSync(feed, 'utf8').trim().split('\n')).toHaveLength(10);
  });

  it('prints help listing the subcommands', () => {
    const r = runCli(['treasury', '--help']);
    expect(r.code).toBe(0);
    for (const sub of ['init', 'sync', 'show', 'history', 'verify', 'migrate', 'generate']) expect(r.stdout).toContain(sub);
    const sync = runCli(['treasury', 'sync', '--help']);
    expect(sync.stdout).toMatch(/--events <file\.jsonl>[\s\S]*--batch-size[\s\S]*--db <path\|url>[\s\S]*--json/);
  });
});
