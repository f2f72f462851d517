/**
 * Chain sync throughput: 10,000 vault events (deposits and share transfers from 5 accounts,
 * 200 transactions per block) on anvil, then `syncFromChain` into a fresh DuckDB ledger
 * (eth_getLogs in adaptive ranges, block headers and totalAssets() reads, booking, one
 * transaction per range), then `verifyAgainstChain`. Reports events per second of the sync.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeFunctionData } from 'viem';
import { ERC4626_ABI } from '../src/chain/abi.ts';
import { createChainClient } from '../src/chain/client.ts';
import { connectDevnet, deployDemoVaults, fundHolders, startAnvil } from '../src/chain/devnet/index.ts';
import { readDeployment, syncFromChain, verifyAgainstChain } from '../src/ledger/chainSync.ts';
import { withLedgerStore } from '../src/ledger/store.ts';
import { workload, type WorkloadResult } from './report.ts';

const EVENTS = 10_000;
const PER_BLOCK = 200;

async function rpc(url: string, calls: { method: string; params: unknown[] }[]): Promise<unknown[]> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(calls.map((c, id) => ({ jsonrpc: '2.0', id, ...c }))) });
  const out = (await res.json()) as { error?: { message: string } }[];
  const failed = out.find((o) => o.error);
  if (failed) throw new Error(failed.error?.message);
  return out;
}

export default async function chainSync(): Promise<WorkloadResult[]> {
  const anvil = await startAnvil();
  const dir = mkdtempSync(join(tmpdir(), 'capflow-bench-chain-'));
  try {
    const devnet = await connectDevnet(anvil.rpcUrl);
    const vaults = await deployDemoVaults(devnet);
    const holders = devnet.accounts.slice(1, 6);
    await fundHolders(devnet, vaults.token, vaults.vault4626, holders);
    const t0 = performance.now();
    await rpc(anvil.rpcUrl, [{ method: 'evm_setAutomine', params: [false] }]);
    const nonces = new Map<string, number>();
    for (const h of holders) nonces.set(h, await devnet.publicClient.getTransactionCount({ address: h, blockTag: 'pending' }));
    for (let start = 0; start < EVENTS; start += PER_BLOCK) {
      const calls = [];
      for (let i = start; i < Math.min(EVENTS, start + PER_BLOCK); i++) {
        const from = holders[i % holders.length];
        const data =
          i < EVENTS / 2 || i % 2 === 0
            ? encodeFunctionData({ abi: ERC4626_ABI, functionName: 'deposit', args: [BigInt(1_000_000_000 + i), from] })
            : encodeFunctionData({ abi: ERC4626_ABI, functionName: 'transfer', args: [holders[(i + 1) % holders.length], 10n ** 15n] });
        const nonce = nonces.get(from) ?? 0;
        nonces.set(from, nonce + 1);
        calls.push({ method: 'eth_sendTransaction', params: [{ from, to: vaults.vault4626, data, gas: '0x30000', nonce: `0x${nonce.toString(16)}` }] });
      }
      await rpc(anvil.rpcUrl, calls);
      await rpc(anvil.rpcUrl, [{ method: 'evm_mine', params: [] }]);
    }
    await rpc(anvil.rpcUrl, [{ method: 'evm_setAutomine', params: [true] }]);
    const chainMs = performance.now() - t0;

    const chain = createChainClient(anvil.rpcUrl);
    const db = join(dir, 'ledger.duckdb');
    await withLedgerStore(db, async (store) => store.init(await readDeployment(chain, vaults.vault4626)), { create: true });
    const t1 = performance.now();
    const result = await withLedgerStore(db, (store) => syncFromChain(store, chain));
    const syncMs = performance.now() - t1;
    const t2 = performance.now();
    const verify = await withLedgerStore(db, (store) => verifyAgainstChain(store, chain));
    const verifyMs = performance.now() - t2;
    const eventsPerSecond = (result.applied / syncMs) * 1000;
    return [
      workload(
        'chainSync',
        `treasury sync --rpc of ${result.applied} vault events (deposits and share transfers, ${PER_BLOCK} a block) on anvil into a fresh ledger, then verified`,
        { value: eventsPerSecond, unit: 'events/s', higherIsBetter: true },
        { kind: 'aim', value: 1_000, unit: 'events/s', what: 'aim: 1,000 events/s on anvil (a local node)' },
        {
          detail: {
            events: result.applied,
            blocks: (result.toBlock ?? 0) - (result.fromBlock ?? 0) + 1,
            transactions: result.batches,
            syncMs: Math.round(syncMs),
            verifyEqual: verify.equal,
            verifyMs: Math.round(verifyMs),
            chainSetupMs: Math.round(chainMs),
          },
        },
      ),
    ];
  } finally {
    await anvil.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
