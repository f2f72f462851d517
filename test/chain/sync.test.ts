import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChainClient } from '../../src/chain/client.ts';
import { connectDevnet, deployDemoVaults, playStory, type Anvil, type DemoVaults, type Devnet, startAnvil } from '../../src/chain/devnet/index.ts';
import { readDeployment, syncFromChain, verifyAgainstChain } from '../../src/ledger/chainSync.ts';
import { formatFeedLine } from '../../src/ledger/feed.ts';
import { withLedgerStore } from '../../src/ledger/store.ts';
import { treasurySummary } from '../../src/ledger/treasury.ts';
import { applyEvent } from '../../src/ledger/apply.ts';
import type { BalanceUpdate } from '../../src/ledger/types.ts';
import { runCli, runCliJson } from '../helpers/cli.ts';
import { startRangeLimitProxy } from './proxy.ts';

const dir = mkdtempSync(join(tmpdir(), 'capflow-chain-'));
let n = 0;
const tempDb = (): string => join(dir, `ledger-${++n}.duckdb`);

/** The ledger's events (canonical feed lines, in applied order) and its books. */
async function ledgerOf(db: string): Promise<{ lines: string[]; books: unknown }> {
  return withLedgerStore(db, async (store) => {
    const lines = (await store.eventsInOrder()).map(formatFeedLine);
    const { lastUpdatedAt: _ignored, ...books } = { ...treasurySummary(await store.loadState()), lastUpdatedAt: null };
    return { lines, books };
  });
}

