/**
 * ERC-7540 asynchronous deposits on anvil: a fully asynchronous vault (contracts/AsyncVault.sol)
 * plays a seeded story of deposit requests, settlements and claims (with deposit and mint, some
 * to another receiver) next to redemption requests, settlements, claims, transfers and
 * donations; the chain sync books them, verify compares pending and claimable deposits with the
 * vault's own views, and a feed of the same events gives the same ledger.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Address } from 'viem';
import { createChainClient } from '../../src/chain/client.ts';
import { connectDevnet, deploy, deployAsyncVault, playStory, startAnvil, type Anvil, type Devnet, type StoryCounts } from '../../src/chain/devnet/index.ts';
import { applyEvent } from '../../src/ledger/apply.ts';
import { readDeployment, syncFromChain, verifyAgainstChain } from '../../src/ledger/chainSync.ts';
import { formatFeedLine } from '../../src/ledger/feed.ts';
import { withLedgerStore } from '../../src/ledger/store.ts';
import { treasurySummary } from '../../src/ledger/treasury.ts';
import type { BalanceUpdate } from '../../src/ledger/types.ts';
import { runCli, runCliJson } from '../helpers/cli.ts';
import { startRangeLimitProxy } from './proxy.ts';

const dir = mkdtempSync(join(tmpdir(), 'capflow-async-deposit-'));
let n = 0;
const tempDb = (): string => join(dir, `ledger-${++n}.duckdb`);

async function ledgerOf(db: string): Promise<{ lines: string[]; books: Record<string, unknown> }> {
  return withLedgerStore(db, async (store) => {
    const lines = (await store.eventsInOrder()).map(formatFeedLine);
    return { lines, books: { ...treasurySummary(await store.loadState()) } };
  });
}

describe('treasury sync from a fully asynchronous ERC-7540 vault (async deposits and redemptions) on anvil', () => {
  let anvil: Anvil;
  let devnet: Devnet;
  let vault: Address;
  let vaultBlock: number;
  let played: StoryCounts;

  beforeAll(async () => {
    anvil = await startAnvil();
    devnet = await connectDevnet(anvil.rpcUrl);
    const settler = devnet.accounts[0];
    const token = await deploy(devnet, 'TestToken', ['USD Coin (test)', 'USDC', 6]);
    ({ address: vault, blockNumber: vaultBlock } = await deployAsyncVault(devnet, token, settler));
    played = await playStory(devnet, { seed: 5, operations: 160, token, vault, async: true, asyncDeposit: true, holders: devnet.accounts.slice(1, 6), settler });
  });
  afterAll(async () => {
    await anvil?.stop();
  });

  it('init, sync and verify: deposit requests, settlements and claims booked; pending and claimable deposits equal the vault’s views', async () => {
    for (const kind of ['requestDeposit', 'settleDeposit', 'claimDeposit', 'request', 'settle', 'claim', 'transfer'] as const) expect(played[kind]).toBeGreaterThan(3);
    expect(played.deposit).toBe(0);
    const db = tempDb();
    const init = runCliJson(['treasury', 'init', '--rpc', anvil.rpcUrl, '--vault', vault, '--db', db]);
    expect(init.code).toBe(0);
    expect(init.json.deployment).toMatchObject({ address: vault, deploymentBlock: vaultBlock, asyncRedeem: true, asyncDeposit: true });
    const sync = runCliJson(['treasury', 'sync', '--rpc', anvil.rpcUrl, '--db', db]);
    expect(sync.code).toBe(0);
    expect(sync.json.appliedByKind).toMatchObject({
      deposit_request: played.requestDeposit,
      deposit_settle: played.settleDeposit,
      deposit: played.claimDeposit,
      redeem_request: played.request,
      settle: played.settle,
      redeem: played.claim,
    });
    const verify = runCliJson(['treasury', 'verify', '--rpc', anvil.rpcUrl, '--db', db]);
    expect(verify.code).toBe(0);
    expect(verify.json.equal).toBe(true);
    const books = (await ledgerOf(db)).books;
    const holders = new Set([...(books.shareBalances as { holder: string }[]).map((h) => h.holder)]).size;
    // per holder: shares, 3 redemption figures, 3 deposit figures; plus supply, assets and the vault's own shares
    expect(verify.json.compared).toBeGreaterThanOrEqual(holders * 7 + 3);
    expect(BigInt(books.pendingDepositAssets as string) + BigInt(books.claimableDepositShares as string)).toBeGreaterThan(0n);
    expect(runCliJson(['treasury', 'sync', '--rpc', anvil.rpcUrl, '--db', db]).json.applied).toBe(0);
    expect(runCliJson(['treasury', 'verify', '--db', db]).json.consistent).toBe(true);
  });

  it('verify exits 3 naming the controller when the books hold a deposit request the chain never saw', async () => {
    const db = tempDb();
    const chain = createChainClient(anvil.rpcUrl);
    await withLedgerStore(db, async (store) => {
      await store.init(await readDeployment(chain, vault));
      await syncFromChain(store, chain);
      const state = await store.loadState();
      const owner = devnet.accounts[1];
      const event = { kind: 'deposit_request' as const, chainId: 31337, blockNumber: state.lastBlockScanned as number, txHash: `0x${'dd'.repeat(32)}`, logIndex: 0, timestamp: new Date().toISOString(), owner, assets: 7n };
      const updates: BalanceUpdate[] = [];
      applyEvent(state, event, updates);
      await store.commitBatch({ events: [{ event, where: 'test' }], updates, state, syncedAt: new Date().toISOString() });
    }, { create: true });
    const r = runCli(['treasury', 'verify', '--rpc', anvil.rpcUrl, '--db', db]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(new RegExp(`pending deposit of ${devnet.accounts[1]}`));
  });

  it('the chain (in one go and behind a node limiting ranges to 10 blocks) and a feed of the same events give identical ledgers', async () => {
    const chain = createChainClient(anvil.rpcUrl);
    const deployment = await readDeployment(chain, vault);
    const proxy = await startRangeLimitProxy(anvil.rpcUrl, 10);
    const dbs: string[] = [];
    try {
      for (const client of [chain, createChainClient(proxy.url)]) {
        const db = tempDb();
        await withLedgerStore(db, async (store) => {
          await store.init(deployment);
          await syncFromChain(store, client);
          expect((await verifyAgainstChain(store, client)).equal).toBe(true);
        }, { create: true });
        dbs.push(db);
      }
    } finally {
      await proxy.close();
    }
    const [fromChain, limited] = await Promise.all(dbs.map(ledgerOf));
    expect(limited).toEqual(fromChain);
    expect(fromChain.lines.some((l) => l.includes('"kind":"deposit_request"'))).toBe(true);
    expect(fromChain.lines.some((l) => l.includes('"controller"'))).toBe(true);
    const feed = join(dir, 'async-story.jsonl');
    writeFileSync(feed, `${fromChain.lines.join('\n')}\n`);
    const feedDb = tempDb();
    expect(runCli(['treasury', 'init', '--chain-id', '31337', '--address', vault, '--name', deployment.name, '--symbol', deployment.symbol, '--deployment-block', String(vaultBlock), '--db', feedDb]).code).toBe(0);
    expect(runCliJson(['treasury', 'sync', '--events', feed, '--db', feedDb]).code).toBe(0);
    const fromFeed = await ledgerOf(feedDb);
    expect(fromFeed.lines).toEqual(fromChain.lines);
    const strip = (b: Record<string, unknown>) => ({ ...b, lastBlockScanned: null, lastBlockHash: null });
    expect(strip(fromFeed.books)).toEqual(strip(fromChain.books));
    const updates = async (db: string) => (await withLedgerStore(db, (s) => s.history({ limit: 100_000 }))).updates;
    expect(await updates(feedDb)).toEqual(await updates(dbs[0]));
  });
});
