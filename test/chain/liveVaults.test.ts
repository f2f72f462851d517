/**
 * `capflow plan --rpc` / `execute` over all three venue kinds on anvil: an ERC-4626 vault and
 * an ERC-7540 async-redeem vault (OpenZeppelin 5 compiled with solc-js, the project's
 * contracts/) and a real Aave V3 reserve, all on one stablecoin. The chain read, its snapshot
 * and the offline plan agree; the batch withdraws and requests redemptions before it approves
 * and deposits; execution lands each venue within one base unit of the plan; a second plan
 * has nothing to do.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Abi, Address } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ERC20_ABI, ERC4626_ABI, ERC7540_ABI } from '../../src/chain/abi.ts';
import { deployAaveMarket, mintTestToken, moveAaveUtilisation, type AaveMarket } from '../../src/chain/devnet/aaveMarket.ts';
import { connectDevnet, deployDemoVaults, type DemoVaults } from '../../src/chain/devnet/index.ts';
import { runCli, runCliJson } from '../helpers/cli.ts';
import { ANVIL_KEYS, startAnvilClients, type Anvil } from '../helpers/anvil.ts';
import { twoVenueSnapshot } from '../helpers/yieldSnapshot.ts';

const USDC = 10n ** 6n;
const dir = mkdtempSync(join(tmpdir(), 'capflow-live-vaults-'));
let anvil: Anvil;
let vaults: DemoVaults;
let market: AaveMarket;
let holder: Address;
let lookbackFrom: bigint;

async function send(index: number, address: Address, abi: Abi, functionName: string, args: readonly unknown[]): Promise<void> {
  const wallet = anvil.wallet(index);
  const hash = await wallet.writeContract({ account: wallet.account as never, chain: wallet.chain, address, abi, functionName, args } as never);
  const receipt = await anvil.client.waitForTransactionReceipt({ hash });
  if (receipt.status !== 'success') throw new Error(`${functionName} reverted`);
}

async function read(address: Address, abi: Abi, functionName: string, args: readonly unknown[] = []): Promise<bigint> {
  return (await anvil.client.readContract({ address, abi, functionName, args })) as bigint;
}

async function depositInto(index: number, vault: Address, assets: bigint): Promise<void> {
  const who = anvil.wallet(index).account.address;
  await mintTestToken(vaults.token, who, assets, { wallet: anvil.wallet(0), client: anvil.client });
  await send(index, vaults.token, ERC20_ABI, 'approve', [vault, assets]);
  await send(index, vault, ERC4626_ABI, 'deposit', [assets, who]);
}

beforeAll(async () => {
  anvil = await startAnvilClients();
  vaults = await deployDemoVaults(await connectDevnet(anvil.rpcUrl));
  market = await deployAaveMarket({ wallet: anvil.wallet(0), client: anvil.client, stablecoin: vaults.token });
  await moveAaveUtilisation(market, { wallet: anvil.wallet(1), client: anvil.client }, { supplyUsdc: 2_000_000n * USDC, collateralWeth: 1_000n * 10n ** 18n, borrowUsdc: 1_200_000n * USDC });
  for (const v of [vaults.vault4626, vaults.vault7540]) await depositInto(4, v, 500_000n * USDC);
  holder = anvil.wallet(2).account.address;
  await depositInto(2, vaults.vault4626, 50_000n * USDC);
  await depositInto(2, vaults.vault7540, 100_000n * USDC);
  const shares = await read(vaults.vault7540, ERC4626_ABI, 'balanceOf', [holder]);
  await send(2, vaults.vault7540, ERC7540_ABI, 'requestRedeem', [shares / 5n, holder, holder]);
  await mintTestToken(vaults.token, holder, 400_000n * USDC, { wallet: anvil.wallet(0), client: anvil.client });
  // the vaults earn: 600 donated to each, then 30 days pass
  lookbackFrom = await anvil.client.getBlockNumber({ cacheTime: 0 });
  for (const v of [vaults.vault4626, vaults.vault7540]) {
    await mintTestToken(vaults.token, anvil.wallet(4).account.address, 600n * USDC, { wallet: anvil.wallet(0), client: anvil.client });
    await send(4, vaults.token, [...ERC4626_ABI], 'transfer', [v, 600n * USDC]);
  }
  await anvil.client.request({ method: 'evm_increaseTime' as never, params: [30 * 86_400] as never });
  await anvil.client.request({ method: 'evm_mine' as never, params: [] as never });
});
afterAll(async () => anvil?.stop());

function liveFile(lookbackBlocks: number): Record<string, unknown> {
  return {
    chainId: 31337,
    holder,
    asset: vaults.token,
    apyLookbackBlocks: lookbackBlocks,
    rules: {
      ...twoVenueSnapshot().rules,
      cashChangeToleranceUsd: 10,
      weights: [
        { venue: 'steady', maxConcentration: 0.3, maxPoolParticipation: 0.2 },
        { venue: 'async', maxConcentration: 0 },
        { venue: 'aave', maxConcentration: 1 },
      ],
    },
    venues: {
      steady: { kind: 'erc4626', address: vaults.vault4626, entryCostUsd: 2 },
      async: { kind: 'erc7540', address: vaults.vault7540, withdrawDelayDays: 3 },
      aave: { kind: 'aave-v3', pool: market.pool, asset: vaults.token },
    },
  };
}

describe('plan --rpc and execute over ERC-4626, ERC-7540 and Aave V3 venues', () => {
  it('reads every venue at one block, plans, executes, and a second plan has no trade', async () => {
    const head = await anvil.client.getBlockNumber({ cacheTime: 0 });
    const input = join(dir, 'live.yaml');
    writeFileSync(input, stringify(liveFile(Number(head - lookbackFrom))));
    const snap = join(dir, 'snap.yaml');
    const batch = join(dir, 'batch.json');
    const r = runCliJson(['plan', '--rpc', anvil.rpcUrl, '--input', input, '--snapshot-out', snap, '--emit-txs', batch]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(runCliJson(['plan', '--input', snap]).json).toEqual(r.json.plan);

    // what was read: queued redemptions of the async vault, vault APYs from the share-price growth
    const s = readFileSync(snap, 'utf8');
    expect(s).toMatch(/kind: async_vault/);
    const [steady, async, aave] = r.json.plan.decisions;
    expect(async.existingUsd).toBeCloseTo(100_000 * 1.001, 0); // 600 donated to 600,000
    expect(r.json.rateImpact.map((x: any) => x.model)).toEqual(['tvl-dilution', 'tvl-dilution', 'aave-v3-rate-strategy']);
    expect(r.json.rateImpact[0].apy).toBeCloseTo((1 + 600 / 550_000) ** (365 / 30) - 1, 3);
    expect(r.json.rateImpact[1].apy).toBeCloseTo(1.001 ** (365 / 30) - 1, 3);

    // the batch: redemption request first, then exact approvals before each deposit
    const doc = JSON.parse(readFileSync(batch, 'utf8'));
    expect(doc.transactions.map((t: any) => [t.to.toLowerCase(), t.contractMethod.name])).toEqual([
      [vaults.vault7540, 'requestRedeem'],
      [vaults.token, 'approve'],
      [vaults.vault4626, 'deposit'],
      [vaults.token, 'approve'],
      [market.pool.toLowerCase(), 'supply'],
    ]);
    expect(doc.transactions[1].contractInputsValues.amount).toBe(doc.transactions[2].contractInputsValues.assets);

    const before4626 = await read(vaults.vault4626, ERC4626_ABI, 'balanceOf', [holder]);
    const pendingBefore = await read(vaults.vault7540, ERC7540_ABI, 'pendingRedeemRequest', [0n, holder]);
    const sent = runCliJson(['execute', batch, '--rpc', anvil.rpcUrl], { env: { CAPFLOW_PRIVATE_KEY: ANVIL_KEYS[2] } });
    expect(sent.stderr).toBe('');
    expect(sent.code).toBe(0);

    // each venue lands within one base unit of the plan (the vaults earn nothing meanwhile)
    const steadyUnits = await read(vaults.vault4626, ERC4626_ABI, 'previewRedeem', [await read(vaults.vault4626, ERC4626_ABI, 'balanceOf', [holder])]);
    const plannedSteady = BigInt(Math.round(steady.amountUsd * 1e6));
    expect(steadyUnits - plannedSteady <= 1n && plannedSteady - steadyUnits <= 1n).toBe(true);
    expect(await read(vaults.vault4626, ERC4626_ABI, 'balanceOf', [holder])).toBeGreaterThan(before4626);
    expect(await read(vaults.vault7540, ERC4626_ABI, 'balanceOf', [holder])).toBe(0n); // wound down: every share requested
    expect(await read(vaults.vault7540, ERC7540_ABI, 'pendingRedeemRequest', [0n, holder])).toBeGreaterThan(pendingBefore);
    const aaveUnits = await read(market.usdc.aToken, ERC20_ABI, 'balanceOf', [holder]);
    expect(Number(aaveUnits) / 1e6).toBeCloseTo(aave.amountUsd, 5);

    const again = runCliJson(['plan', '--rpc', anvil.rpcUrl, '--input', input]);
    expect(again.code).toBe(0);
    expect(again.json.plan.trades).toEqual([]);
  });

  it('refuses a vault of another asset and a look-back before the vault existed, naming them', () => {
    const other = { ...liveFile(3), asset: market.weth.asset };
    const wrong = runCli(['plan', '--rpc', anvil.rpcUrl, '--input', write('other.yaml', other)]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/venues\.steady: vault 0x[0-9a-fA-F]{40} holds asset 0x[0-9a-fA-F]{40}, not the fund's asset/);
    const early = runCli(['plan', '--rpc', anvil.rpcUrl, '--input', write('early.yaml', liveFile(1_000_000))]);
    expect(early.code).toBe(2);
    expect(early.stderr).toMatch(/apyLookbackBlocks: venue steady: vault 0x[0-9a-fA-F]{40} has no code at block 0/);
  });
});

function write(name: string, data: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, stringify(data));
  return path;
}
