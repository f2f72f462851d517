/**
 * Interest on the books: the change of a rebasing token's balance spread over the positions
 * holding it, pro rata (the remainder to the largest holder), refused above the jump limit.
 */
import { JUMP_LIMIT_BPS, INTEREST_JUMP_LIMIT_PCT, type TreasuryState } from './state.ts';
import { move, refuse } from './applyMoves.ts';
import { LEDGER_POSITIONS, type BalanceUpdate, type InterestEvent } from './types.ts';

/** Refuses an interest event whose change is above the jump limit (unless forced). */
function checkJump(event: InterestEvent, total: bigint, newBalance: bigint, interest: bigint, negative: boolean): void {
  const absInterest = interest < 0n ? -interest : interest;
  const absTotal = negative ? -total : total;
  if (absInterest * 10_000n > absTotal * JUMP_LIMIT_BPS && event.force !== true) {
    const pct = absTotal === 0n ? 'inf' : ((Number(absInterest) / Number(absTotal)) * 100).toFixed(2);
    refuse('balance', `${event.asset} jumps from ${total} to ${newBalance} (${pct}%), above the ${INTEREST_JUMP_LIMIT_PCT * 100}% limit`, 'check the balance, or add "force": true to accept it');
  }
}

/**
 * Interest: spreads the change of a rebasing token's balance over the positions holding it.
 *
 * @example applyInterest(state, { ...base, kind: 'interest', asset: 'aUSDC', balance: 1_000_500n }, null)
 */
export function applyInterest(state: TreasuryState, event: InterestEvent, out: BalanceUpdate[] | null): void {
  // One position holding the token (a venue's own position token) is the common case: it takes the whole change.
  let only: string | null = null;
  let onlyQuantity = 0n;
  let count = 0;
  for (const position of state.holdings.keys()) {
    const quantity = state.holdings.get(position)?.get(event.asset);
    if (quantity === undefined || LEDGER_POSITIONS.includes(position)) continue;
    if (count++ === 0) {
      only = position;
      onlyQuantity = quantity;
    } else break;
  }
  if (count === 1 && only !== null && onlyQuantity !== 0n) return applySoleInterest(state, event, only, onlyQuantity, out);
  const holders: { position: string; quantity: bigint }[] = [];
  let total = 0n;
  for (const [position, assets] of state.holdings) {
    if (LEDGER_POSITIONS.includes(position)) continue;
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
  checkJump(event, total, newBalance, interest, negative);
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

/**
 * {@link applyInterest} with one holder: the same books as the pro-rata split (the one part
 * is `interest · q / q + 0` = the whole change), without the holder list, sort and sums.
 */
function applySoleInterest(state: TreasuryState, event: InterestEvent, position: string, total: bigint, out: BalanceUpdate[] | null): void {
  const negative = total < 0n;
  const newBalance = negative ? -event.balance : event.balance;
  const interest = newBalance - total;
  checkJump(event, total, newBalance, interest, negative);
  if (interest !== 0n) move(state, event, position, event.asset, interest, out);
  state.lastInterestSyncAt = event.timestamp;
  state.lastInterestSyncBlock = event.blockNumber;
  state.lastDistribution = { asset: event.asset, previousBalance: total, newBalance, interest, parts: [{ position, quantity: interest }] };
}

function abs(x: bigint): bigint {
  return x < 0n ? -x : x;
}
