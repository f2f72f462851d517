/**
 * An ERC-4626 vault with instant withdrawals: the holder owns shares; deposits and
 * withdrawals convert at the day's share price with the standard's rounding (against the
 * user, `protocols/erc4626.ts`). The market is the vault's daily path (share price, APY, TVL).
 */
import { WAD } from '../core/fixedPoint.ts';
import type { VaultPath } from '../market/venues.ts';
import { previewDeposit, previewRedeem, previewWithdraw, type VaultTotals } from '../protocols/erc4626.ts';
import type { VenueModule, VenueStep, VenueTerms } from './types.ts';

/**
 * Vault totals that make ERC-4626 conversions run at `price` (USD per share, 18-digit precision).
 *
 * @example previewRedeem(10n ** 18n, totalsAtPrice(1.05)) // ≈ 1.05 units of 1e-18
 */
export function totalsAtPrice(price: number): VaultTotals {
  const priceWad = BigInt(Math.round(price * 1e18));
  return { totalAssets: priceWad - 1n, totalSupply: WAD - 1n };
}

/**
 * The ERC-4626 previews at `price` without building the totals: with the totals of
 * {@link totalsAtPrice} (virtual assets = priceWad, virtual shares = WAD) a redemption pays
 * ⌊shares · priceWad / WAD⌋, a deposit mints ⌊units · WAD / priceWad⌋ and a withdrawal burns
 * ⌈units · WAD / priceWad⌉ — what the standard's previews give, to the unit. An amount below 0
 * or a price below 1e-18 takes the previews themselves (which refuse them).
 *
 * @example previewAtPrice('redeem', 10n ** 18n, 1.05) // 1050000000000000000n
 */
export function previewAtPrice(kind: 'redeem' | 'deposit' | 'withdraw', amount: bigint, price: number): bigint {
  const priceWad = BigInt(Math.round(price * 1e18));
  if (amount < 0n || priceWad < 1n) return PREVIEWS[kind](amount, totalsAtPrice(price));
  if (kind === 'redeem') return (amount * priceWad) / WAD;
  if (kind === 'deposit') return (amount * WAD) / priceWad;
  return (amount * WAD + priceWad - 1n) / priceWad;
}

const PREVIEWS = { redeem: previewRedeem, deposit: previewDeposit, withdraw: previewWithdraw } as const;

/**
 * The holder's vault shares (18-digit price precision).
 *
 * @example const s: VaultState = { shares: 0n };
 */
export interface VaultState {
  readonly shares: bigint;
}

/** Instant-vault terms: the common ones. @example const t: VaultTerms = { name: 'morpho', entryCostUsd: 1, exitCostPct: 0, withdrawDelayDays: 0 }; */
export type VaultTerms = VenueTerms;

/**
 * Burns shares for up to `units` of assets out of `freeShares` at the day's price: the whole
 * free position when `units` reaches its value (less one unit of rounding), else the shares
 * the standard's `previewWithdraw` asks for (at `price`, USD per share). Returns the shares burned and the assets paid.
 *
 * @example burnForAssets(10n ** 24n, 500_000n, 1) // { burned: ≈5e23, paid: 500000n }
 */
export function burnForAssets(freeShares: bigint, units: bigint, price: number): { burned: bigint; paid: bigint } {
  const all = previewAtPrice('redeem', freeShares, price);
  const burned = units >= all - 1n ? freeShares : previewAtPrice('withdraw', units, price);
  return { burned, paid: burned === freeShares ? all : units };
}

function withdraw(_t: VaultTerms, m: VaultPath, s: VaultState, day: number, units: bigint): VenueStep<VaultState> {
  const { burned, paid } = burnForAssets(s.shares, units, m.sharePrice[day]);
  return { state: { shares: s.shares - burned }, moved: { transferUnits: -paid, positionCostUnits: 0n } };
}

/**
 * The ERC-4626 vault module.
 *
 * @example
 * let s = vault.empty(terms);
 * ({ state: s } = vault.deposit(terms, path, s, 0, 1_000_000_000n));
 * vault.value(terms, path, s, 30); // the shares at day 30's price, rounded down
 */
export const vault: VenueModule<VaultTerms, VaultPath, VaultState> = {
  kind: 'vault',
  valueChange: 'interest',
  empty: () => ({ shares: 0n }),
  accrue: (_t, _m, s) => ({ state: s, moved: { transferUnits: 0n, positionCostUnits: 0n } }),
  value: (_t, m, s, day) => previewAtPrice('redeem', s.shares, m.sharePrice[day]),
  deposit: (_t, m, s, day, units) => ({ state: { shares: s.shares + previewAtPrice('deposit', units, m.sharePrice[day]) }, moved: { transferUnits: units, positionCostUnits: 0n } }),
  withdraw,
  requestRedeem: withdraw,
  read: (_t, m, _s, day) => ({ othersTvlUsd: m.tvlUsd[day], availableLiquidityUsd: Infinity, apy: m.apy[day], sharePrice: m.sharePrice[day], redeemQueuedUsd: 0 }),
};
