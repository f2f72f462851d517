/**
 * `capflow plan --rpc` and `capflow execute` against the real Aave V3 code on anvil: the live
 * plan equals the offline plan of its own snapshot, the batch carries it out to the base
 * unit, a second plan has nothing to do, a moved market is refused, and bad inputs send nothing.
 */
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { deployAaveMarket, mintTestToken, moveAaveUtilisation, type AaveMarket } from '../../src/chain/devnet/aaveMarket.ts';
import { ERC20_ABI } from '../../src/chain/abi.ts';
import { parseAbi } from 'viem';
import { rayMul } from '../../src/core/fixedPoint.ts';
import { readAaveV3Reserve } from '../../src/chain/venues/aaveV3.ts';
import { liquidityRateApy } from '../../src/protocols/aaveV3Rates.ts';
import { JsonlEventSource, formatFeedLine, parseFeed, syncLedger, withLedgerStore } from '../../src/index.ts';
import { DEPLOYMENT, OWNER_A, ev } from '../ledger/helpers.ts';
import { runCli, runCliJson } from '../helpers/cli.ts';
import { ANVIL_KEYS, startAnvilClients, type Anvil } from '../helpers/anvil.ts';

const USDC = 10n ** 6n;
const aTokenAbi = parseAbi(['function scaledBalanceOf(address) view returns (uint256)', 'function getReserveNormalizedIncome(address) view returns (uint256)']);
const dir = mkdtempSync(join(tmpdir(), 'capflow-live-'));
let anvil: Anvil;
let market: AaveMarket;
let holder: `0x${string}`;

function write(name: string, data: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof data === 'string' ? data : stringify(data));
  return path;
}

function liveFile(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    chainId: 31337,
    holder,
    asset: market.usdc.asset,
    rules: {
      cashBufferPct: 0.1,
      sellHaircutPct: 0.01,
      cashChangeToleranceUsd: 10,
      weights: [{ venue: 'aave-usdc', maxConcentration: 1, maxPoolParticipation: 0.2 }],
    },
    venues: { 'aave-usdc': { kind: 'aave-v3', pool: market.pool, asset: market.usdc.asset, entryCostUsd: 0 } },
    ...over,
  };
}

async function balance(token: `0x${string}`, who: `0x${string}`): Promise<bigint> {
  return anvil.client.readContract({ address: token, abi: ERC20_ABI, functionName: 'balanceOf', args: [who] });
}

beforeAll(async () => {
  anvil = await startAnvilClients();
  market = await deployAaveMarket({ wallet: anvil.wallet(0), client: anvil.client });
  await moveAaveUtilisation(market, { wallet: anvil.wallet(1), client: anvil.client }, { supplyUsdc: 2_000_000n * USDC, collateralWeth: 1_000n * 10n ** 18n, borrowUsdc: 1_200_000n * USDC });
  holder = anvil.wallet(2).account.address;
  await moveAaveUtilisation(market, { wallet: anvil.wallet(2), client: anvil.client }, { supplyUsdc: 50_000n * USDC, collateralWeth: 0n, borrowUsdc: 0n });
  await mintTestToken(market.usdc.asset, holder, 250_000n * USDC + 123_456n, { wallet: anvil.wallet(0), client: anvil.client });
});
afterAll(async () => anvil?.stop());

