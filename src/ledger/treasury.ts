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
 * position, which counts locked shares.
 */
import { UserError } from '../core/errors.ts';
import { mulDiv, WAD } from '../core/fixedPoint.ts';
import { MAX_DECIMALS_OFFSET, previewDeposit, previewRedeem, sharePrice, type VaultTotals } from '../protocols/erc4626.ts';
import {
  CLAIMS_POSITION,
  EVENT_KINDS,
  PENDING_POSITION,
  RESERVE_POSITION,
  type BalanceUpdate,
  type Deployment,
  type EventKind,
  type InterestEvent,
  type LedgerEvent,
} from './types.ts';

/** An interest jump above this fraction of the previous balance is refused unless forced. */
export const INTEREST_JUMP_LIMIT_PCT = 0.05;
/** {@link INTEREST_JUMP_LIMIT_PCT} in basis points, for the exact bigint comparison. */
const JUMP_LIMIT_BPS = BigInt(Math.round(INTEREST_JUMP_LIMIT_PCT * 10_000));

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
  /** Events applied, by kind. */
  counts: Record<EventKind, number>;
  /** Highest block whose events are all applied (the sync cursor); −1 before any. */
  lastBlockScanned: number;
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
    counts: zeroCounts(),
    lastBlockScanned: -1,
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
    counts: { ...state.counts },
    lastDistribution: state.lastDistribution === null ? null : { ...state.lastDistribution, parts: state.lastDistribution.parts.map((p) => ({ ...p })) },
  };
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

/**
 * The NAV per whole share to post at settlement: asset base units for 10^shareDecimals
 * share base units, rounded down.
 *
 * @example quoteNavPerShare(state) // 1_000_000n at a share price of 1 (USDC)
 */
