/**
 * The ledger's elementary changes and their undo log: a holding moves ({@link move}), a holder's
 * share balance changes ({@link credit}), and a refused event is rolled back ({@link rollback}).
 * Used by the book-keeping rules in ./apply.ts and ./applyInterest.ts.
 */
import { UserError } from '../core/errors.ts';
import type { TreasuryState } from './state.ts';
import { countsInNav, PENDING_POSITION, type BalanceUpdate, type LedgerEvent } from './types.ts';

/**
 * Refuses the event being applied, naming its field.
 *
 * @example refuse('assets', 'must be positive')
 */
export function refuse(field: string, message: string, hint?: string): never {
  throw new UserError({ field, message, hint });
}

/**
 * The undo log of the event being applied: every holding move (position, asset, balance before,
 * quantity) and every share balance touched (holder, balance before), newest last. Module
 * scratch, reset per event: {@link applyEvent} runs to completion without re-entering, so one
 * log serves every call, and an event's rollback needs no balance-update objects.
 */
const undo = { moves: 0, positions: [] as string[], assets: [] as string[], previous: [] as bigint[], quantities: [] as bigint[], holders: 0, holderIds: [] as string[], holderPrevious: [] as bigint[] };

/**
 * Adds `quantity` to a holding, logs it for a rollback and records the balance update in `out` (when given).
 * @example move(state, event, 'reserve', 'USDC', 10n ** 6n, updates)
 */
export function move(state: TreasuryState, event: LedgerEvent, position: string, asset: string, quantity: bigint, out: BalanceUpdate[] | null): void {
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
  if (countsInNav(position)) state.totalAssets += quantity;
  const k = undo.moves++;
  undo.positions[k] = position;
  undo.assets[k] = asset;
  undo.previous[k] = previousBalance;
  undo.quantities[k] = quantity;
  const id = state.nextUpdateId++;
  if (out === null) return;
  const valueUsd =
    event.priceUsd === undefined || position === PENDING_POSITION ? null : (Number(quantity) / 10 ** state.config.assetDecimals) * event.priceUsd;
  out.push({
    id,
    eventSeq: state.eventsApplied + 1,
    cause: event.kind,
    position,
    asset,
    quantity,
    previousBalance,
    valueUsd,
    chainId: event.chainId,
    blockNumber: event.blockNumber,
    blockHash: event.blockHash ?? null,
    txHash: event.txHash,
    logIndex: event.logIndex,
    owner: 'owner' in event ? event.owner : null,
    timestamp: event.timestamp,
    cycle: event.cycle ?? null,
    notes: event.kind === 'correction' || event.kind === 'cost' ? event.reason : (event.notes ?? null),
  });
}

/**
 * Starts the undo log of a new event.
 *
 * @example resetUndo(); move(state, event, 'reserve', 'USDC', 5n, null);
 */
export function resetUndo(): void {
  undo.moves = 0;
  undo.holders = 0;
}

/**
 * Adds `shares` (signed) to a holder's balance, logging the balance before for a rollback.
 *
 * @example credit(state, '0xabc', 10n ** 18n)
 */
export function credit(state: TreasuryState, holder: string, shares: bigint): void {
  const previous = state.shareBalances.get(holder) ?? 0n;
  const k = undo.holders++;
  undo.holderIds[k] = holder;
  undo.holderPrevious[k] = previous;
  const next = previous + shares;
  if (next === 0n) state.shareBalances.delete(holder);
  else state.shareBalances.set(holder, next);
}

/**
 * Undoes a refused event: restores the share balances it changed and reverses its holding moves (newest first).
 *
 * @example rollback(state, updates, mark)
 */
export function rollback(state: TreasuryState, out: BalanceUpdate[] | null, mark: number): void {
  // each holder back to its balance before its first change, in the order first touched
  for (let k = 0; k < undo.holders; k++) {
    const holder = undo.holderIds[k];
    if (undo.holderIds.indexOf(holder) < k) continue;
    const previous = undo.holderPrevious[k];
    if (previous === 0n) state.shareBalances.delete(holder);
    else state.shareBalances.set(holder, previous);
  }
  for (let k = undo.moves - 1; k >= 0; k--) {
    const position = undo.positions[k];
    const assets = state.holdings.get(position) ?? new Map<string, bigint>();
    if (undo.previous[k] === 0n) assets.delete(undo.assets[k]);
    else assets.set(undo.assets[k], undo.previous[k]);
    if (assets.size === 0) state.holdings.delete(position);
    else state.holdings.set(position, assets);
    if (countsInNav(position)) state.totalAssets -= undo.quantities[k];
    state.nextUpdateId--;
  }
  if (out !== null) out.length = mark;
}