describe('capflow plan --rpc on an Aave V3 market on anvil', () => {
  it('plans on the chain read, and the offline plan of its --snapshot-out is the same to the base unit', () => {
    const input = write('live.yaml', liveFile());
    const snap = join(dir, 'snap.yaml');
    const batch = join(dir, 'batch.json');
    const live = runCliJson(['plan', '--rpc', anvil.rpcUrl, '--input', input, '--snapshot-out', snap, '--emit-txs', batch]);
    expect(live.stderr).toBe('');
    expect(live.code).toBe(0);
    const offline = runCliJson(['plan', '--input', snap]);
    expect(offline.code).toBe(0);
    expect(offline.json).toEqual(live.json.plan);
    expect(live.json.plan.trades.length).toBe(1);
    const doc = JSON.parse(readFileSync(batch, 'utf8'));
    expect(doc.transactions.map((t: any) => t.contractMethod.name)).toEqual(['approve', 'supply']);
    const amount = BigInt(doc.transactions[1].contractInputsValues.amount);
    expect(Number(amount) / 1e6).toBeCloseTo(live.json.plan.trades[0].deltaUsd, 5);
    expect(doc.transactions[0].contractInputsValues.amount).toBe(String(amount));
  });

  it('--db takes the pending investor redemptions from the treasury ledger', async () => {
    const db = join(dir, 'ledger.duckdb');
    const events = [
      ev(1, { kind: 'deposit', owner: OWNER_A, assets: 300_000n * USDC, shares: 300_000n * 10n ** 18n }),
      ev(2, { kind: 'redeem_request', owner: OWNER_A, shares: 12_345n * 10n ** 18n }),
    ];
    await withLedgerStore(db, async (store) => {
      await store.init(DEPLOYMENT);
      await syncLedger(store, new JsonlEventSource('test', parseFeed(events.map(formatFeedLine).join('\n'))));
    }, { create: true });
    const input = write('live-db.yaml', liveFile());
    const snap = join(dir, 'snap-db.yaml');
    const r = runCliJson(['plan', '--rpc', anvil.rpcUrl, '--input', input, '--db', db, '--snapshot-out', snap]);
    expect(r.stderr).toBe('');
    expect(r.json.plan.pendingRedemptionsUsd).toBeCloseTo(12_345, 6);
    expect(readFileSync(snap, 'utf8')).toMatch(/pendingRedemptionsUsd: 12345/);
    const missing = runCli(['plan', '--rpc', anvil.rpcUrl, '--input', input, '--db', join(dir, 'none.duckdb')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--db: no ledger at/);
  });

  it('execute carries the batch out; a second plan has no trade', async () => {
    const input = write('live2.yaml', liveFile());
    const batch = join(dir, 'batch2.json');
    const planned = runCliJson(['plan', '--rpc', anvil.rpcUrl, '--input', input, '--emit-txs', batch]);
    expect(planned.code).toBe(0);
    const before = await balance(market.usdc.aToken, holder); // no block passes between the plan and this read
    const r = runCliJson(['execute', batch, '--rpc', anvil.rpcUrl], { env: { CAPFLOW_PRIVATE_KEY: ANVIL_KEYS[2] } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.json.sent.map((s: any) => s.status)).toEqual(['success', 'success']);
    // the supply moved exactly the planned units; the rest of the change is interest on the old position
    const supplyBlock = BigInt(r.json.sent[1].blockNumber);
    const scaledBefore = await anvil.client.readContract({ address: market.usdc.aToken, abi: aTokenAbi, functionName: 'scaledBalanceOf', args: [holder], blockNumber: supplyBlock - 1n });
    const income = await anvil.client.readContract({ address: market.pool, abi: aTokenAbi, functionName: 'getReserveNormalizedIncome', args: [market.usdc.asset], blockNumber: supplyBlock });
    const oldPositionNow = rayMul(scaledBefore, income);
    const after = await anvil.client.readContract({ address: market.usdc.aToken, abi: ERC20_ABI, functionName: 'balanceOf', args: [holder], blockNumber: supplyBlock });
    const deltaUnits = BigInt(planned.json.transactions[1].contractInputsValues.amount);
    expect(Number(deltaUnits) / 1e6).toBeCloseTo(planned.json.plan.trades[0].deltaUsd, 6);
    expect(after - oldPositionNow - deltaUnits).toBeGreaterThanOrEqual(-1n);
    expect(after - oldPositionNow - deltaUnits).toBeLessThanOrEqual(1n);
    const interest = oldPositionNow - before;
    const plannedUnits = BigInt(Math.round(planned.json.plan.decisions[0].amountUsd * 1e6));
    expect(after - plannedUnits - interest).toBeGreaterThanOrEqual(-2n);
    expect(after - plannedUnits - interest).toBeLessThanOrEqual(2n);
    // apyAfter of the deposit is the APY the pool reports once it is executed
    const reserve = await readAaveV3Reserve({ client: anvil.client, blockNumber: supplyBlock, field: 'venues.aave-usdc' }, { pool: market.pool, asset: market.usdc.asset, holder });
    const impact = planned.json.rateImpact[0];
    expect(impact).toMatchObject({ venue: 'aave-usdc', model: 'aave-v3-rate-strategy', deltaUnits: String(deltaUnits) });
    expect(impact.apyAfter).toBeLessThan(impact.apy);
    expect(Math.abs(impact.apyAfter - liquidityRateApy(reserve.currentLiquidityRateRay))).toBeLessThan(1e-9);
    const again = runCliJson(['plan', '--rpc', anvil.rpcUrl, '--input', input]);
    expect(again.code).toBe(0);
    expect(again.json.plan.trades).toEqual([]);
  });
});
