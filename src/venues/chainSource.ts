/**
 * The live venue source: reads a fund's venues from the chain at one block (Aave V3 reserves,
 * ERC-4626 vaults, ERC-7540 vaults) and builds the same {@link FundObservation} a snapshot
 * file or a simulation gives, plus the raw reads the transaction builder and the rate-impact
 * model need. The fund's asset is valued at a fixed USD price (1 for a stablecoin).
 */
import type { Address, PublicClient } from 'viem';
import { baseUnitsToNumber } from '../core/fixedPoint.ts';
import { UserError } from '../core/errors.ts';
import { SECONDS_PER_YEAR } from '../protocols/aave.ts';
import { liquidityRateApy } from '../protocols/aaveV3Rates.ts';
import { ERC20_ABI } from '../chain/abi.ts';
import { readAaveV3Reserve, type AaveReserveRead } from '../chain/venues/aaveV3.ts';
import { readVault, readVaultPriceProbe, type VaultRead } from '../chain/venues/erc4626.ts';
import { call, readAll, requireCode, rpcErrorText, type ReadContext } from '../chain/venues/read.ts';
import type { DirectionalTrade, FundObservation, VenueObservation } from './types.ts';

/**
 * One venue as a live plan file names it (by address), with its trade terms.
 *
 * @example const v: LiveVenueSpec = { name: 'aave-usdc', kind: 'aave-v3', pool: '0x…', asset: '0x…', entryCostUsd: 5, exitCostPct: 0 };
 */
export type LiveVenueSpec = { name: string; entryCostUsd: number; exitCostPct: number } & (
  | { kind: 'aave-v3'; pool: Address; asset: Address }
  | { kind: 'erc4626'; address: Address }
  | { kind: 'erc7540'; address: Address; withdrawDelayDays: number }
);

/**
 * The fund as a live plan file describes it: holder, asset, venues in rule order, and what
 * the chain does not know (pending investor redemptions, directional trades, NAV).
 *
 * @example const f: LiveFundSpec = { holder, asset, assetPriceUsd: 1, apyLookbackBlocks: 7200, venues, pendingRedemptionsUsd: 0, directionalTrades: [] };
 */
export interface LiveFundSpec {
  holder: Address;
  asset: Address;
  assetPriceUsd: number;
  /** Vault APY: share-price growth since this many blocks before the read block. */
  apyLookbackBlocks: number;
  venues: LiveVenueSpec[];
  pendingRedemptionsUsd: number;
  directionalTrades: DirectionalTrade[];
  /** NAV when the fund holds more than cash and these venues; default cash + positions. */
  totalEquityUsd?: number;
}

/**
 * A venue's raw chain state beside its observation.
 *
 * @example const v: LiveVenueRead = live.venues[0]; v.kind === 'aave-v3' && v.reserve.availableLiquidity
 */
export type LiveVenueRead = { spec: LiveVenueSpec } & ({ kind: 'aave-v3'; reserve: AaveReserveRead } | { kind: 'erc4626' | 'erc7540'; vault: VaultRead });

/**
 * A consistent read of the fund: every value at `blockNumber`.
 *
 * @example const live: LiveFundRead = await readLiveFund(client, spec); live.observation.venues[0].apy
 */
export interface LiveFundRead {
  chainId: number;
  blockNumber: bigint;
  asOf: string;
  assetDecimals: number;
  /** The holder's balance of the asset (base units). */
  cashUnits: bigint;
  observation: FundObservation;
  /** In rule order, as `observation.venues`. */
  venues: LiveVenueRead[];
}

/** Base units of the fund asset to USD. */
function usdOf(units: bigint, decimals: number, priceUsd: number): number {
  return baseUnitsToNumber(units, decimals) * priceUsd;
}

/**
 * Share-price growth as a 0..1 APY: (now/then)^(year/dt) − 1; 0 without elapsed time or an earlier price.
 *
 * @example sharePriceApy(1_000_000n, 1_050_000n, 31_536_000) // 0.05
 */
export function sharePriceApy(thenAssets: bigint, nowAssets: bigint, dtSeconds: number): number {
  if (dtSeconds <= 0 || thenAssets === 0n) return 0;
  const growth = Number(nowAssets) / Number(thenAssets);
  return Math.expm1((SECONDS_PER_YEAR / dtSeconds) * Math.log(growth));
}

async function blockTimestamp(client: PublicClient, blockNumber: bigint, field: string): Promise<number> {
  try {
    return Number((await client.getBlock({ blockNumber })).timestamp);
  } catch (e) {
    throw new UserError({ field, message: `reading block ${blockNumber} failed: ${rpcErrorText(e)}`, hint: 'check that --rpc answers and --block exists' });
  }
}

/**
 * Reads every venue of `spec` and the holder's cash at `blockNumber` (default: the latest
 * block, read once). Errors name the venue (`venues.<name>`) and change nothing.
 *
 * @example const live = await readLiveFund(client, spec, 19_000_000n);
 */
