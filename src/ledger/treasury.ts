/**
 * Pure book-keeping of a vault treasury: holdings per position, share supply, redemption
 * requests and claims, interest distribution, NAV and share price. No I/O: the store
 * persists a {@link TreasuryState}, and a simulation can drive one day by day with the same
 * rules.
 *
 * Valuation: every holding is counted 1:1 in vault-asset base units (aTokens and debt tokens
 * of the vault asset); {@link navAssets} takes explicit prices for anything else. Debts are
 * negative holdings; settled-but-unclaimed redemptions are a negative holding of the
 * `claims` position. NAV (`totalAssets`) is the sum of every holding except the `pending`
 * position, which counts locked shares, and the `deposit_requests` position (assets of
 * asynchronous deposit requests not yet settled).
 */
import { CLAIMS_POSITION, DEPOSIT_REQUESTS_POSITION, type EventKind } from './types.ts';
import { claimableDepositSharesOf, holdingOf, pendingRedemptionsUsd, sharePriceOf, type InterestDistribution, type TreasuryState } from './state.ts';

export * from './state.ts';
export { applyEvent } from './apply.ts';

/**
 * The books at a glance (what `capflow treasury show` prints). Quantities are decimal strings
 * in base units; `sharePrice` is asset token units per share token unit.
 *
 * @example treasurySummary(state, 1).sharePrice // 1.0123
 */
export interface TreasurySummary {
  totalAssets: string;
  totalShares: string;
  sharePrice: number;
  pendingRedemptionShares: string;
  /** Assets owed for settled redemptions not yet claimed (base units). */
  claimableAssets: string;
  pendingRedemptionsUsd: number;
  /** Assets of asynchronous deposit requests not yet settled (base units; not in totalAssets). */
  pendingDepositAssets: string;
  /** Shares minted for settled asynchronous deposits, not yet claimed (share base units; in totalShares). */
  claimableDepositShares: string;
  holdings: { position: string; asset: string; quantity: string }[];
  /** The sync cursor (null before the first scan) and its block hash when known. */
  lastBlockScanned: number | null;
  lastBlockHash: string | null;
  /** Share balance per holder (decimal strings, share base units; locked shares excluded), by address. */
  shareBalances: { holder: string; shares: string }[];
  lastCycle: number | null;
  lastCycleAt: string | null;
  accounting: { lastCorrectionBlock: number | null; lastCorrectionAt: string | null };
  interestSync: { lastSyncAt: string | null; lastSyncBlock: number | null; lastDistribution: InterestDistribution | null };
  counts: Record<EventKind, number>;
}

/**
 * Summarises the books, valuing pending redemptions at `assetPriceUsd` per vault-asset token.
 *
 * @example const summary = treasurySummary(state, 1);
 */
export function treasurySummary(state: TreasuryState, assetPriceUsd = 1): TreasurySummary {
  const holdings = [...state.holdings]
    .flatMap(([position, assets]) => [...assets].map(([asset, quantity]) => ({ position, asset, quantity: quantity.toString() })))
    .sort((a, b) => (a.position === b.position ? (a.asset < b.asset ? -1 : 1) : a.position < b.position ? -1 : 1));
  return {
    totalAssets: state.totalAssets.toString(),
    totalShares: state.totalShares.toString(),
    sharePrice: sharePriceOf(state),
    pendingRedemptionShares: state.pendingShares.toString(),
    claimableAssets: (-holdingOf(state, CLAIMS_POSITION, state.config.assetSymbol)).toString(),
    pendingRedemptionsUsd: pendingRedemptionsUsd(state, assetPriceUsd).totalUsd,
    pendingDepositAssets: holdingOf(state, DEPOSIT_REQUESTS_POSITION, state.config.assetSymbol).toString(),
    claimableDepositShares: claimableDepositSharesOf(state).toString(),
    holdings,
    lastBlockScanned: state.lastBlockScanned,
    lastBlockHash: state.lastBlockHash,
    shareBalances: [...state.shareBalances].sort(([a], [b]) => (a < b ? -1 : 1)).map(([holder, shares]) => ({ holder, shares: shares.toString() })),
    lastCycle: state.lastCycle,
    lastCycleAt: state.lastCycleAt,
    accounting: { lastCorrectionBlock: state.lastCorrectionBlock, lastCorrectionAt: state.lastCorrectionAt },
    interestSync: { lastSyncAt: state.lastInterestSyncAt, lastSyncBlock: state.lastInterestSyncBlock, lastDistribution: state.lastDistribution },
    counts: { ...state.counts },
  };
}

