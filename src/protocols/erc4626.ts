/**
 * ERC-4626 tokenised-vault share math on `bigint` base units, with a virtual-shares
 * decimals offset against inflation (donation) attacks.
 *
 * With `V = 10^decimalsOffset` virtual shares and 1 virtual asset:
 *
 *   shares = assets · (totalSupply + V) / (totalAssets + 1)
 *   assets = shares · (totalAssets + 1) / (totalSupply + V)
 *
 * Rounding is always against the user: deposit and redeem round down (the user gets less),
 * mint and withdraw round up (the user pays more). Hence the share price
 * (totalAssets + 1) / (totalSupply + V) never falls for the other holders.
 *
 * Inflation bound: after a deposit of `assets` into a vault with totals (T, S), redeeming
 * the minted shares at once returns more than `assets − (T + 1)/(S + V) − 1`: a depositor
 * loses less than one share's worth plus one base unit. In the classic attack (deposit 1
 * base unit for V shares, then donate D) that is a loss under (D + 2)/(2V) + 1 for the
 * victim, while the virtual shares absorb about half of D from the attacker: with an
 * offset ≥ 1 the attack costs the attacker more than it can steal.
 */
import { UserError } from '../core/errors.ts';
import { mulDiv, WAD, type Rounding } from '../core/fixedPoint.ts';

/**
 * A vault's totals in base units. `decimalsOffset` (default 0) is how many more decimals
 * the share token has than the asset (OpenZeppelin's `_decimalsOffset`); it sets
 * 10^decimalsOffset virtual shares.
 *
 * @example const totals: VaultTotals = { totalAssets: 1_000_000n, totalSupply: 1_000_000_000n, decimalsOffset: 3 };
 */
export interface VaultTotals {
  /** Assets held by the vault, in asset base units. */
  totalAssets: bigint;
  /** Shares outstanding, in share base units. */
  totalSupply: bigint;
  /** Extra share decimals over the asset's (integer 0..36); default 0. */
  decimalsOffset?: number;
}

/** Largest decimals offset accepted (share decimals − asset decimals). @example 10n ** BigInt(MAX_DECIMALS_OFFSET) // largest virtual share count */
export const MAX_DECIMALS_OFFSET = 36;

function checkNonNegative(field: string, value: bigint): void {
  if (value < 0n) {
    throw new UserError({ field, value, message: `must be >= 0, got ${value}`, hint: 'amounts are base units and cannot be negative' });
  }
}

/** 10^offset for every offset accepted (computed once: the share math runs for every event of every run). */
const VIRTUAL_SHARES = Array.from({ length: MAX_DECIMALS_OFFSET + 1 }, (_, k) => 10n ** BigInt(k));

/** Validates totals (assets, supply, offset, in that order) and returns totalAssets + 1, the virtual assets. */
function virtualAssets(totals: VaultTotals): bigint {
  checkNonNegative('totalAssets', totals.totalAssets);
  checkNonNegative('totalSupply', totals.totalSupply);
  checkOffset(totals.decimalsOffset ?? 0);
  return totals.totalAssets + 1n;
}

/** totalSupply + 10^offset, the virtual shares, of totals {@link virtualAssets} validated. */
function virtualShares(totals: VaultTotals): bigint {
  return totals.totalSupply + VIRTUAL_SHARES[totals.decimalsOffset ?? 0];
}

/** Refuses a decimals offset outside [0, MAX_DECIMALS_OFFSET]. */
function checkOffset(offset: number): void {
  if (!Number.isInteger(offset) || offset < 0 || offset > MAX_DECIMALS_OFFSET) {
    throw new UserError({
      field: 'decimalsOffset',
      value: offset,
      message: `must be an integer in [0, ${MAX_DECIMALS_OFFSET}], got ${offset}`,
      hint: 'the share token has asset decimals + decimalsOffset decimals',
    });
  }
}

/**
 * Assets → shares at the vault's current rate, rounded as asked.
 *
 * @example convertToShares(100n, { totalAssets: 0n, totalSupply: 0n, decimalsOffset: 3 }, 'floor') // 100000n
 */
export function convertToShares(assets: bigint, totals: VaultTotals, rounding: Rounding): bigint {
  checkNonNegative('assets', assets);
  const assetsWithVirtual = virtualAssets(totals); // validates the totals first
  return mulDiv(assets, virtualShares(totals), assetsWithVirtual, rounding);
}

/**
 * Shares → assets at the vault's current rate, rounded as asked.
 *
 * @example convertToAssets(100000n, { totalAssets: 100n, totalSupply: 100000n, decimalsOffset: 3 }, 'floor') // 100n
 */
export function convertToAssets(shares: bigint, totals: VaultTotals, rounding: Rounding): bigint {
  checkNonNegative('shares', shares);
  return mulDiv(shares, virtualAssets(totals), virtualShares(totals), rounding);
}

/**
 * Shares minted for depositing `assets` (rounded down).
 *
 * @example previewDeposit(10n, { totalAssets: 2n, totalSupply: 1n }) // 6n = ⌊10·2/3⌋
 */
export function previewDeposit(assets: bigint, totals: VaultTotals): bigint {
  return convertToShares(assets, totals, 'floor');
}

/**
 * Assets needed to mint exactly `shares` (rounded up).
 *
 * @example previewMint(6n, { totalAssets: 2n, totalSupply: 1n }) // 9n = ⌈6·3/2⌉
 */
export function previewMint(shares: bigint, totals: VaultTotals): bigint {
  return convertToAssets(shares, totals, 'ceil');
}

/**
 * Shares burned to withdraw exactly `assets` (rounded up).
 *
 * @example previewWithdraw(10n, { totalAssets: 2n, totalSupply: 1n }) // 7n = ⌈10·2/3⌉
 */
export function previewWithdraw(assets: bigint, totals: VaultTotals): bigint {
  return convertToShares(assets, totals, 'ceil');
}

/**
 * Assets paid for redeeming `shares` (rounded down).
 *
 * @example previewRedeem(7n, { totalAssets: 2n, totalSupply: 1n }) // 10n = ⌊7·3/2⌋
 */
export function previewRedeem(shares: bigint, totals: VaultTotals): bigint {
  return convertToAssets(shares, totals, 'floor');
}

/**
 * Share price for reporting, as a float: asset token units per share token unit, where
 * the share token has `asset decimals + decimalsOffset` decimals. An empty vault prices at
 * exactly 1; the price includes the virtual share and asset, so it is the rate that
 * {@link convertToAssets} uses: (totalAssets + 1)·10^offset / (totalSupply + 10^offset).
 *
 * @example sharePrice({ totalAssets: 0n, totalSupply: 0n, decimalsOffset: 6 }) // 1
 */
export function sharePrice(totals: VaultTotals): number {
  const assetsWithVirtual = virtualAssets(totals); // validates the totals first
  const offsetScale = VIRTUAL_SHARES[totals.decimalsOffset ?? 0]; // 10^offset (checked by virtualAssets)
  return Number(mulDiv(assetsWithVirtual * offsetScale, WAD, virtualShares(totals), 'halfUp')) / Number(WAD);
}
