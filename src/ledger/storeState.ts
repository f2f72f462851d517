/**
 * The books as the DuckDB store keeps them: a {@link TreasuryState} read back from the snapshot
 * tables (state, holdings, redemptions, share balances, deposit requests) of the last
 * committed batch. Used by store.ts.
 */
import type { DuckDBValue } from '@duckdb/node-api';
import { amountOf, isoOrNull, numOrNull, parseDistribution } from './storeRows.ts';
import { createTreasury, treasuryConfigOf, type TreasuryState } from './treasury.ts';
import { countsInNav, PENDING_POSITION, type Deployment, type EventKind } from './types.ts';

/**
 * Reads the books of `d` from the snapshot tables through `rows` (a query returning row arrays).
 *
 * @example const state = await readStoredState((sql) => conn.runAndReadAll(sql).then((r) => r.getRows()), deployment, counts);
 */
export async function readStoredState(rows: (sql: string) => Promise<DuckDBValue[][]>, d: Deployment, counts: Record<EventKind, number>): Promise<TreasuryState> {
  const state = createTreasury(treasuryConfigOf(d));
  const [t] = await rows('SELECT last_block_scanned, total_shares, next_update_id, last_cycle, epoch_ms(last_cycle_at), last_block_hash FROM treasury_state');
  state.lastBlockScanned = numOrNull(t[0]);
  state.lastBlockHash = t[5] === null ? null : String(t[5]);
  state.totalShares = amountOf(t[1]);
  state.nextUpdateId = Number(t[2]);
  state.lastCycle = numOrNull(t[3]);
  state.lastCycleAt = isoOrNull(t[4]);
  const [a] = await rows('SELECT last_correction_block, epoch_ms(last_correction_at) FROM accounting_state');
  state.lastCorrectionBlock = numOrNull(a[0]);
  state.lastCorrectionAt = isoOrNull(a[1]);
  const [i] = await rows('SELECT last_sync_block, epoch_ms(last_sync_at), last_distribution FROM interest_sync');
  state.lastInterestSyncBlock = numOrNull(i[0]);
  state.lastInterestSyncAt = isoOrNull(i[1]);
  state.lastDistribution = i[2] === null ? null : parseDistribution(String(i[2]));
  for (const [position, asset, quantity] of await rows('SELECT position, asset, quantity FROM holdings ORDER BY position, asset')) {
    const p = String(position);
    if (!state.holdings.has(p)) state.holdings.set(p, new Map());
    const q = amountOf(quantity);
    state.holdings.get(p)?.set(String(asset), q);
    if (countsInNav(p)) state.totalAssets += q;
    else if (p === PENDING_POSITION) state.pendingShares += q;
  }
  for (const [owner, pending, claimableShares, claimableAssets] of await rows('SELECT * FROM redemptions ORDER BY owner')) {
    state.redemptions.set(String(owner), { pendingShares: amountOf(pending), claimableShares: amountOf(claimableShares), claimableAssets: amountOf(claimableAssets) });
  }
  for (const [holder, shares] of await rows('SELECT holder, shares FROM share_balances ORDER BY holder')) state.shareBalances.set(String(holder), amountOf(shares));
  for (const [controller, pending, claimableAssets, claimableShares] of await rows('SELECT controller, pending_assets, claimable_assets, claimable_shares FROM deposit_requests ORDER BY controller')) {
    state.deposits.set(String(controller), { pendingAssets: amountOf(pending), claimableAssets: amountOf(claimableAssets), claimableShares: amountOf(claimableShares) });
  }
  state.counts = counts;
  state.eventsApplied = Object.values(state.counts).reduce((sum, n) => sum + n, 0);
  return state;
}
