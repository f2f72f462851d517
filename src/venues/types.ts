/**
 * The venue seam: what a policy sees of a place where the fund's money sits, whatever the
 * source (a simulated venue, a `capflow plan` snapshot file, a venue's history, a live chain
 * read). Every source builds the same {@link VenueObservation}; policies read nothing else.
 */

import type { DataFlag } from '../market/history/quality.ts';

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
  /** Set when the venue's data is stale or anomalous (the venue then takes no new money); absent when good. */
  dataFlag?: DataFlag;
}

/**
 * What one venue operation moved, in the fund asset's base units.
 * - `transferUnits`: money moved from the fund's cash reserve into the position (negative:
 *   out of the position back into the reserve).
 * - `positionCostUnits`: money the venue consumed out of the position itself (≥ 0), e.g. the
 *   delta-neutral sleeve's fixed cost of a resize; the fund books it as a `cost` event.
 * Value changes from the market (interest, price moves) are not "moved": the fund marks them
 * from {@link VenueModule.value}.
 *
 * @example const m: Moved = { transferUnits: 1_000_000n, positionCostUnits: 0n };
 */
export interface Moved {
  transferUnits: bigint;
  positionCostUnits: bigint;
}

/**
 * A venue operation's result: the venue's new state (the old one is left as it was) and what moved.
 *
 * @example const { state, moved } = creditSupply.deposit(terms, market, state, day, 1_000_000n);
 */
export interface VenueStep<S> {
  state: S;
  moved: Moved;
}

/**
 * The terms every venue has, whatever its kind: its name and trade costs.
 *
 * @example const t: VenueTerms = { name: 'aave', entryCostUsd: 2, exitCostPct: 0, withdrawDelayDays: 0 };
 */
export interface VenueTerms {
  name: string;
  /** Fixed cost of one deposit (gas, fees), USD. */
  entryCostUsd: number;
  /** Cost of a withdrawal as a 0..1 fraction of the amount. */
  exitCostPct: number;
  /** Days a redemption request takes to pay out (0: withdrawals are instant). */
  withdrawDelayDays: number;
}

/**
 * The market facts of a venue on one day, beside the holder's position: what
 * {@link VenueModule.read} gives and {@link observeVenue} turns into a {@link VenueObservation}.
 *
 * @example const r: VenueReading = { othersTvlUsd: 8e7, availableLiquidityUsd: 1.2e7, apy: 0.045, sharePrice: NaN, redeemQueuedUsd: 0 };
 */
export interface VenueReading {
  /** The venue's TVL without the holder's position (USD); NaN when unknown. */
  othersTvlUsd: number;
  /** What the venue lets leave right now (USD); Infinity when unlimited. */
  availableLiquidityUsd: number;
  apy: number;
  /** USD per share (NaN for venues without shares). */
  sharePrice: number;
  /** The holder's redemptions queued and not yet paid (USD). */
  redeemQueuedUsd: number;
}

/**
 * One venue kind's module: plain state `S`, the kind's terms `T` and its market `M` (the
 * venue's daily path: simulated, historical or read from the chain). Every function is pure:
 * it returns a new state and leaves its inputs as they were. Amounts are the fund asset's
 * base units; `day` indexes the market path (0 = inception).
 *
 * @example
 * const mod: VenueModule<VaultTerms, VaultMarket, VaultState> = vault;
 * let state = mod.empty(terms);
 * ({ state } = mod.deposit(terms, market, state, 0, 1_000_000_000n));
 * mod.value(terms, market, state, 0); // ≈ 1_000_000_000n, rounded in the vault's favour
 */
export interface VenueModule<T extends VenueTerms = VenueTerms, M = unknown, S = unknown> {
  readonly kind: VenueKind;
  /**
   * How the books record the position's market value changes: `interest` (a rebasing balance:
   * aTokens, vault shares at the share price) or `pnl` (a marked-to-market position's profit
   * and loss, a correction).
   */
  readonly valueChange: 'interest' | 'pnl';
  /** The holder's state before any deposit. */
  empty(terms: T): S;
  /** Day `day` begins: interest accrues from `day − 1`; redemptions falling due pay out (a negative transfer). */
  accrue(terms: T, market: M, state: S, day: number): VenueStep<S>;
  /** What the holder's position is worth on `day`, rounded in the venue's favour. */
  value(terms: T, market: M, state: S, day: number): bigint;
  /** Puts `units` of cash into the venue. */
  deposit(terms: T, market: M, state: S, day: number, units: bigint): VenueStep<S>;
  /** Takes up to `units` out now (the whole free position when `units` reaches its value). */
  withdraw(terms: T, market: M, state: S, day: number, units: bigint): VenueStep<S>;
  /** Asks for `units` to be redeemed; pays out after `terms.withdrawDelayDays` (at once when 0). */
  requestRedeem(terms: T, market: M, state: S, day: number, units: bigint): VenueStep<S>;
  /** The venue's market facts on `day` (TVL, liquidity, APY, share price, queued redemptions). */
  read(terms: T, market: M, state: S, day: number): VenueReading;
}

/** Nothing moved. */
export const NOTHING_MOVED: Moved = Object.freeze({ transferUnits: 0n, positionCostUnits: 0n });

/**
 * A venue module of any kind, as a fund holds it beside the venue's own terms, market and
 * state (each kind's functions only ever see their own kind's values).
 *
 * @example const mods: AnyVenueModule[] = [creditSupply, vault];
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyVenueModule = VenueModule<any, any, any>;

/**
 * A trade outside the yield venues that the plan must make room for (the sleeve's resize, a
 * directional position): `buy` consumes `reserveUsd` of cash; `sell` releases it (at once, or
 * later when `async`).
 *
 * @example const t: DirectionalTrade = { side: 'buy', reserveUsd: 250_000, async: false };
 */
export interface DirectionalTrade {
  side: 'buy' | 'sell';
  reserveUsd: number;
  async: boolean;
}

/**
 * What a policy sees of the whole fund at one moment: its cash, equity, the redemptions it
 * owes, the directional trades it plans, and every venue it may use.
 *
 * @example const obs: FundObservation = { asOf: '2025-03-01T00:00:00.000Z', cashUsd: 1e5, totalEquityUsd: 5e6, pendingRedemptionsUsd: 0, directionalTrades: [], venues: [aaveObs] };
 */
export interface FundObservation {
  /** When the fund was observed (UTC ISO-8601). */
  asOf: string;
  /** Cash in hand, USD. */
  cashUsd: number;
  /** NAV, USD. */
  totalEquityUsd: number;
  /** Redemptions investors requested or were settled and are owed in cash, USD. */
  pendingRedemptionsUsd: number;
  directionalTrades: DirectionalTrade[];
  /** The yield venues, in the policy's rule order. */
  venues: VenueObservation[];
}
