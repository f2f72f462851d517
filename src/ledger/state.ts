/**
 * The treasury's books as plain data and the pure reads of them: holdings per position, share
 * supply and per-holder share balances, redemption requests and claims, NAV and share price.
 * {@link applyEvent} (apply.ts) changes them; treasury.ts is the module that exports both.
 *
 * Valuation: every holding is counted 1:1 in vault-asset base units (aTokens and debt tokens
 * of the vault asset); {@link navAssets} takes explicit prices for anything else. Debts are
 * negative holdings; settled-but-unclaimed redemptions are a negative holding of the
 * `claims` position. NAV (`totalAssets`) is the sum of every holding except the `pending`
 * position, which counts locked shares, and the `deposit_requests` position, which holds the
 * assets of asynchronous deposit requests not yet settled (not the fund's yet).
 */
import { UserError } from '../core/errors.ts';
import { mulDiv, WAD } from '../core/fixedPoint.ts';
import { MAX_DECIMALS_OFFSET, previewDeposit, previewRedeem, sharePrice, type VaultTotals } from '../protocols/erc4626.ts';
import {
  CLAIMS_POSITION,
  countsInNav,
  EVENT_KINDS,
  RESERVE_POSITION,
  type BalanceUpdate,
  type Deployment,
  type EventKind,
  type InterestEvent,
  type LedgerEvent,
} from './types.ts';


/** An interest jump above this fraction of the previous balance is refused unless forced. */
export const INTEREST_JUMP_LIMIT_PCT = 0.05;
/** {@link INTEREST_JUMP_LIMIT_PCT} in basis points, for the exact bigint comparison. @example JUMP_LIMIT_BPS // 500n */
export const JUMP_LIMIT_BPS = BigInt(Math.round(INTEREST_JUMP_LIMIT_PCT * 10_000));

/** Sync reports (does not refuse) events whose implied price is further than this fraction from NAV per share. */
export const PRICE_DEVIATION_LIMIT_PCT = 0.01;

/**
 * The token side of a treasury.
 *
 * @example const config: TreasuryConfig = { assetSymbol: 'USDC', assetDecimals: 6, shareSymbol: 'cfUSD', shareDecimals: 18 };
 */
export interface TreasuryConfig {
  assetSymbol: string;
  assetDecimals: number;
  shareSymbol: string;
  /** ≥ assetDecimals; the difference is the ERC-4626 decimals offset. */
  shareDecimals: number;
}

/**
 * The token side of a deployment.
 *
 * @example treasuryConfigOf(deployment).shareSymbol // deployment.symbol, e.g. 'cfUSD'
 */
export function treasuryConfigOf(d: Deployment): TreasuryConfig {
  return { assetSymbol: d.assetSymbol, assetDecimals: d.assetDecimals, shareSymbol: d.symbol, shareDecimals: d.shareDecimals };
}

/** What one owner has in flight: locked shares, and settled shares with the assets owed for them. */
export interface OwnerRedemption {
  pendingShares: bigint;
  claimableShares: bigint;
  claimableAssets: bigint;
}

/**
 * What one controller has in flight on the deposit side (ERC-7540 asynchronous deposits):
 * assets requested and not yet settled, and settled assets with the shares minted for them,
 * not yet claimed.
 *
 * @example const d: OwnerDeposit = { pendingAssets: 1_000_000n, claimableAssets: 0n, claimableShares: 0n };
 */
export interface OwnerDeposit {
  pendingAssets: bigint;
  claimableAssets: bigint;
  claimableShares: bigint;
}

/** One interest event spread over the positions holding the token. */
export interface InterestDistribution {
  asset: string;
  /** Ledger balance before (signed: debts are negative). */
  previousBalance: bigint;
  /** Ledger balance after (the on-chain balance, signed). */
  newBalance: bigint;
  /** newBalance − previousBalance. */
  interest: bigint;
  parts: { position: string; quantity: bigint }[];
}

