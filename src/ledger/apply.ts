/**
 * Applying one event to the books: the book-keeping rules of deposits, redemptions, requests,
 * settlements, interest, fees, costs, share transfers and corrections. A refused event
 * leaves the books as they were.
 */
import { mulDiv } from '../core/fixedPoint.ts';
import { applyInterest } from './applyInterest.ts';
import { credit, move, refuse, resetUndo, rollback } from './applyMoves.ts';
import { freeSharesOf, holdingOf, settledClaimOf, type OwnerDeposit, type OwnerRedemption, type TreasuryState } from './state.ts';
import {
  CLAIMS_POSITION,
  DEPOSIT_REQUESTS_POSITION,
  LEDGER_POSITIONS,
  PENDING_POSITION,
  RESERVE_POSITION,
  type BalanceUpdate,
  type DepositEvent,
  type EventKind,
  type LedgerEvent,
} from './types.ts';

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

function depositOf(state: TreasuryState, owner: string): OwnerDeposit {
  let d = state.deposits.get(owner);
  if (d === undefined) {
    d = { pendingAssets: 0n, claimableAssets: 0n, claimableShares: 0n };
    state.deposits.set(owner, d);
  }
  return d;
}

function dropIfDone(state: TreasuryState, owner: string, d: OwnerDeposit): void {
  if (d.pendingAssets === 0n && d.claimableAssets === 0n && d.claimableShares === 0n) state.deposits.delete(owner);
}

/** The claim of a settled asynchronous deposit: `controller`'s minted shares move to the receiver (`owner`). */
function claimDeposit(state: TreasuryState, event: DepositEvent & { controller: string }): void {
  const d = state.deposits.get(event.controller);
  const claimableShares = d?.claimableShares ?? 0n;
  const claimableAssets = d?.claimableAssets ?? 0n;
  if (d === undefined || (claimableShares === 0n && claimableAssets === 0n)) refuse('controller', `${event.controller} has no settled deposit to claim`, 'book the deposit_request and deposit_settle first');
  if (event.shares > claimableShares) refuse('shares', `claims ${event.shares} shares but ${event.controller} has ${claimableShares} settled`);
  if (event.assets > claimableAssets) refuse('assets', `claims ${event.assets} but ${event.controller} settled ${claimableAssets}`);
  d.claimableShares -= event.shares;
  d.claimableAssets -= event.assets;
  dropIfDone(state, event.controller, d);
  credit(state, event.owner, event.shares);
}

function dropIfSettled(state: TreasuryState, owner: string, r: OwnerRedemption): void {
  if (r.pendingShares === 0n && r.claimableShares === 0n && r.claimableAssets === 0n) state.redemptions.delete(owner);
}

function payFromReserve(state: TreasuryState, event: LedgerEvent, assets: bigint, out: BalanceUpdate[] | null): void {
  const cash = holdingOf(state, RESERVE_POSITION, state.config.assetSymbol);
  if (assets > cash) refuse('assets', `pays ${assets} but the reserve holds ${cash} ${state.config.assetSymbol} base units`, 'record the cash that came back to the reserve first (a correction)');
  move(state, event, RESERVE_POSITION, state.config.assetSymbol, -assets, out);
}

/** 10^k for the decimals of a token (computed once each: settlements run for every redemption of every run). */
const POW10: bigint[] = [];
function pow10(k: number): bigint {
  return (POW10[k] ??= 10n ** BigInt(k));
}

/** Counts an applied event: the kinds a simulated fund books most through named fields (monomorphic), the others by key. */
function countEvent(counts: Record<EventKind, number>, kind: EventKind): void {
  switch (kind) {
    case 'interest':
      counts.interest += 1;
      return;
    case 'correction':
      counts.correction += 1;
      return;
    case 'cost':
      counts.cost += 1;
      return;
    case 'deposit':
      counts.deposit += 1;
      return;
    default:
      counts[kind] += 1;
  }
}

/**
 * Applies one event to the books (in place) and appends its balance updates to `out` (pass
 * null when they are not wanted: the books come out the same, and no update is built).
 * Refuses, with a {@link UserError} naming the event field and leaving `state` unchanged,
 * anything that would break the books: paying more than the reserve holds, redeeming or
 * locking more shares than are free, settling more than an owner locked, an interest jump
 * above 5% without `force`, a negative NAV or reserve, a deposit or redemption with zero or
 * negative assets or shares, a transfer of no shares or to the sender. Share balances per
 * holder follow deposits, redemptions, requests, fees and transfers.
 *
 * @example const updates: BalanceUpdate[] = []; applyEvent(state, { ...base, kind: 'deposit', owner, assets: 10n ** 9n, shares: 10n ** 21n }, updates);
 */
