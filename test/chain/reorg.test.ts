import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Abi } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERC4626_ABI } from '../../src/chain/abi.ts';
import { createChainClient } from '../../src/chain/client.ts';
import { connectDevnet, deployDemoVaults, fundHolders, playStory, send, startAnvil, type Anvil, type DemoVaults, type Devnet } from '../../src/chain/devnet/index.ts';
import { readDeployment, syncFromChain, verifyAgainstChain } from '../../src/ledger/chainSync.ts';
import { withLedgerStore } from '../../src/ledger/store.ts';
import { verifyLedger } from '../../src/ledger/sync.ts';
import { ROOT, runCli, runCliJson } from '../helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'capflow-reorg-'));

describe('reorganisations and kills', () => {
  let anvil: Anvil;
  let devnet: Devnet;
  let vaults: DemoVaults;

  beforeAll(async () => {
    anvil = await startAnvil();
    devnet = await connectDevnet(anvil.rpcUrl);
    vaults = await deployDemoVaults(devnet);
  });
  afterAll(async () => {
    await anvil?.stop();
  });

  it('a reorg of depth 3 that replaces a deposit by another: the next sync rolls back and matches the new chain', async () => {
    const [alice, bob] = devnet.accounts.slice(1, 3);
    await fundHolders(devnet, vaults.token, vaults.vault4626, [alice, bob]);
    await send(devnet, alice, vaults.vault4626, ERC4626_ABI as Abi, 'deposit', [5_000_000_000n, alice]);
    const chain = createChainClient(anvil.rpcUrl);
    const db = join(dir, 'reorg.duckdb');
    await withLedgerStore(db, (store) => readDeployment(chain, vaults.vault4626).then((d) => store.init(d)), { create: true });
    await withLedgerStore(db, (store) => syncFromChain(store, chain));

    const snapshot = await devnet.publicClient.request({ method: 'evm_snapshot' as never, params: [] as never });
    await send(devnet, alice, vaults.vault4626, ERC4626_ABI as Abi, 'deposit', [1_000_000_000n, alice]); // the deposit that will vanish
    await devnet.publicClient.request({ method: 'anvil_mine' as never, params: ['0x2'] as never });
    const first = await withLedgerStore(db, (store) => syncFromChain(store, chain));
    expect(first.applied).toBe(1);

    await devnet.publicClient.request({ method: 'evm_revert' as never, params: [snapshot] as never });
    await devnet.publicClient.request({ method: 'anvil_mine' as never, params: ['0x1'] as never });
    await send(devnet, bob, vaults.vault4626, ERC4626_ABI as Abi, 'deposit', [7_000_000_000n, bob]); // its replacement
    await devnet.publicClient.request({ method: 'anvil_mine' as never, params: ['0x1'] as never });

    const second = await withLedgerStore(db, (store) => syncFromChain(store, chain));
    expect(second.reorgedBlocks).toBeGreaterThanOrEqual(3);
    expect(second.applied).toBe(1);
    await withLedgerStore(db, async (store) => {
      expect((await verifyAgainstChain(store, chain)).equal).toBe(true);
      expect((await verifyLedger(store)).problems).toEqual([]);
      const deposits = (await store.eventsInOrder()).filter((e) => e.kind === 'deposit').map((e) => (e as { assets: bigint }).assets);
      expect(deposits).toEqual([5_000_000_000n, 7_000_000_000n]);
    });

    // deeper than allowed: refused, nothing changed
    const snap2 = await devnet.publicClient.request({ method: 'evm_snapshot' as never, params: [] as never });
    await send(devnet, alice, vaults.vault4626, ERC4626_ABI as Abi, 'deposit', [2_000_000_000n, alice]);
    await devnet.publicClient.request({ method: 'anvil_mine' as never, params: ['0x5'] as never });
    await withLedgerStore(db, (store) => syncFromChain(store, chain));
    await devnet.publicClient.request({ method: 'evm_revert' as never, params: [snap2] as never });
    await devnet.publicClient.request({ method: 'anvil_mine' as never, params: ['0x8'] as never });
    const deep = runCli(['treasury', 'sync', '--rpc', anvil.rpcUrl, '--max-reorg-depth', '2', '--db', db]);
    expect(deep.code).toBe(2);
    expect(deep.stderr).toMatch(/--max-reorg-depth: the chain changed block \d+, \d+ blocks below the ledger's cursor/);
    const repaired = runCliJson(['treasury', 'sync', '--rpc', anvil.rpcUrl, '--db', db]);
    expect(repaired.code).toBe(0);
    expect(repaired.json.reorgedBlocks).toBeGreaterThan(2);
    expect(runCliJson(['treasury', 'verify', '--rpc', anvil.rpcUrl, '--db', db]).json.equal).toBe(true);
  });

  it('20 SIGKILLs during a long sync: every resumed ledger is consistent and ends equal to the chain', async () => {
    await playStory(devnet, { seed: 5, operations: 120, token: vaults.token, vault: vaults.vault7540, async: true, holders: devnet.accounts.slice(1, 6), settler: vaults.settler });
    const chain = createChainClient(anvil.rpcUrl);
    const db = join(dir, 'kills.duckdb');
    await withLedgerStore(db, (store) => readDeployment(chain, vaults.vault7540).then((d) => store.init(d)), { create: true });
    let killedMidway = 0;
    let lastCursor = -1;
    for (let kill = 0; kill < 20; kill++) {
      const child = spawn(process.execPath, [`${ROOT}bin/capflow`, 'treasury', 'sync', '--rpc', anvil.rpcUrl, '--max-range', '1', '--progress', '--db', db]);
      const ranges = 1 + Math.floor(Math.random() * 4); // ≤ 80 of the ~130 one-block ranges: every run is killed midway
      let seen = 0;
      const exited = new Promise<{ signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (_code, signal) => resolve({ signal })));
      child.stderr.setEncoding('utf8').on('data', (text: string) => {
        seen += text.split('\n').filter((l) => l.startsWith('synced')).length;
        if (seen >= ranges) child.kill('SIGKILL');
      });
      const { signal } = await exited;
      if (signal === 'SIGKILL') killedMidway++;
      await withLedgerStore(db, async (store) => {
        const report = await verifyLedger(store);
        expect(report.problems).toEqual([]);
        expect(report.cursor ?? -1).toBeGreaterThanOrEqual(lastCursor);
        lastCursor = report.cursor ?? -1;
        expect((await verifyAgainstChain(store, chain)).equal).toBe(true); // at its own cursor
      });
    }
    expect(killedMidway).toBeGreaterThanOrEqual(15);
    const final = runCliJson(['treasury', 'sync', '--rpc', anvil.rpcUrl, '--db', db]);
    expect(final.code).toBe(0);
    expect(runCliJson(['treasury', 'verify', '--rpc', anvil.rpcUrl, '--db', db]).json).toMatchObject({ equal: true });
  }, 300_000);
});