/**
 * The books. Mutated in place by {@link applyEvent}; copy with {@link cloneTreasury}.
 *
 * @example const state = createTreasury(config); applyEvent(state, depositEvent, []);
 */
export interface TreasuryState {
  readonly config: TreasuryConfig;
  /** position → asset → signed quantity in base units. */
  holdings: Map<string, Map<string, bigint>>;
  /** Σ holdings outside the `pending` position, in vault-asset base units. */
  totalAssets: bigint;
  /** Share supply in share base units (locked shares included until settled). */
  totalShares: bigint;
  /** Shares locked by redemption requests. */
  pendingShares: bigint;
  /** Per owner with something in flight. */
  redemptions: Map<string, OwnerRedemption>;
  /** Per controller with an asynchronous deposit in flight (requested or settled, unclaimed). */
  deposits: Map<string, OwnerDeposit>;
  /**
   * Share balance per holder (lower-case address), shares locked by a request excluded; holders
   * at 0 are dropped. Kept, not enforced: a feed that does not follow owners can drive one
   * negative, which `treasury verify --rpc` shows against the chain.
   */
  shareBalances: Map<string, bigint>;
  /** Events applied, by kind. */
  counts: Record<EventKind, number>;
  /** Highest block whose events are all applied (the sync cursor); null before the first scan. */
  lastBlockScanned: number | null;
  /** Hash of the cursor block when the source gave it (the chain source does), else null. */
  lastBlockHash: string | null;
  lastCycle: number | null;
  lastCycleAt: string | null;
  /** Accounting corrections' own cursor: block and time of the latest correction. */
  lastCorrectionBlock: number | null;
  lastCorrectionAt: string | null;
  /** Interest sync. */
  lastInterestSyncAt: string | null;
  lastInterestSyncBlock: number | null;
  lastDistribution: InterestDistribution | null;
  /** Events applied so far (the last event's sequence number). */
  eventsApplied: number;
  /** Id the next balance update gets. */
  nextUpdateId: number;
}

/**
 * Zero counts for every kind.
 *
 * @example zeroCounts().deposit // 0
 */
export function zeroCounts(): Record<EventKind, number> {
  return Object.fromEntries(EVENT_KINDS.map((k) => [k, 0])) as Record<EventKind, number>;
}

/**
 * An empty treasury. Checks that the share token has at least the asset's decimals.
 *
 * @example const state = createTreasury({ assetSymbol: 'USDC', assetDecimals: 6, shareSymbol: 'cfUSD', shareDecimals: 18 });
 */
export function createTreasury(config: TreasuryConfig): TreasuryState {
  const offset = config.shareDecimals - config.assetDecimals;
  if (!Number.isInteger(offset) || offset < 0 || offset > MAX_DECIMALS_OFFSET) {
    throw new UserError({
      field: 'shareDecimals',
      value: config.shareDecimals,
      message: `must be an integer between asset decimals (${config.assetDecimals}) and asset decimals + ${MAX_DECIMALS_OFFSET}, got ${config.shareDecimals}`,
    });
  }
  return {
    config: { ...config },
    holdings: new Map(),
    totalAssets: 0n,
    totalShares: 0n,
    pendingShares: 0n,
    redemptions: new Map(),
    deposits: new Map(),
    shareBalances: new Map(),
    counts: zeroCounts(),
    lastBlockScanned: null,
    lastBlockHash: null,
    lastCycle: null,
    lastCycleAt: null,
    lastCorrectionBlock: null,
    lastCorrectionAt: null,
    lastInterestSyncAt: null,
    lastInterestSyncBlock: null,
    lastDistribution: null,
    eventsApplied: 0,
    nextUpdateId: 1,
  };
}

/**
 * A deep copy.
 *
 * @example const trial = cloneTreasury(state); applyEvent(trial, e, []); // state untouched
 */