describe('treasury sync from a real ERC-7540 vault on anvil (a seeded 200-operation story from 5 accounts)', () => {
  let anvil: Anvil;
  let devnet: Devnet;
  let vaults: DemoVaults;
  let played: Record<string, number>;

  beforeAll(async () => {
    anvil = await startAnvil();
    devnet = await connectDevnet(anvil.rpcUrl);
    vaults = await deployDemoVaults(devnet);
    played = await playStory(devnet, { seed: 11, operations: 200, token: vaults.token, vault: vaults.vault7540, async: true, holders: devnet.accounts.slice(1, 6), settler: vaults.settler });
  });
  afterAll(async () => {
    await anvil?.stop();
  });

  it('init, sync and verify through the CLI: the ledger equals the chain; a re-sync applies nothing', () => {
    expect(played.deposit + played.transfer + played.donate + played.request + played.settle + played.claim).toBe(200);
    for (const kind of ['deposit', 'transfer', 'donate', 'request', 'settle', 'claim']) expect(played[kind]).toBeGreaterThan(5);
    const db = tempDb();
    const rpc = anvil.rpcUrl.replace('http://', 'http://user:secret@');
    const init = runCliJson(['treasury', 'init', '--rpc', rpc, '--vault', vaults.vault7540, '--db', db]);
    expect(init.code).toBe(0);
    expect(init.json.deployment).toMatchObject({ chainId: 31337, address: vaults.vault7540, deploymentBlock: vaults.vault7540Block, assetSymbol: 'USDC', assetDecimals: 6, shareDecimals: 18, asyncRedeem: true });
    const sync = runCliJson(['treasury', 'sync', '--db', db], { env: { CAPFLOW_RPC_URL: rpc } });
    expect(sync.code).toBe(0);
    expect(sync.json).toMatchObject({ duplicates: 0, fromBlock: vaults.vault7540Block, reorgedBlocks: 0 });
    expect(sync.json.applied).toBeGreaterThanOrEqual(200);
    expect(sync.json.appliedByKind).toMatchObject({ settle: played.settle, redeem_request: played.request, redeem: played.claim, transfer: played.transfer });
    const verify = runCliJson(['treasury', 'verify', '--rpc', rpc, '--db', db]);
    expect(verify.code).toBe(0);
    expect(verify.json).toMatchObject({ equal: true, block: sync.json.toBlock, differences: [] });
    expect(verify.json.compared).toBeGreaterThan(20);
    const again = runCliJson(['treasury', 'sync', '--rpc', rpc, '--db', db]);
    expect(again.json).toMatchObject({ applied: 0, reorgedBlocks: 0 });
    for (const out of [init, sync, verify, again]) expect(JSON.stringify(out.json) + out.stderr).not.toMatch(/secret|user:/);
    const human = runCli(['treasury', 'verify', '--rpc', rpc, '--db', db]);
    expect(human.stdout).toMatch(/^equal to the chain at block \d+: \d+ figures compared \(http:\/\/127\.0\.0\.1:\d+\/\)/);
  });

  it('verify exits 3 with a table of differences when the books differ from the chain', async () => {
    const db = tempDb();
    const chain = createChainClient(anvil.rpcUrl);
    await withLedgerStore(db, async (store) => {
      await store.init(await readDeployment(chain, vaults.vault7540));
      await syncFromChain(store, chain);
      // a share transfer the chain never saw
      const state = await store.loadState();
      const [from, to] = [...state.shareBalances.keys()];
      const event = { kind: 'transfer' as const, chainId: 31337, blockNumber: state.lastBlockScanned as number, txHash: `0x${'ee'.repeat(32)}`, logIndex: 0, timestamp: new Date().toISOString(), from, to, shares: 1n };
      const updates: BalanceUpdate[] = [];
      applyEvent(state, event, updates);
      await store.commitBatch({ events: [{ event, where: 'test' }], updates, state, syncedAt: new Date().toISOString() });
    }, { create: true });
    const r = runCli(['treasury', 'verify', '--rpc', anvil.rpcUrl, '--db', db]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/2 of \d+ figures differ from the chain at block \d+/);
    expect(r.stderr).toMatch(/shares of 0x[0-9a-f]{40}/);
    expect(runCliJson(['treasury', 'verify', '--rpc', anvil.rpcUrl, '--db', db]).code).toBe(3);
  });

  it('gives identical ledgers synced in one go, in 1-block ranges, and behind a node that refuses ranges over 10 blocks', async () => {
    const chain = createChainClient(anvil.rpcUrl);
    const deployment = await readDeployment(chain, vaults.vault7540);
    const proxy = await startRangeLimitProxy(anvil.rpcUrl, 10);
    try {
      const ledgers = [];
      for (const [client, maxRange] of [[chain, 5000], [chain, 1], [createChainClient(proxy.url), 5000]] as const) {
        const db = tempDb();
        await withLedgerStore(db, async (store) => {
          await store.init(deployment);
          await syncFromChain(store, client, { maxRange });
          expect((await verifyAgainstChain(store, client)).equal).toBe(true);
        }, { create: true });
        ledgers.push(await ledgerOf(db));
      }
      expect(proxy.refused).toBeGreaterThan(0);
      expect(ledgers[0].lines.length).toBeGreaterThanOrEqual(200);
      expect(ledgers[1]).toEqual(ledgers[0]);
      expect(ledgers[2]).toEqual(ledgers[0]);
    } finally {
      await proxy.close();
    }
  });

  it('the chain and a feed of the same story give identical ledgers', async () => {
    const chain = createChainClient(anvil.rpcUrl);
    const chainDb = tempDb();
    await withLedgerStore(chainDb, async (store) => {
      await store.init(await readDeployment(chain, vaults.vault7540));
      await syncFromChain(store, chain);
    }, { create: true });
    const fromChain = await ledgerOf(chainDb);
    const feed = join(dir, 'story.jsonl');
    writeFileSync(feed, `${fromChain.lines.join('\n')}\n`);
    const feedDb = tempDb();
    const d = await withLedgerStore(chainDb, (store) => store.deployment());
    expect(runCli(['treasury', 'init', '--chain-id', '31337', '--address', d.address, '--name', d.name, '--symbol', d.symbol, '--deployment-block', String(d.deploymentBlock), '--db', feedDb]).code).toBe(0);
    const sync = runCliJson(['treasury', 'sync', '--events', feed, '--db', feedDb]);
    expect(sync.code).toBe(0);
    const fromFeed = await ledgerOf(feedDb);
    expect(fromFeed.lines).toEqual(fromChain.lines);
    // the feed's cursor is its last event's block and it has no block hash; the books are the same
    const strip = (b: any) => ({ ...b, lastBlockScanned: null, lastBlockHash: null });
    expect(strip(fromFeed.books)).toEqual(strip(fromChain.books));
    const updates = async (db: string) => (await withLedgerStore(db, (s) => s.history({ limit: 100_000 }))).updates;
    expect(await updates(feedDb)).toEqual(await updates(chainDb));
  });

  it('refuses bad inputs with exit 2, a clear message and nothing written', () => {
    const cases: [string[], RegExp][] = [
      [['--vault', `0x${'12'.repeat(20)}`], /--vault: no contract at 0x1212/],
      [['--vault', vaults.token], /--vault: .* is not an ERC-4626 vault: asset\(\) failed/],
      [['--vault', 'nope'], /--vault: must be 0x \+ 40 hex digits/],
      [['--vault', vaults.vault7540, '--from-block', '999999'], /--from-block: block 999999 is beyond the chain head/],
    ];
    for (const [flags, message] of cases) {
      const db = tempDb();
      const r = runCli(['treasury', 'init', '--rpc', anvil.rpcUrl, ...flags, '--db', db]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(existsSync(db)).toBe(false);
    }
    const down = runCli(['treasury', 'init', '--rpc', 'http://user:pw@127.0.0.1:1/?apikey=hidden', '--vault', vaults.vault7540, '--db', tempDb()]);
    expect(down.code).toBe(2);
    expect(down.stderr).toMatch(/--rpc: eth_chainId failed at http:\/\/127\.0\.0\.1:1\//);
    expect(down.stderr).not.toMatch(/pw|hidden/);

    const db = tempDb();
    expect(runCli(['treasury', 'init', '--rpc', anvil.rpcUrl, '--vault', vaults.vault7540, '--db', db]).code).toBe(0);
    const before = readFileSync(db);
    const beyond = runCli(['treasury', 'sync', '--rpc', anvil.rpcUrl, '--to-block', '999999', '--db', db]);
    expect(beyond.code).toBe(2);
    expect(beyond.stderr).toMatch(/--to-block: block 999999 is beyond the chain head \d+/);
    const noNode = runCli(['treasury', 'sync', '--rpc', 'http://127.0.0.1:1', '--db', db]);
    expect(noNode.code).toBe(2);
    expect(noNode.stderr).toMatch(/--rpc: eth_chainId failed/);
    expect(readFileSync(db).equals(before)).toBe(true);
    expect(runCli(['treasury', 'sync', '--db', db], { env: { CAPFLOW_RPC_URL: '' } }).stderr).toMatch(/--events: is required .*--rpc/);
  });
});
