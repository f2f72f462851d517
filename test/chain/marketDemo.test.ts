/**
 * The demo market (the README's plan → batch → execute session): deployed and seeded on
 * anvil, its plan file valid, planned, executed from the holder's key, then nothing left to do.
 */
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { deployMarketDemo, marketDemoPlanFile, type MarketDemo } from '../../src/chain/devnet/aaveDemo.ts';
import { startAnvil, type Anvil } from '../../src/chain/devnet/anvil.ts';
import { LivePlanSchema } from '../../src/strategies/yieldManager/liveInput.ts';
import { createPublicClient, createWalletClient, http } from 'viem';
import { mintTestToken } from '../../src/chain/devnet/aaveMarket.ts';
import { applyEvent } from '../../src/ledger/apply.ts';
import { withLedger } from '../../src/ledger/open.ts';
import type { BalanceUpdate } from '../../src/ledger/types.ts';
import { runCli, runCliJson } from '../helpers/cli.ts';
import { ANVIL_KEYS } from '../helpers/anvil.ts';

let anvil: Anvil;
let demo: MarketDemo;

beforeAll(async () => {
  anvil = await startAnvil();
  demo = await deployMarketDemo(anvil.rpcUrl);
});
afterAll(async () => anvil?.stop());

describe('the live-plan demo market', () => {
  const dir = mkdtempSync(join(tmpdir(), 'capflow-demo-'));
  const input = join(dir, 'live.yaml');
  const fund = join(dir, 'fund.duckdb');
  const key = { env: { CAPFLOW_PRIVATE_KEY: ANVIL_KEYS[2] } };

  it('plans, executes from the holder key booking every trade into the fund ledger, verifies the books against the chain, and then has nothing to do', async () => {
    const file = marketDemoPlanFile(demo);
    expect(LivePlanSchema.safeParse(file).success).toBe(true);
    writeFileSync(input, stringify(file));
    const batch = join(dir, 'batch.json');
    const planned = runCliJson(['plan', '--rpc', anvil.rpcUrl, '--input', input, '--emit-txs', batch]);
    expect(planned.stderr).toBe('');
    const [demoVault, asyncVault] = planned.json.rateImpact;
    expect(demoVault.apy).toBeCloseTo((1 + 500 / 550_000) ** (365 / 7) - 1, 2); // a week's donated yield
    expect(asyncVault.apy).toBeCloseTo((1 + 700 / 500_000) ** (365 / 7) - 1, 2);
    expect(planned.json.plan.trades.map((t: any) => [t.venue, t.action])).toEqual([
      ['demo-vault', 'deposit'],
      ['async-vault', 'deposit'],
      ['aave-usdc', 'supply'],
    ]);
    const sent = runCliJson(['execute', batch, '--rpc', anvil.rpcUrl, '--db', fund], key);
    expect(sent.stderr).toBe('');
    expect(sent.json.sent).toHaveLength(6);
    expect(sent.json.ledger.bookedEvents).toBeGreaterThanOrEqual(6);
    const verify = runCliJson(['treasury', 'verify', '--rpc', anvil.rpcUrl, '--db', fund]);
    expect(verify.code).toBe(0);
    expect(verify.json).toMatchObject({ equal: true, compared: 4, differences: [] });
    expect(verify.json.block).toBe(Number(sent.json.sent[5].blockNumber));
    // each deposit is a transfer of exactly the planned base units from the reserve to the venue; its revaluation is the venue's rounding
    const deposits = planned.json.transactions.filter((t: any) => t.contractMethod.name !== 'approve');
    const { updates } = runCliJson(['treasury', 'history', '--cause', 'correction', '--limit', '1000', '--db', fund]).json;
    for (const [i, t] of deposits.entries()) {
      const amount = BigInt(t.contractInputsValues.assets ?? t.contractInputsValues.amount);
      const ofTx = updates.filter((u: any) => u.txHash === sent.json.sent[2 * i + 1].hash);
      const venue = ofTx.find((u: any) => u.position !== 'reserve' && /^trade/.test(u.notes));
      expect(venue.quantity).toBe(amount.toString());
      expect(ofTx.find((u: any) => u.position === 'reserve').quantity).toBe((-amount).toString());
      const revaluation = ofTx.filter((u: any) => u.position === venue.position && /revaluation/.test(u.notes)).reduce((s: bigint, u: any) => s + BigInt(u.quantity), 0n);
      expect(revaluation >= -2n && revaluation <= 2n).toBe(true);
    }
    expect(runCliJson(['treasury', 'verify', '--db', fund]).json.consistent).toBe(true);
    expect(runCliJson(['plan', '--rpc', anvil.rpcUrl, '--input', input]).json.plan.trades).toEqual([]);
  });

  it('a second batch on the same fund ledger books what changed in between; verify exits 3 when the books differ from the chain; sync refuses a fund ledger', async () => {
    const wallet = createWalletClient({ account: demo.vaults.settler, transport: http(anvil.rpcUrl), pollingInterval: 50 });
    const client = createPublicClient({ transport: http(anvil.rpcUrl), pollingInterval: 50 });
    await mintTestToken(demo.token, demo.holder, 40_000n * 10n ** 6n, { wallet, client }); // new cash: an investor's money
    const batch = join(dir, 'batch2.json');
    const planned = runCliJson(['plan', '--rpc', anvil.rpcUrl, '--input', input, '--emit-txs', batch]);
    expect(planned.json.transactions.length).toBeGreaterThan(0);
    const sent = runCliJson(['execute', batch, '--rpc', anvil.rpcUrl, '--db', fund], key);
    expect(sent.stderr).toBe('');
    expect(runCliJson(['treasury', 'verify', '--rpc', anvil.rpcUrl, '--db', fund]).json.equal).toBe(true);
    const { updates } = runCliJson(['treasury', 'history', '--cause', 'correction', '--limit', '1000', '--db', fund]).json;
    expect(updates.some((u: any) => u.position === 'reserve' && /before the batch/.test(u.notes) && u.quantity === String(40_000n * 10n ** 6n))).toBe(true);

    const tampered = join(dir, 'tampered.duckdb');
    copyFileSync(fund, tampered);
    await withLedger(tampered, async (store) => {
      const state = await store.loadState();
      const event = { kind: 'correction' as const, chainId: 31337, blockNumber: state.lastBlockScanned as number, txHash: `0x${'ab'.repeat(32)}`, logIndex: 0, timestamp: new Date().toISOString(), asset: 'USDC', quantity: 1n, reason: 'a trade the chain never saw', position: 'aave-usdc' };
      const out: BalanceUpdate[] = [];
      applyEvent(state, event, out);
      await store.commitBatch({ events: [{ event, where: 'test' }], updates: out, state, syncedAt: new Date().toISOString() });
    });
    const bad = runCli(['treasury', 'verify', '--rpc', anvil.rpcUrl, '--db', tampered]);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/1 of 4 figures differ from the chain at block \d+:[\s\S]*position aave-usdc/);
    const sync = runCli(['treasury', 'sync', '--rpc', anvil.rpcUrl, '--db', fund]);
    expect(sync.code).toBe(2);
    expect(sync.stderr).toMatch(/--db: is the fund ledger of 0x[0-9a-f]{40}/);
    const vaultLedger = join(dir, 'vault.duckdb');
    expect(runCli(['treasury', 'init', '--rpc', anvil.rpcUrl, '--vault', demo.vaults.vault4626, '--db', vaultLedger]).code).toBe(0);
    const other = runCli(['execute', batch, '--rpc', anvil.rpcUrl, '--db', vaultLedger], key);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/--db: the ledger keeps the books of the vault 0x[0-9a-f]{40}, not of a fund; nothing was sent/);
  });
});
