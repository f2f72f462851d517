/**
 * An ERC-7540-style vault with asynchronous redemptions: a request locks shares, which are
 * settled `withdrawDelayDays` later at that day's share price and claimed into the fund's
 * reserve the same day. A small instant buffer (`instantLiquidityPct` of the vault's TVL) can
 * be withdrawn at once. Deposits are instant (ERC-4626 rounding).
 */
import type { VaultPath } from '../market/venues.ts';
import type { VenueModule, VenueStep, VenueTerms } from './types.ts';
import { unitsToUsd } from './units.ts';
import { burnForAssets, previewAtPrice } from './vault.ts';

/**
 * Async-vault terms: the common ones (`withdrawDelayDays` ≥ 1) and the instant buffer.
 *
 * @example const t: AsyncVaultTerms = { name: 'lagoon', entryCostUsd: 0, exitCostPct: 0, withdrawDelayDays: 7, instantLiquidityPct: 0.02 };
 */
export interface AsyncVaultTerms extends VenueTerms {
  /** Share (0..1) of the vault's TVL that can be redeemed at once. */
  instantLiquidityPct: number;
}

/** Shares locked by a redemption request, settled and claimed on `dueDay`. */
export interface QueuedRedemption {
  readonly shares: bigint;
  readonly dueDay: number;
}

/**
 * The holder's shares (queued ones included) and its requests in the order made.
 *
 * @example const s: AsyncVaultState = { shares: 10n ** 24n, queue: [{ shares: 10n ** 23n, dueDay: 7 }] };
 */
export interface AsyncVaultState {
  readonly shares: bigint;
  readonly queue: readonly QueuedRedemption[];
}

/**
 * Shares locked by requests.
 *
 * @example queuedShares({ shares: 5n, queue: [{ shares: 2n, dueDay: 3 }] }) // 2n
 */
export function queuedShares(s: AsyncVaultState): bigint {
  let total = 0n;
  for (const q of s.queue) total += q.shares;
  return total;
}

function moved(transferUnits: bigint) {
  return { transferUnits, positionCostUnits: 0n };
}

/** Requests due on `day` are settled at that day's price and claimed. */
function accrue(_t: AsyncVaultTerms, m: VaultPath, s: AsyncVaultState, day: number): VenueStep<AsyncVaultState> {
  let due = 0n;
  let k = 0;
  while (k < s.queue.length && s.queue[k].dueDay <= day) due += s.queue[k++].shares;
  if (due === 0n) return { state: s, moved: moved(0n) };
  const assets = previewAtPrice('redeem', due, m.sharePrice[day]);
  return { state: { shares: s.shares - due, queue: s.queue.slice(k) }, moved: moved(-assets) };
}

function withdraw(_t: AsyncVaultTerms, m: VaultPath, s: AsyncVaultState, day: number, units: bigint): VenueStep<AsyncVaultState> {
  const { burned, paid } = burnForAssets(s.shares - queuedShares(s), units, m.sharePrice[day]);
  return { state: { shares: s.shares - burned, queue: s.queue }, moved: moved(-paid) };
}

function requestRedeem(t: AsyncVaultTerms, m: VaultPath, s: AsyncVaultState, day: number, units: bigint): VenueStep<AsyncVaultState> {
  const free = s.shares - queuedShares(s);
  const wanted = previewAtPrice('withdraw', units, m.sharePrice[day]);
  const shares = wanted < free ? wanted : free;
  if (shares <= 0n) return { state: s, moved: moved(0n) };
  return { state: { shares: s.shares, queue: [...s.queue, { shares, dueDay: day + t.withdrawDelayDays }] }, moved: moved(0n) };
}

/**
 * The async-vault module.
 *
 * @example
 * let s = asyncVault.empty(terms);
 * ({ state: s } = asyncVault.deposit(terms, path, s, 0, 1_000_000_000n));
 * ({ state: s } = asyncVault.requestRedeem(terms, path, s, 0, 400_000_000n)); // pays on day terms.withdrawDelayDays
 */
export const asyncVault: VenueModule<AsyncVaultTerms, VaultPath, AsyncVaultState> = {
  kind: 'async_vault',
  valueChange: 'interest',
  empty: () => ({ shares: 0n, queue: [] }),
  accrue,
  value: (_t, m, s, day) => previewAtPrice('redeem', s.shares, m.sharePrice[day]),
  deposit: (_t, m, s, day, units) => ({ state: { shares: s.shares + previewAtPrice('deposit', units, m.sharePrice[day]), queue: s.queue }, moved: moved(units) }),
  withdraw,
  requestRedeem,
  read: (t, m, s, day) => ({
    othersTvlUsd: m.tvlUsd[day],
    availableLiquidityUsd: t.instantLiquidityPct * m.tvlUsd[day],
    apy: m.apy[day],
    sharePrice: m.sharePrice[day],
    redeemQueuedUsd: s.queue.length === 0 ? 0 : unitsToUsd(previewAtPrice('redeem', queuedShares(s), m.sharePrice[day])),
  }),
};
