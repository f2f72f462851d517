import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChainClient, RpcError } from '../../src/chain/client.ts';
import { connectDevnet, deployDemoVaults, playStory, startAnvil, type Anvil, type DemoVaults, type Devnet } from '../../src/chain/devnet/index.ts';
import { readLogsAdaptive } from '../../src/chain/logs.ts';
import { findDeploymentBlock, readHead, readHoldersAt, readTotalsAt, readVaultMetadata } from '../../src/chain/reads.ts';
import { redactRpcUrl, rpcUrlFrom } from '../../src/chain/rpcUrl.ts';
import { UserError } from '../../src/core/errors.ts';
import { startRangeLimitProxy } from './proxy.ts';

describe('devnet: anvil, solc-compiled contracts, a seeded story', () => {
  let anvil: Anvil;
  let devnet: Devnet;
  let vaults: DemoVaults;

  beforeAll(async () => {
    anvil = await startAnvil();
    devnet = await connectDevnet(anvil.rpcUrl);
    vaults = await deployDemoVaults(devnet);
    await playStory(devnet, { seed: 3, operations: 60, token: vaults.token, vault: vaults.vault7540, async: true, holders: devnet.accounts.slice(1, 6), settler: vaults.settler });
  });
  afterAll(async () => {
    await anvil?.stop();
  });

  it('reads the vaults metadata, and refuses what is not a vault', async () => {
    const chain = createChainClient(anvil.rpcUrl);
    const meta = await readVaultMetadata(chain, vaults.vault7540);
    expect(meta).toMatchObject({ chainId: 31337, name: 'Capflow Async USD', symbol: 'caUSD', shareDecimals: 18, asset: vaults.token, assetSymbol: 'USDC', assetDecimals: 6, asyncRedeem: true });
    expect((await readVaultMetadata(chain, vaults.vault4626)).asyncRedeem).toBe(false);
    await expect(readVaultMetadata(chain, vaults.token)).rejects.toThrow(/is not an ERC-4626 vault: asset\(\) failed/);
    await expect(readVaultMetadata(chain, `0x${'12'.repeat(20)}`)).rejects.toThrow(/no contract at/);
    expect(await findDeploymentBlock(chain, vaults.vault7540, await readHead(chain))).toBe(vaults.vault7540Block);
  });

  it('holders, pending and claimable redemptions read at a block add up to the supply', async () => {
    const chain = createChainClient(anvil.rpcUrl);
    const head = await readHead(chain);
    const totals = await readTotalsAt(chain, vaults.vault7540, head);
    const holders = await readHoldersAt(chain, vaults.vault7540, [...devnet.accounts.slice(1, 6), vaults.vault7540], head, true);
    const held = [...holders.values()].reduce((s, h) => s + h.shares, 0n);
    expect(held).toBe(totals.totalSupply);
    const pending = [...holders.values()].reduce((s, h) => s + h.pendingShares, 0n);
    expect(holders.get(vaults.vault7540)?.shares).toBe(pending);
  });

  it('scans logs in adaptive ranges behind a node that refuses ranges > 10 blocks', async () => {
    const direct = createChainClient(anvil.rpcUrl);
    const head = await readHead(direct);
    const all = await readLogsAdaptive(direct, [{ address: vaults.vault7540 }], 0, head, { size: 5000, max: 5000 });
    expect(all.toBlock).toBe(head);
    const proxy = await startRangeLimitProxy(anvil.rpcUrl, 10);
    try {
      const limited = createChainClient(proxy.url);
      const window = { size: 5000, max: 5000 };
      const logs = [];
      for (let from = 0; from <= head; ) {
        const r = await readLogsAdaptive(limited, [{ address: vaults.vault7540 }], from, head, window);
        expect(r.toBlock - from + 1).toBeLessThanOrEqual(10);
        logs.push(...r.logs);
        from = r.toBlock + 1;
      }
      expect(proxy.refused).toBeGreaterThan(0);
      expect(logs).toEqual(all.logs);
    } finally {
      await proxy.close();
    }
  });

  it('reports an RPC that is down with the request and without credentials', async () => {
    const chain = createChainClient('http://user:secret@127.0.0.1:1/?apikey=hidden', { attempts: 2, baseDelayMs: 10 });
    const error = await readHead(chain).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RpcError);
    expect(error).toBeInstanceOf(UserError);
    expect(String(error)).toMatch(/eth_blockNumber failed at http:\/\/127\.0\.0\.1:1\//);
    expect(String(error)).not.toMatch(/secret|hidden|user/);
  });

  it('leaves nothing under ~/.foundry (states kept in memory)', () => {
    expect(existsSync(join(homedir(), '.foundry', 'anvil', 'tmp'))).toBe(false);
  });
});

describe('RPC URLs', () => {
  it('are printed without credentials', () => {
    expect(redactRpcUrl('https://user:pw@eth.example/v3/0123456789abcdef0123456789abcdef?apikey=s&chain=1')).toBe('https://eth.example/v3/***?apikey=***&chain=1');
    expect(redactRpcUrl('http://127.0.0.1:8545')).toBe('http://127.0.0.1:8545/');
  });

  it('come from --rpc or CAPFLOW_RPC_URL, http(s) only', () => {
    expect(rpcUrlFrom(undefined, { CAPFLOW_RPC_URL: 'http://127.0.0.1:8545' })).toBe('http://127.0.0.1:8545');
    expect(() => rpcUrlFrom(undefined, {})).toThrow(/--rpc: is required/);
    expect(() => rpcUrlFrom('ftp://x', {})).toThrow(/--rpc: must be an http\(s\) URL/);
    expect(() => rpcUrlFrom('not a url', {})).toThrow(/--rpc: is not a URL/);
  });
});