export function applyEvent(state: TreasuryState, event: LedgerEvent, out: BalanceUpdate[] | null): void {
  const asset = state.config.assetSymbol;
  const mark = out === null ? 0 : out.length;
  const { totalShares, pendingShares, lastCorrectionBlock, lastCorrectionAt, lastInterestSyncAt, lastInterestSyncBlock, lastDistribution } = state;
  resetUndo();
  try {
    switch (event.kind) {
      case 'deposit':
        if (event.controller !== undefined) {
          claimDeposit(state, event as DepositEvent & { controller: string });
          break;
        }
        requirePositiveAmounts(event);
        move(state, event, RESERVE_POSITION, asset, event.assets, out);
        state.totalShares += event.shares;
        credit(state, event.owner, event.shares);
        break;
      case 'deposit_request':
        requirePositive(event.kind, 'assets', event.assets);
        move(state, event, DEPOSIT_REQUESTS_POSITION, asset, event.assets, out);
        depositOf(state, event.owner).pendingAssets += event.assets;
        break;
      case 'deposit_settle': {
        requirePositive(event.kind, 'assets', event.assets);
        if (event.shares < 0n) refuse('shares', `must be >= 0 in a deposit_settle, got ${event.shares}`);
        const pending = state.deposits.get(event.owner)?.pendingAssets ?? 0n;
        if (event.assets > pending) refuse('assets', `settles ${event.assets} but ${event.owner} has ${pending} requested`, 'book the deposit_request first');
        move(state, event, DEPOSIT_REQUESTS_POSITION, asset, -event.assets, out);
        move(state, event, RESERVE_POSITION, asset, event.assets, out);
        state.totalShares += event.shares; // minted to the vault, claimable by the controller
        const d = depositOf(state, event.owner);
        d.pendingAssets -= event.assets;
        d.claimableAssets += event.assets;
        d.claimableShares += event.shares;
        dropIfDone(state, event.owner, d);
        break;
      }
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
          credit(state, event.owner, -event.shares);
        }
        break;
      }
      case 'redeem_request': {
        if (event.shares > freeSharesOf(state)) refuse('shares', `locks ${event.shares} shares but only ${freeSharesOf(state)} are outstanding and not locked`);
        move(state, event, PENDING_POSITION, state.config.shareSymbol, event.shares, out);
        state.pendingShares += event.shares;
        ownerOf(state, event.owner).pendingShares += event.shares;
        credit(state, event.owner, -event.shares);
        break;
      }
      case 'settle': {
        const r = ownerOf(state, event.owner);
        if (event.shares > r.pendingShares) {
          dropIfSettled(state, event.owner, r);
          refuse('shares', `settles ${event.shares} shares but ${event.owner} has ${r.pendingShares} locked`);
        }
        const assets = event.assets ?? mulDiv(event.shares, event.navPerShare ?? 0n, pow10(state.config.shareDecimals), 'floor');
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
        credit(state, event.owner, event.shares);
        break;
      case 'transfer':
        if (event.shares <= 0n) refuse('shares', `must be > 0 in a transfer, got ${event.shares}`);
        if (event.from === event.to) refuse('to', `is the sender ${event.from}`, 'a transfer moves shares between two holders');
        credit(state, event.from, -event.shares);
        credit(state, event.to, event.shares);
        break;
      case 'cost': {
        requirePositive(event.kind, 'quantity', event.quantity);
        const position = event.position ?? RESERVE_POSITION;
        if (LEDGER_POSITIONS.includes(position)) refuse('position', `"${position}" is kept by the ledger itself`, 'pay costs from the reserve or a position id');
        if (holdingOf(state, position, event.asset) < event.quantity) refuse('quantity', `pays ${event.quantity} but ${position} holds ${holdingOf(state, position, event.asset)} ${event.asset} base units`);
        move(state, event, position, event.asset, -event.quantity, out);
        break;
      }
      case 'correction': {
        const position = event.position ?? RESERVE_POSITION;
        if (LEDGER_POSITIONS.includes(position)) refuse('position', `"${position}" is kept by the ledger itself`, 'correct the reserve or a position id');
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
    rollback(state, out, mark);
    Object.assign(state, { totalShares, pendingShares, lastCorrectionBlock, lastCorrectionAt, lastInterestSyncAt, lastInterestSyncBlock, lastDistribution });
    throw e;
  }
  countEvent(state.counts, event.kind);
  state.eventsApplied += 1;
  if (event.cycle !== undefined && (state.lastCycle === null || event.cycle >= state.lastCycle)) {
    state.lastCycle = event.cycle;
    state.lastCycleAt = event.timestamp;
  }
}
