/**
 * Pure parts of the live plan: the batch's transaction order and exact amounts, trade orders
 * from a plan (base units, whole-position exits, share-sized redemption requests), drift, the
 * vault APY from share-price growth, RPC URLs without credentials.
 */
import { decodeFunctionData, maxUint256, type Address } from 'viem';
import { describe, expect, it } from 'vitest';
import { batchTransactions, safeBatch } from '../../src/chain/batch.ts';
import { ERC20_ABI, ERC4626_ABI, ERC7540_ABI } from '../../src/chain/abi.ts';
import { aavePoolAbi } from '../../src/chain/venues/aaveAbi.ts';
import { rpcErrorText } from '../../src/chain/venues/read.ts';
import { tradeDrift } from '../../src/strategies/yieldManager/liveBatch.ts';
import { liveTradeOrders, netOrderUnits } from '../../src/strategies/yieldManager/liveTrades.ts';
import { sharePriceApy, type LiveFundRead } from '../../src/venues/chainSource.ts';

const A = (n: number): Address => `0x${n.toString(16).padStart(40, '0')}` as Address;
const holder = A(1);
const pool = A(2);
const usdc = A(3);
const vault = A(4);
const asyncVault = A(5);

describe('batchTransactions', () => {
  it('puts money out first, then an exact approval before each deposit', () => {
    const txs = batchTransactions(
      [
        { venue: 'aave', op: 'aave-supply', pool, asset: usdc, assets: 1_234_567n },
        { venue: 'v', op: 'vault-withdraw', vault, assets: 500n },
        { venue: 'w', op: 'vault-request-redeem', vault: asyncVault, shares: 77n },
        { venue: 'v2', op: 'vault-deposit', vault, asset: usdc, assets: 42n },
      ],
      holder,
    );
    expect(txs.map((t) => [t.to, t.contractMethod.name])).toEqual([
      [vault, 'withdraw'],
      [asyncVault, 'requestRedeem'],
      [usdc, 'approve'],
      [pool, 'supply'],
      [usdc, 'approve'],
      [vault, 'deposit'],
    ]);
    expect(decodeFunctionData({ abi: ERC20_ABI, data: txs[2].data }).args).toEqual([pool, 1_234_567n]);
    expect(decodeFunctionData({ abi: aavePoolAbi, data: txs[3].data }).args).toEqual([usdc, 1_234_567n, holder, 0]);
    expect(decodeFunctionData({ abi: ERC7540_ABI, data: txs[1].data }).args).toEqual([77n, holder, holder]);
    expect(decodeFunctionData({ abi: ERC4626_ABI, data: txs[5].data }).args).toEqual([42n, holder]);
    expect(txs[3].contractInputsValues).toEqual({ asset: usdc, amount: '1234567', onBehalfOf: holder, referralCode: '0' });
    expect(txs.every((t) => t.value === '0')).toBe(true);
    const doc = safeBatch({ chainId: 1, holder, transactions: txs, description: 'd', createdAtMs: 5, capflow: {} });
    expect(doc).toMatchObject({ version: '1.0', chainId: '1', createdAt: 5, meta: { createdFromSafeAddress: holder } });
  });
});

/** A live read of one Aave reserve and two vaults, with the fields the order builder uses. */
function liveRead(): LiveFundRead {
  const vaultRead = (address: Address) => ({
    address, asset: usdc, assetDecimals: 6, shareDecimals: 18, holderShares: 1_000n * 10n ** 18n, holderAssets: 2_000_000_000n,
    totalAssets: 10n ** 13n, totalSupply: 5n * 10n ** 24n, maxWithdraw: 2_000_000_000n, assetsPerPriceProbe: 2n * 10n ** 15n, // 2 USDC per share
    pendingRedeemShares: 0n, claimableRedeemShares: 0n, pendingAssets: 0n, claimableAssets: 0n,
  });
  return {
    chainId: 1, blockNumber: 1n, asOf: '', assetDecimals: 6, cashUnits: 0n,
    observation: { asOf: '', cashUsd: 0, totalEquityUsd: 0, pendingRedemptionsUsd: 0, directionalTrades: [], venues: [] },
    venues: [
      { spec: { name: 'aave', kind: 'aave-v3', pool, asset: usdc, entryCostUsd: 0, exitCostPct: 0 }, kind: 'aave-v3', reserve: { pool, asset: usdc, holderBalance: 5n } as never },
      { spec: { name: 'v', kind: 'erc4626', address: vault, entryCostUsd: 0, exitCostPct: 0 }, kind: 'erc4626', vault: vaultRead(vault) },
      { spec: { name: 'w', kind: 'erc7540', address: asyncVault, withdrawDelayDays: 3, entryCostUsd: 0, exitCostPct: 0 }, kind: 'erc7540', vault: vaultRead(asyncVault) },
    ],
  };
}

