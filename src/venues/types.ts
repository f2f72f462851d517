/**
 * The venue seam: what a policy sees of a place where the fund's money sits, whatever the
 * source (a simulated venue, a `capflow plan` snapshot file, a venue's history, a live chain
 * read). Every source builds the same {@link VenueObservation}; policies read nothing else.
 */

/**
 * The kinds of venue the fund can hold.
 * - `cash`: the fund's own reserve of the asset (no yield, always withdrawable).
 * - `credit_supply`: a lending reserve's supply side (Aave-style aToken: scaled balance × liquidity index).
 * - `vault`: an ERC-4626 vault with instant withdrawals.
 * - `async_vault`: an ERC-7540-style vault: redemption requests settle after a delay at that day's price, then are claimed.
 * - `delta_neutral_sleeve`: a constant-product LP position hedged by a short of its token amount.
 * - `leveraged_short`: a lending-protocol short (aToken collateral, variable debt), with a health factor.
 *
 * @example const kind: VenueKind = 'credit_supply';
 */
export type VenueKind = 'cash' | 'credit_supply' | 'vault' | 'async_vault' | 'delta_neutral_sleeve' | 'leveraged_short';

/**
 * One venue at one moment, as a policy reads it. Amounts are USD (float64); rates are 0..1
 * fractions per year.
 *
 * @example
 * const obs: VenueObservation = {
 *   venue: 'aave', kind: 'credit_supply', positionUsd: 250_000, tvlUsd: 80_000_000,
 *   availableLiquidityUsd: 12_000_000, redeemQueuedUsd: 0, apy: 0.045, sharePrice: NaN,
 *   withdrawDelayDays: 0, entryCostUsd: 5, exitCostPct: 0, asOf: '2025-03-01T00:00:00.000Z',
 * };
 */
export interface VenueObservation {
  /** The venue's name, unique within the fund. */
  venue: string;
  kind: VenueKind;
  /** What the holder's position is worth now (USD). */
  positionUsd: number;
  /** The venue's TVL including the holder's own position (USD); NaN when unknown. */
  tvlUsd: number;
  /** What the venue lets leave right now (USD): a reserve's available liquidity, a vault's instant buffer; Infinity when unlimited. */
  availableLiquidityUsd: number;
  /** Part of the holder's position already queued for redemption (pending + claimable, USD). */
  redeemQueuedUsd: number;
  /** The venue's yield as a 0..1 annual percentage yield. */
  apy: number;
  /** USD per share for share venues (vaults); NaN otherwise. */
  sharePrice: number;
  /** Days a redemption takes to pay out (0: instant). */
  withdrawDelayDays: number;
  /** Fixed cost of one deposit (gas, fees), USD. */
  entryCostUsd: number;
  /** Cost of a withdrawal as a 0..1 fraction of the amount. */
  exitCostPct: number;
  /** When the data was observed (UTC ISO-8601). */
  asOf: string;
}
