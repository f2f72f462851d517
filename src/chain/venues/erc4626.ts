/**
 * Reads an ERC-4626 vault (and the ERC-7540 asynchronous-redemption extension) and a holder's
 * position at one block, plus the vault's share price at an earlier block for its realised
 * yield.
 */
import type { Address } from 'viem';
import { UserError } from '../../core/errors.ts';
import { ERC20_ABI, ERC4626_ABI, ERC7540_ABI } from '../abi.ts';
import { call, readAll, requireCode, type ReadContext } from './read.ts';

/** Extra decimals in the share-price probe, so `convertToAssets` of it keeps precision. */
const PRICE_PROBE_EXTRA_DECIMALS = 9n;

/**
 * What {@link readVault} returns; amounts in base units (assets in the asset's decimals,
 * shares in the vault's).
 *
 * @example const v: VaultRead = await readVault(ctx, { address, holder, asset, async: false }); v.totalAssets
 */
export interface VaultRead {
  address: Address;
  asset: Address;
  assetDecimals: number;
  shareDecimals: number;
  holderShares: bigint;
  /** The holder's position: previewRedeem of its shares (ERC-4626); for ERC-7540 (whose previewRedeem reverts) convertToAssets of the shares held and pending plus the claimable assets. */
  holderAssets: bigint;
  totalAssets: bigint;
  totalSupply: bigint;
  /** maxWithdraw(holder): assets the holder can take out now. */
  maxWithdraw: bigint;
  /** Assets per 10^(shareDecimals + 9) shares: the share price with 9 extra digits. */
  assetsPerPriceProbe: bigint;
  /** ERC-7540: shares in the holder's pending and claimable redemption requests (0 for ERC-4626). */
  pendingRedeemShares: bigint;
  claimableRedeemShares: bigint;
  /** ERC-7540: the pending request's shares at today's price (convertToAssets). */
  pendingAssets: bigint;
  /** ERC-7540: settled redemptions the holder can claim now (maxWithdraw; outside totalAssets). */
  claimableAssets: bigint;
}

/**
 * The number of shares {@link VaultRead.assetsPerPriceProbe} prices.
 *
 * @example priceProbeShares(18) // 10n ** 27n
 */
export function priceProbeShares(shareDecimals: number): bigint {
  return 10n ** (BigInt(shareDecimals) + PRICE_PROBE_EXTRA_DECIMALS);
}

/**
 * Reads vault `address` for `holder` at `ctx.blockNumber`. Refuses a vault whose `asset()` is
 * not `asset` (the fund's asset). `async` reads the ERC-7540 request state (request id 0).
 *
 * @example await readVault({ client, blockNumber, field: 'venues.steakhouse' }, { address, holder, asset, async: false })
 */
export async function readVault(ctx: ReadContext, where: { address: Address; holder: Address; asset: Address; async: boolean }): Promise<VaultRead> {
  await requireCode(ctx, where.address, 'vault');
  const [vaultAsset, shareDecimals] = (await readAll(ctx, [call(where.address, ERC4626_ABI, 'asset'), call(where.address, ERC4626_ABI, 'decimals')])) as [Address, number];
  if (vaultAsset.toLowerCase() !== where.asset.toLowerCase()) {
    throw new UserError({ field: ctx.field, value: where.address, message: `vault ${where.address} holds asset ${vaultAsset}, not the fund's asset ${where.asset}`, hint: 'plan only venues of the fund asset named in `asset`' });
  }
  const base = await readAll(ctx, [
    call(where.asset, ERC20_ABI, 'decimals'),
    call(where.address, ERC4626_ABI, 'balanceOf', [where.holder]),
    call(where.address, ERC4626_ABI, 'totalAssets'),
    call(where.address, ERC4626_ABI, 'totalSupply'),
    call(where.address, ERC4626_ABI, 'maxWithdraw', [where.holder]),
    call(where.address, ERC4626_ABI, 'convertToAssets', [priceProbeShares(shareDecimals)]),
    ...(where.async ? [call(where.address, ERC7540_ABI, 'pendingRedeemRequest', [0n, where.holder]), call(where.address, ERC7540_ABI, 'claimableRedeemRequest', [0n, where.holder])] : []),
  ]);
  const [assetDecimals, holderShares, totalAssets, totalSupply, maxWithdraw, assetsPerPriceProbe, pending = 0n, claimable = 0n] = base as [number, ...bigint[]];
  if (!where.async) {
    const [holderAssets] = (await readAll(ctx, [call(where.address, ERC4626_ABI, 'previewRedeem', [holderShares])])) as [bigint];
    return { address: where.address, asset: vaultAsset, assetDecimals, shareDecimals, holderShares, holderAssets, totalAssets, totalSupply, maxWithdraw, assetsPerPriceProbe, pendingRedeemShares: 0n, claimableRedeemShares: 0n, pendingAssets: 0n, claimableAssets: 0n };
  }
  // ERC-7540: previewRedeem reverts; pending shares are still the vault's, settled (claimable) ones are assets set aside (maxWithdraw)
  const [heldAssets, pendingAssets] = (await readAll(ctx, [call(where.address, ERC4626_ABI, 'convertToAssets', [holderShares]), call(where.address, ERC4626_ABI, 'convertToAssets', [pending])])) as [bigint, bigint];
  return {
    address: where.address, asset: vaultAsset, assetDecimals, shareDecimals, holderShares, holderAssets: heldAssets + pendingAssets + maxWithdraw, totalAssets, totalSupply, maxWithdraw,
    assetsPerPriceProbe, pendingRedeemShares: pending, claimableRedeemShares: claimable, pendingAssets, claimableAssets: maxWithdraw,
  };
}

/**
 * The vault's assets per price probe at an earlier block (for its realised yield); null when
 * the vault had no code yet at that block.
 *
 * @example await readVaultPriceProbe({ client, blockNumber: earlier, field: 'venues.steakhouse' }, vault, 18)
 */
export async function readVaultPriceProbe(ctx: ReadContext, address: Address, shareDecimals: number): Promise<bigint | null> {
  try {
    await requireCode(ctx, address, 'vault');
  } catch (e) {
    if (e instanceof UserError && /has no contract code/.test(e.detail)) return null;
    throw e;
  }
  const [assets] = (await readAll(ctx, [call(address, ERC4626_ABI, 'convertToAssets', [priceProbeShares(shareDecimals)])])) as [bigint];
  return assets;
}