const trade = (venue: string, deltaUsd: number, settlesInDays = 0) => ({ venue, kind: 'vault' as const, action: 'deposit' as const, deltaUsd, deltaShares: null, settlesInDays });
const decision = (venue: string, amountUsd: number) => ({ venue, amountUsd }) as never;

describe('liveTradeOrders', () => {
  it('rounds USD down to base units, empties a venue whole and sizes a redemption request in shares', () => {
    const plan = {
      trades: [trade('aave', -0.0000049), trade('v', -2000), trade('w', -100, 3), trade('aave', 1234.5678919)],
      decisions: [decision('aave', 0), decision('v', 0), decision('w', 1900)],
    } as never;
    const orders = liveTradeOrders(plan, liveRead(), 1);
    expect(orders).toEqual([
      { venue: 'aave', op: 'aave-withdraw', pool, asset: usdc, assets: maxUint256 },
      { venue: 'v', op: 'vault-redeem', vault, shares: 1_000n * 10n ** 18n },
      { venue: 'w', op: 'vault-request-redeem', vault: asyncVault, shares: 50n * 10n ** 18n },
      { venue: 'aave', op: 'aave-supply', pool, asset: usdc, assets: 1_234_567_891n },
    ]);
  });

  it('netOrderUnits: what each venue receives now (requests move nothing; "all" is the position)', () => {
    const live = liveRead();
    const orders = [
      { venue: 'aave', op: 'aave-withdraw' as const, pool, asset: usdc, assets: maxUint256 },
      { venue: 'v', op: 'vault-redeem' as const, vault, shares: 1n },
      { venue: 'w', op: 'vault-request-redeem' as const, vault: asyncVault, shares: 1n },
      { venue: 'w', op: 'vault-deposit' as const, vault: asyncVault, asset: usdc, assets: 7n },
    ];
    expect(['aave', 'v', 'w'].map((venue) => netOrderUnits(orders, live, venue))).toEqual([-5n, -2_000_000_000n, 7n]);
  });

  it('drops a trade under one base unit and converts at the asset price', () => {
    const plan = { trades: [trade('aave', 0.0000004), trade('v', 10)], decisions: [decision('aave', 1), decision('v', 10)] } as never;
    expect(liveTradeOrders(plan, liveRead(), 2)).toEqual([{ venue: 'v', op: 'vault-deposit', vault, asset: usdc, assets: 5_000_000n }]);
  });
});

describe('small pieces', () => {
  it('tradeDrift sums |now − planned| per venue', () => {
    const d = tradeDrift([{ venue: 'a', deltaUsd: 100 }, { venue: 'b', deltaUsd: -50 }], [{ venue: 'a', deltaUsd: 90 }, { venue: 'c', deltaUsd: 5 }]);
    expect(d.driftUsd).toBe(65);
    expect(d.venues).toEqual([
      { venue: 'a', plannedUsd: 100, nowUsd: 90, driftUsd: 10 },
      { venue: 'b', plannedUsd: -50, nowUsd: 0, driftUsd: 50 },
      { venue: 'c', plannedUsd: 0, nowUsd: 5, driftUsd: 5 },
    ]);
  });

  it('sharePriceApy annualises share-price growth', () => {
    expect(sharePriceApy(1_000_000n, 1_050_000n, 31_536_000)).toBeCloseTo(0.05, 12);
    expect(sharePriceApy(1_000_000n, 1_000_100n, 86_400)).toBeCloseTo(1.0001 ** 365 - 1, 9);
    expect(sharePriceApy(1_000_000n, 2_000_000n, 0)).toBe(0);
    expect(sharePriceApy(0n, 2_000_000n, 10)).toBe(0);
  });

  it('RPC errors are shown without the URL', () => {
    expect(rpcErrorText(Object.assign(new Error('x'), { shortMessage: 'HTTP request failed.\nURL: https://eth.example/v2/SECRET' }))).toBe('HTTP request failed.');
    expect(rpcErrorText(new Error('fetch https://eth.example/v2/SECRET failed'))).toBe('fetch <rpc> failed');
  });
});