export function cloneTreasury(state: TreasuryState): TreasuryState {
  return {
    ...state,
    holdings: new Map([...state.holdings].map(([p, assets]) => [p, new Map(assets)])),
    redemptions: new Map([...state.redemptions].map(([o, r]) => [o, { ...r }])),
    deposits: new Map([...state.deposits].map(([o, d]) => [o, { ...d }])),
    shareBalances: new Map(state.shareBalances),
    counts: { ...state.counts },
    lastDistribution: state.lastDistribution === null ? null : { ...state.lastDistribution, parts: state.lastDistribution.parts.map((p) => ({ ...p })) },
  };
}

/**
 * A holder's share balance in share base units (0 when absent; locked shares excluded).
 *
 * @example shareBalanceOf(state, '0xabc…') // 10n ** 21n
 */
export function shareBalanceOf(state: TreasuryState, holder: string): bigint {
  return state.shareBalances.get(holder) ?? 0n;
}

/**
 * A holding in base units (0 when absent).
 *
 * @example holdingOf(state, 'reserve', 'USDC') // 1000000000n
 */
export function holdingOf(state: TreasuryState, position: string, asset: string): bigint {
  return state.holdings.get(position)?.get(asset) ?? 0n;
}

/**
 * The ERC-4626 totals the share math runs on (NAV floored at 0, supply, decimals offset).
 *
 * @example convertToAssets(10n ** 18n, vaultTotals(state), 'floor')
 */
export function vaultTotals(state: TreasuryState): VaultTotals {
  return {
    totalAssets: state.totalAssets > 0n ? state.totalAssets : 0n,
    totalSupply: state.totalShares,
    decimalsOffset: state.config.shareDecimals - state.config.assetDecimals,
  };
}

/**
 * Share price in asset token units per share token unit (ERC-4626 rate with the virtual
 * share and asset; an empty vault prices at 1).
 *
 * @example sharePriceOf(createTreasury(config)) // 1
 */
export function sharePriceOf(state: TreasuryState): number {
  return sharePrice(vaultTotals(state));
}

/**
 * Shares a deposit of `assets` mints, rounded down (in the vault's favour).
 *
 * @example quoteDeposit(state, 1_000_000n) // 10n ** 18n in an empty 6 → 18 decimals vault
 */
export function quoteDeposit(state: TreasuryState, assets: bigint): bigint {
  return previewDeposit(assets, vaultTotals(state));
}

/**
 * Assets a redemption of `shares` pays, rounded down (in the vault's favour).
 *
 * @example quoteRedeem(state, 10n ** 18n) // 1_000_000n at a share price of 1
 */
export function quoteRedeem(state: TreasuryState, shares: bigint): bigint {
  return previewRedeem(shares, vaultTotals(state));
}

/** 10^decimals, by decimals: one whole share in base units (computed once each: a fund settles redemptions every day of every run). */
const WHOLE_SHARE: bigint[] = [];

/**
 * The NAV per whole share to post at settlement: asset base units for 10^shareDecimals
 * share base units, rounded down.
 *
 * @example quoteNavPerShare(state) // 1_000_000n at a share price of 1 (USDC)
 */
export function quoteNavPerShare(state: TreasuryState): bigint {
  return previewRedeem((WHOLE_SHARE[state.config.shareDecimals] ??= 10n ** BigInt(state.config.shareDecimals)), vaultTotals(state));
}

/**
 * NAV in vault-asset base units at given prices: Σ quantity · price / 1e18 over every
 * holding outside `pending`, where `pricesWad` maps a token symbol to vault-asset base units
 * per token base unit scaled by 1e18 (missing tokens count 1:1). Rounded down per holding,
 * so debts round up.
 *
 * @example navAssets(state, new Map([['stETH', 2_000n * 10n ** 6n]])) // 1 stETH = 2000 USDC: 2e-9 USDC base units per stETH base unit, × 1e18
 */