export function quoteNavPerShare(state: TreasuryState): bigint {
  return previewRedeem(10n ** BigInt(state.config.shareDecimals), vaultTotals(state));
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
    if (position === PENDING_POSITION) continue;
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

/** The owner's settled, unclaimed redemption, if any (a `redeem` of this owner pays it). */
function settledClaimOf(state: TreasuryState, owner: string): OwnerRedemption | undefined {
  const r = state.redemptions.get(owner);
  return r !== undefined && (r.claimableShares > 0n || r.claimableAssets > 0n) ? r : undefined;
}

/**
 * The price an event implies, in asset token units per share token unit (assets / shares,
 * or a settlement's `navPerShare`), to compare with {@link sharePriceOf} before the event;
 * null for events without one: interest, corrections, requests, zero shares, and redemptions
 * that pay a settled claim (priced when they were settled).
 *
 * @example impliedPriceOf(state, { ...base, kind: 'deposit', owner, assets: 1_000_000n, shares: 10n ** 18n }) // 1
 */
export function impliedPriceOf(state: TreasuryState, event: LedgerEvent): number | null {
  const { assetDecimals, shareDecimals } = state.config;
  let assets: bigint;
  switch (event.kind) {
    case 'deposit':
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

/** Refuses a deposit or redemption that does not move a positive amount of both assets and shares. */
function requirePositiveAmounts(event: { kind: EventKind; assets: bigint; shares: bigint }): void {
  requirePositive(event.kind, 'assets', event.assets);
  requirePositive(event.kind, 'shares', event.shares);
}

function requirePositive(kind: EventKind, field: string, amount: bigint): void {
  if (amount <= 0n) refuse(field, `must be > 0 in a ${kind}, got ${amount}`, 'a deposit or redemption moves both assets and shares');
}

function ownerOf(state: TreasuryState, owner: string): OwnerRedemption {
  let r = state.redemptions.get(owner);
  if (r === undefined) {
    r = { pendingShares: 0n, claimableShares: 0n, claimableAssets: 0n };
    state.redemptions.set(owner, r);
  }
  return r;
}

function dropIfSettled(state: TreasuryState, owner: string, r: OwnerRedemption): void {
  if (r.pendingShares === 0n && r.claimableShares === 0n && r.claimableAssets === 0n) state.redemptions.delete(owner);
}

function refuse(field: string, message: string, hint?: string): never {
  throw new UserError({ field, message, hint });
}

/** Adds `quantity` to a holding and records the balance update. */
function move(state: TreasuryState, event: LedgerEvent, position: string, asset: string, quantity: bigint, out: BalanceUpdate[]): void {
  let assets = state.holdings.get(position);
  if (assets === undefined) {
    assets = new Map();
    state.holdings.set(position, assets);
  }
  const previousBalance = assets.get(asset) ?? 0n;
  const next = previousBalance + quantity;
  if (next === 0n) assets.delete(asset);
  else assets.set(asset, next);
  if (assets.size === 0) state.holdings.delete(position);
  if (position !== PENDING_POSITION) state.totalAssets += quantity;
  const valueUsd =
    event.priceUsd === undefined || position === PENDING_POSITION ? null : (Number(quantity) / 10 ** state.config.assetDecimals) * event.priceUsd;
  out.push({
    id: state.nextUpdateId++,
    eventSeq: state.eventsApplied + 1,
    cause: event.kind,
    position,
    asset,
    quantity,
    previousBalance,
    valueUsd,
    chainId: event.chainId,
    blockNumber: event.blockNumber,
    txHash: event.txHash,
    logIndex: event.logIndex,
    owner: 'owner' in event ? event.owner : null,
    timestamp: event.timestamp,
    cycle: event.cycle ?? null,
    notes: event.kind === 'correction' || event.kind === 'cost' ? event.reason : (event.notes ?? null),
  });
}

function payFromReserve(state: TreasuryState, event: LedgerEvent, assets: bigint, out: BalanceUpdate[]): void {
  const cash = holdingOf(state, RESERVE_POSITION, state.config.assetSymbol);
  if (assets > cash) refuse('assets', `pays ${assets} but the reserve holds ${cash} ${state.config.assetSymbol} base units`, 'record the cash that came back to the reserve first (a correction)');
  move(state, event, RESERVE_POSITION, state.config.assetSymbol, -assets, out);
}

/**
 * Shares outstanding and not locked by a redemption request.
 *
 * @example freeSharesOf(state) // state.totalShares − state.pendingShares
 */
export function freeSharesOf(state: TreasuryState): bigint {
  return state.totalShares - state.pendingShares;
}

/** Interest: spreads the change of a rebasing token's balance over the positions holding it. */
function applyInterest(state: TreasuryState, event: InterestEvent, out: BalanceUpdate[]): void {
  const holders: { position: string; quantity: bigint }[] = [];
  let total = 0n;
  for (const [position, assets] of state.holdings) {
    if (position === PENDING_POSITION || position === CLAIMS_POSITION) continue;
    const quantity = assets.get(event.asset);
    if (quantity === undefined) continue;
    holders.push({ position, quantity });
    total += quantity;
  }
  if (holders.length === 0) refuse('asset', `no position holds ${event.asset}`, 'record the holding with a correction before its interest');
  const negative = total < 0n;
  if (holders.some((h) => h.quantity < 0n !== negative)) refuse('asset', `positions hold ${event.asset} with mixed signs`, 'a token is either held (positive) or owed (negative)');
  const newBalance = negative ? -event.balance : event.balance;
  const interest = newBalance - total;
  const absInterest = interest < 0n ? -interest : interest;
  const absTotal = negative ? -total : total;
  if (absInterest * 10_000n > absTotal * JUMP_LIMIT_BPS && event.force !== true) {
    const pct = absTotal === 0n ? 'inf' : ((Number(absInterest) / Number(absTotal)) * 100).toFixed(2);
    refuse('balance', `${event.asset} jumps from ${total} to ${newBalance} (${pct}%), above the ${INTEREST_JUMP_LIMIT_PCT * 100}% limit`, 'check the balance, or add "force": true to accept it');
  }
  // Pro rata, truncated; the remainder goes to the largest holder (ties: smallest position id).
  holders.sort((a, b) => (a.position < b.position ? -1 : 1));
  const parts = holders.map((h) => ({ position: h.position, quantity: (interest * h.quantity) / total }));
  let largest = 0;
  for (let i = 1; i < holders.length; i++) if (abs(holders[i].quantity) > abs(holders[largest].quantity)) largest = i;
  parts[largest].quantity += interest - parts.reduce((s, p) => s + p.quantity, 0n);
  for (const part of parts) if (part.quantity !== 0n) move(state, event, part.position, event.asset, part.quantity, out);
  state.lastInterestSyncAt = event.timestamp;
  state.lastInterestSyncBlock = event.blockNumber;
  state.lastDistribution = { asset: event.asset, previousBalance: total, newBalance, interest, parts };
}

function abs(x: bigint): bigint {
  return x < 0n ? -x : x;
}

/**
 * Applies one event to the books (in place) and appends its balance updates to `out`.
 * Refuses, with a {@link UserError} naming the event field and leaving `state` unchanged,
 * anything that would break the books: paying more than the reserve holds, redeeming or
 * locking more shares than are free, settling more than an owner locked, an interest jump
 * above 5% without `force`, a negative NAV or reserve, a deposit or redemption with zero or
 * negative assets or shares.
 *
 * @example const updates: BalanceUpdate[] = []; applyEvent(state, { ...base, kind: 'deposit', owner, assets: 10n ** 9n, shares: 10n ** 21n }, updates);
 */
export function applyEvent(state: TreasuryState, event: LedgerEvent, out: BalanceUpdate[]): void {
  const asset = state.config.assetSymbol;
  const mark = out.length;
  const before = snapshotScalars(state);
  try {
    switch (event.kind) {
      case 'deposit':
        requirePositiveAmounts(event);
        move(state, event, RESERVE_POSITION, asset, event.assets, out);
        state.totalShares += event.shares;
        break;
      case 'redeem': {
        const claim = settledClaimOf(state, event.owner);
        requirePositive(event.kind, 'shares', event.shares);
        // A settled claim may be worth 0 assets (a tiny redemption rounded down): paying it out moves none.
        if (claim === undefined || event.assets !== 0n || claim.claimableAssets !== 0n) requirePositive(event.kind, 'assets', event.assets);
        if (claim !== undefined) {
          if (event.shares > claim.claimableShares) refuse('shares', `claims ${event.shares} shares but ${event.owner} has ${claim.claimableShares} settled`);
          if (event.assets > claim.claimableAssets) refuse('assets', `claims ${event.assets} but ${event.owner} is owed ${claim.claimableAssets}`);
          payFromReserve(state, event, event.assets, out);
          move(state, event, CLAIMS_POSITION, asset, event.assets, out);
          claim.claimableShares -= event.shares;
          claim.claimableAssets -= event.assets;
          dropIfSettled(state, event.owner, claim);
        } else {
          if (event.shares > freeSharesOf(state)) refuse('shares', `redeems ${event.shares} shares but only ${freeSharesOf(state)} are outstanding and not locked`);
          payFromReserve(state, event, event.assets, out);
          state.totalShares -= event.shares;
        }
        break;
      }
      case 'redeem_request': {
        if (event.shares > freeSharesOf(state)) refuse('shares', `locks ${event.shares} shares but only ${freeSharesOf(state)} are outstanding and not locked`);
        move(state, event, PENDING_POSITION, state.config.shareSymbol, event.shares, out);
        state.pendingShares += event.shares;
        ownerOf(state, event.owner).pendingShares += event.shares;
        break;
      }
      case 'settle': {
        const r = ownerOf(state, event.owner);
        if (event.shares > r.pendingShares) {
          dropIfSettled(state, event.owner, r);
          refuse('shares', `settles ${event.shares} shares but ${event.owner} has ${r.pendingShares} locked`);
        }
        const assets = event.assets ?? mulDiv(event.shares, event.navPerShare ?? 0n, 10n ** BigInt(state.config.shareDecimals), 'floor');
        if (assets > state.totalAssets) {
          dropIfSettled(state, event.owner, r);
          refuse(event.assets === undefined ? 'navPerShare' : 'assets', `settles for ${assets} but total assets are ${state.totalAssets}`);
        }
        move(state, event, PENDING_POSITION, state.config.shareSymbol, -event.shares, out);
        move(state, event, CLAIMS_POSITION, asset, -assets, out);
        state.pendingShares -= event.shares;
        state.totalShares -= event.shares;
        r.pendingShares -= event.shares;
        r.claimableShares += event.shares;
        r.claimableAssets += assets;
        dropIfSettled(state, event.owner, r);
        break;
      }
      case 'interest':
        applyInterest(state, event, out);
        break;
      case 'fee':
        requirePositive(event.kind, 'shares', event.shares);
        state.totalShares += event.shares; // minted without assets: dilutes every holder
        break;
      case 'cost': {
        requirePositive(event.kind, 'quantity', event.quantity);
        const position = event.position ?? RESERVE_POSITION;
        if (position === PENDING_POSITION || position === CLAIMS_POSITION) refuse('position', `"${position}" is kept by the ledger itself`, 'pay costs from the reserve or a position id');
        if (holdingOf(state, position, event.asset) < event.quantity) refuse('quantity', `pays ${event.quantity} but ${position} holds ${holdingOf(state, position, event.asset)} ${event.asset} base units`);
        move(state, event, position, event.asset, -event.quantity, out);
        break;
      }
      case 'correction': {
        const position = event.position ?? RESERVE_POSITION;
        if (position === PENDING_POSITION || position === CLAIMS_POSITION) refuse('position', `"${position}" is kept by the ledger itself`, 'correct the reserve or a position id');
        if (position === RESERVE_POSITION && holdingOf(state, position, event.asset) + event.quantity < 0n) {
          refuse('quantity', `would leave the reserve with ${holdingOf(state, position, event.asset) + event.quantity} ${event.asset} base units`);
        }
        move(state, event, position, event.asset, event.quantity, out);
        state.lastCorrectionBlock = event.blockNumber;
        state.lastCorrectionAt = event.timestamp;
        break;
      }
    }
    if (state.totalAssets < 0n) refuse(event.kind === 'correction' || event.kind === 'cost' ? 'quantity' : event.kind === 'interest' ? 'balance' : 'assets', `would make total assets negative (${state.totalAssets})`);
  } catch (e) {
    rollback(state, before, out, mark);
    throw e;
  }
  state.counts[event.kind] += 1;
  state.eventsApplied += 1;
  if (event.cycle !== undefined && (state.lastCycle === null || event.cycle >= state.lastCycle)) {
    state.lastCycle = event.cycle;
    state.lastCycleAt = event.timestamp;
  }
}

type Scalars = Pick<TreasuryState, 'totalShares' | 'pendingShares' | 'lastCorrectionBlock' | 'lastCorrectionAt' | 'lastInterestSyncAt' | 'lastInterestSyncBlock' | 'lastDistribution'>;

function snapshotScalars(state: TreasuryState): Scalars {
  const { totalShares, pendingShares, lastCorrectionBlock, lastCorrectionAt, lastInterestSyncAt, lastInterestSyncBlock, lastDistribution } = state;
  return { totalShares, pendingShares, lastCorrectionBlock, lastCorrectionAt, lastInterestSyncAt, lastInterestSyncBlock, lastDistribution };
}

/** Undoes a refused event: reverses its holding moves (newest first) and restores the scalars. */
function rollback(state: TreasuryState, before: Scalars, out: BalanceUpdate[], mark: number): void {
  for (let i = out.length - 1; i >= mark; i--) {
    const u = out[i];
    const assets = state.holdings.get(u.position) ?? new Map<string, bigint>();
    if (u.previousBalance === 0n) assets.delete(u.asset);
    else assets.set(u.asset, u.previousBalance);
    if (assets.size === 0) state.holdings.delete(u.position);
    else state.holdings.set(u.position, assets);
    if (u.position !== PENDING_POSITION) state.totalAssets -= u.quantity;
    state.nextUpdateId--;
  }
  out.length = mark;
  Object.assign(state, before);
}

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
  holdings: { position: string; asset: string; quantity: string }[];
  lastBlockScanned: number;
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
    holdings,
    lastBlockScanned: state.lastBlockScanned,
    lastCycle: state.lastCycle,
    lastCycleAt: state.lastCycleAt,
    accounting: { lastCorrectionBlock: state.lastCorrectionBlock, lastCorrectionAt: state.lastCorrectionAt },
    interestSync: { lastSyncAt: state.lastInterestSyncAt, lastSyncBlock: state.lastInterestSyncBlock, lastDistribution: state.lastDistribution },
    counts: { ...state.counts },
  };
}