export async function readLiveFund(client: PublicClient, spec: LiveFundSpec, blockNumber?: bigint): Promise<LiveFundRead> {
  let chainId: number;
  let block: bigint;
  try {
    chainId = await client.getChainId();
    block = blockNumber ?? (await client.getBlockNumber({ cacheTime: 0 }));
  } catch (e) {
    throw new UserError({ field: '--rpc', message: `the RPC does not answer: ${rpcErrorText(e)}`, hint: 'check the URL and that the node is up' });
  }
  const now = await blockTimestamp(client, block, '--block');
  const asOf = new Date(now * 1000).toISOString();
  const fundCtx: ReadContext = { client, blockNumber: block, field: 'asset' };
  await requireCode(fundCtx, spec.asset, 'asset');
  const [assetDecimals, cashUnits] = (await readAll(fundCtx, [call(spec.asset, ERC20_ABI, 'decimals'), call(spec.asset, ERC20_ABI, 'balanceOf', [spec.holder])])) as [number, bigint];
  const price = spec.assetPriceUsd;
  const earlier = block > BigInt(spec.apyLookbackBlocks) ? block - BigInt(spec.apyLookbackBlocks) : 0n;
  const thenSeconds = spec.venues.some((v) => v.kind !== 'aave-v3') ? await blockTimestamp(client, earlier, 'apyLookbackBlocks') : now;

  const venues: LiveVenueRead[] = [];
  const observations: VenueObservation[] = [];
  for (const v of spec.venues) {
    const ctx: ReadContext = { client, blockNumber: block, field: `venues.${v.name}` };
    const terms = { venue: v.name, entryCostUsd: v.entryCostUsd, exitCostPct: v.exitCostPct, asOf };
    if (v.kind === 'aave-v3') {
      if (v.asset.toLowerCase() !== spec.asset.toLowerCase()) {
        throw new UserError({ field: `venues.${v.name}.asset`, value: v.asset, message: `is not the fund's asset ${spec.asset}`, hint: 'plan only venues of the fund asset' });
      }
      const reserve = await readAaveV3Reserve(ctx, { pool: v.pool, asset: v.asset, holder: spec.holder });
      venues.push({ spec: v, kind: 'aave-v3', reserve });
      observations.push({
        ...terms, kind: 'credit_supply',
        positionUsd: usdOf(reserve.holderBalance, assetDecimals, price),
        tvlUsd: usdOf(reserve.totalSupplied, assetDecimals, price),
        availableLiquidityUsd: usdOf(reserve.availableLiquidity, assetDecimals, price),
        redeemQueuedUsd: 0, apy: liquidityRateApy(reserve.currentLiquidityRateRay), sharePrice: NaN, withdrawDelayDays: 0,
      });
      continue;
    }
    const isAsync = v.kind === 'erc7540';
    const vault = await readVault(ctx, { address: v.address, holder: spec.holder, asset: spec.asset, async: isAsync });
    const thenAssets = await readVaultPriceProbe({ ...ctx, blockNumber: earlier }, v.address, vault.shareDecimals);
    if (thenAssets === null) {
      throw new UserError({
        field: 'apyLookbackBlocks', value: spec.apyLookbackBlocks,
        message: `venue ${v.name}: vault ${v.address} has no code at block ${earlier}, where the APY look-back starts`,
        hint: "set apyLookbackBlocks below the vault's age in blocks",
      });
    }
    const apy = sharePriceApy(thenAssets, vault.assetsPerPriceProbe, now - thenSeconds);
    if (!Number.isFinite(apy)) {
      throw new UserError({
        field: 'apyLookbackBlocks', value: spec.apyLookbackBlocks,
        message: `venue ${v.name}: the share price moved from ${thenAssets} to ${vault.assetsPerPriceProbe} in ${now - thenSeconds} s, which annualises to no finite APY`,
        hint: 'look back further (a larger apyLookbackBlocks)',
      });
    }
    const probeDecimals = assetDecimals + 9;
    venues.push({ spec: v, kind: v.kind, vault });
    observations.push({
      ...terms, kind: isAsync ? 'async_vault' : 'vault',
      positionUsd: usdOf(vault.holderAssets, assetDecimals, price),
      // an ERC-7540 vault sets settled redemptions aside outside totalAssets: its TVL counts the holder's claimable assets back in
      tvlUsd: usdOf(vault.totalAssets + vault.claimableAssets, assetDecimals, price),
      availableLiquidityUsd: usdOf(vault.maxWithdraw, assetDecimals, price),
      redeemQueuedUsd: usdOf(vault.pendingAssets + vault.claimableAssets, assetDecimals, price),
      apy,
      sharePrice: usdOf(vault.assetsPerPriceProbe, probeDecimals, price),
      withdrawDelayDays: v.kind === 'erc7540' ? v.withdrawDelayDays : 0,
    });
  }
  const cashUsd = usdOf(cashUnits, assetDecimals, price);
  const positionsUsd = observations.reduce((sum, o) => sum + o.positionUsd, 0);
  return {
    chainId, blockNumber: block, asOf, assetDecimals, cashUnits, venues,
    observation: {
      asOf, cashUsd, totalEquityUsd: spec.totalEquityUsd ?? cashUsd + positionsUsd,
      pendingRedemptionsUsd: spec.pendingRedemptionsUsd, directionalTrades: spec.directionalTrades, venues: observations,
    },
  };
}