export function navAssets(state: TreasuryState, pricesWad: ReadonlyMap<string, bigint> = new Map()): bigint {
  let nav = 0n;
  for (const [position, assets] of state.holdings) {
    if (!countsInNav(position)) continue;
    for (const [asset, quantity] of assets) nav += mulDiv(quantity, pricesWad.get(asset) ?? WAD, WAD, 'floor');
  }
  return nav;
}

/**
 * Pending redemptions in USD: requested shares valued at the current share price (rounded
 * down) plus settled claims not yet paid. The yield manager keeps this much liquid.
 *
 * @example pendingRedemptionsUsd(state, 1).totalUsd // 1500.25
 */
export function pendingRedemptionsUsd(state: TreasuryState, assetPriceUsd: number): { requestedUsd: number; claimableUsd: number; totalUsd: number } {
  if (!Number.isFinite(assetPriceUsd) || assetPriceUsd < 0) {
    throw new UserError({ field: 'assetPriceUsd', value: assetPriceUsd, message: `must be a finite number >= 0, got ${assetPriceUsd}` });
  }
  const scale = 10 ** state.config.assetDecimals;
  const requestedUsd = (Number(quoteRedeem(state, state.pendingShares)) / scale) * assetPriceUsd;
  const claimableUsd = (Number(-holdingOf(state, CLAIMS_POSITION, state.config.assetSymbol)) / scale) * assetPriceUsd;
  return { requestedUsd, claimableUsd, totalUsd: requestedUsd + claimableUsd };
}

/**
 * The owner's settled, unclaimed redemption, if any (a `redeem` of this owner pays it).
 *
 * @example settledClaimOf(state, '0x…')?.claimableAssets
 */
export function settledClaimOf(state: TreasuryState, owner: string): OwnerRedemption | undefined {
  const r = state.redemptions.get(owner);
  return r !== undefined && (r.claimableShares > 0n || r.claimableAssets > 0n) ? r : undefined;
}

/**
 * The price an event implies, in asset token units per share token unit (assets / shares,
 * or a settlement's `navPerShare`), to compare with {@link sharePriceOf} before the event;
 * null for events without one: interest, corrections, requests, zero shares, redemptions
 * that pay a settled claim and deposits that claim a settled deposit (priced when settled).
 *
 * @example impliedPriceOf(state, { ...base, kind: 'deposit', owner, assets: 1_000_000n, shares: 10n ** 18n }) // 1
 */
export function impliedPriceOf(state: TreasuryState, event: LedgerEvent): number | null {
  const { assetDecimals, shareDecimals } = state.config;
  let assets: bigint;
  switch (event.kind) {
    case 'deposit':
      if (event.controller !== undefined) return null; // a claim: priced when it was settled
      assets = event.assets;
      break;
    case 'deposit_settle':
      assets = event.assets;
      break;
    case 'redeem':
      if (settledClaimOf(state, event.owner) !== undefined) return null;
      assets = event.assets;
      break;
    case 'settle':
      if (event.assets === undefined) return Number(event.navPerShare ?? 0n) / 10 ** assetDecimals;
      assets = event.assets;
      break;
    default:
      return null;
  }
  if (event.shares <= 0n) return null;
  return (Number(assets) / Number(event.shares)) * 10 ** (shareDecimals - assetDecimals);
}


/**
 * Shares minted for settled asynchronous deposits and not yet claimed (held by the vault).
 *
 * @example claimableDepositSharesOf(state) // 0n without asynchronous deposits
 */
export function claimableDepositSharesOf(state: TreasuryState): bigint {
  let shares = 0n;
  for (const d of state.deposits.values()) shares += d.claimableShares;
  return shares;
}

/**
 * Shares outstanding in holders' hands: not locked by a redemption request, not minted for a
 * settled deposit that is still unclaimed.
 *
 * @example freeSharesOf(state) // state.totalShares − state.pendingShares − claimable deposit shares
 */
export function freeSharesOf(state: TreasuryState): bigint {
  return state.totalShares - state.pendingShares - claimableDepositSharesOf(state);
}

