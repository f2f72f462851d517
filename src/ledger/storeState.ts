/**
 * Reading a ledger's deployment and books back from its tables — the same SQL for both stores
 * (DuckDB, store.ts; PostgreSQL, pgReads.ts) up to a small {@link StoreDialect}: how a time
 * becomes epoch milliseconds, an amount decimal text, and how text sorts byte-wise.
 */
import type { DuckDBValue } from '@duckdb/node-api';
import { amountOf, EVENT_COLUMNS, isoOrNull, numOrNull, parseDistribution } from './storeRows.ts';
import { UserError } from '../core/errors.ts';
import { createTreasury, treasuryConfigOf, zeroCounts, type TreasuryState } from './treasury.ts';
import { countsInNav, EVENT_KINDS, PENDING_POSITION, type Deployment, type EventKind } from './types.ts';

/** A query returning its rows as arrays. @example const rows: StoreRows = (sql) => conn.runAndReadAll(sql).then((r) => r.getRows()); */
export type StoreRows = (sql: string) => Promise<DuckDBValue[][]>;

/** A query parameter: text, an integer (as the driver takes it, see {@link StoreDialect.int}) or null. */
export type StoreParam = string | bigint | null;

/**
 * What differs between the stores' SQL for the shared reads (here and storeReads.ts).
 *
 * @example DUCKDB_DIALECT.ms('block_time') // 'epoch_ms(block_time)'
 */
export interface StoreDialect {
  /** a TIMESTAMP column as epoch milliseconds */
  ms(column: string): string;
  /** an amount column as decimal text (or the stored text itself) */
  amount(column: string): string;
  /** a text column for ORDER BY in byte order */
  order(column: string): string;
  /** the SELECT list of a whole event, in the order `rowToEvent` reads it */
  eventColumns: string;
  /** the placeholder of the `n`-th parameter (from 1) of SQL type `type` */
  param(n: number, type: 'bigint' | 'text'): string;
  /** an integer parameter as the driver takes it */
  int(x: number): StoreParam;
}

/** DuckDB: amounts are stored as decimal text, text sorts byte-wise, `?` parameters, integers as bigint. @example DUCKDB_DIALECT.amount('shares') // 'shares' */
export const DUCKDB_DIALECT: StoreDialect = { ms: (c) => `epoch_ms(${c})`, amount: (c) => c, order: (c) => c, eventColumns: EVENT_COLUMNS, param: () => '?', int: (x) => BigInt(x) };

/**
 * The recorded deployment, or null before `treasury init`.
 *
 * @example const d = await readDeployment((sql) => store.rows(sql), DUCKDB_DIALECT);
 */
export async function readDeployment(rows: StoreRows, sql: StoreDialect): Promise<Deployment | null> {
  const found = await rows(
    `SELECT chain_id, address, deployment_block, tx_hash, ${sql.ms('block_time')}, name, symbol, asset_symbol, asset_decimals, share_decimals, ${sql.ms('initialised_at')},
       asset_address, async_redeem, async_deposit, kind FROM deployment`,
  );
  if (found.length === 0) return null;
  const [chainId, address, block, txHash, blockTime, name, symbol, assetSymbol, assetDecimals, shareDecimals, initialisedAt, assetAddress, asyncRedeem, asyncDeposit, kind] = found[0];
  return {
    chainId: Number(chainId),
    address: String(address),
    deploymentBlock: Number(block),
    txHash: txHash === null ? null : String(txHash),
    blockTime: isoOrNull(blockTime),
    name: String(name),
    symbol: String(symbol),
    assetSymbol: String(assetSymbol),
    assetDecimals: Number(assetDecimals),
    shareDecimals: Number(shareDecimals),
    initialisedAt: isoOrNull(initialisedAt) ?? '',
    assetAddress: assetAddress === null ? null : String(assetAddress),
    asyncRedeem: asyncRedeem === true,
    asyncDeposit: asyncDeposit === true,
    kind: kind === 'fund' ? 'fund' : 'vault',
  };
}

/**
 * Reads the books of `d` from the snapshot tables of the last committed batch.
 *
 * @example const state = await readStoredState((sql) => store.rows(sql), DUCKDB_DIALECT, deployment, counts);
 */
export async function readStoredState(rows: StoreRows, sql: StoreDialect, d: Deployment, counts: Record<EventKind, number>): Promise<TreasuryState> {
  const state = createTreasury(treasuryConfigOf(d));
  const [t] = await rows(`SELECT last_block_scanned, ${sql.amount('total_shares')}, next_update_id, last_cycle, ${sql.ms('last_cycle_at')}, last_block_hash FROM treasury_state`);
  state.lastBlockScanned = numOrNull(t[0]);
  state.lastBlockHash = t[5] === null ? null : String(t[5]);
  state.totalShares = amountOf(t[1]);
  state.nextUpdateId = Number(t[2]);
  state.lastCycle = numOrNull(t[3]);
  state.lastCycleAt = isoOrNull(t[4]);
  const [a] = await rows(`SELECT last_correction_block, ${sql.ms('last_correction_at')} FROM accounting_state`);
  state.lastCorrectionBlock = numOrNull(a[0]);
  state.lastCorrectionAt = isoOrNull(a[1]);
  const [i] = await rows(`SELECT last_sync_block, ${sql.ms('last_sync_at')}, last_distribution FROM interest_sync`);
  state.lastInterestSyncBlock = numOrNull(i[0]);
  state.lastInterestSyncAt = isoOrNull(i[1]);
  state.lastDistribution = i[2] === null ? null : parseDistribution(String(i[2]));
  for (const [position, asset, quantity] of await rows(`SELECT position, asset, ${sql.amount('quantity')} FROM holdings ORDER BY ${sql.order('position')}, ${sql.order('asset')}`)) {
    const p = String(position);
    if (!state.holdings.has(p)) state.holdings.set(p, new Map());
    const q = amountOf(quantity);
    state.holdings.get(p)?.set(String(asset), q);
    if (countsInNav(p)) state.totalAssets += q;
    else if (p === PENDING_POSITION) state.pendingShares += q;
  }
  const redemptions = await rows(`SELECT owner, ${sql.amount('pending_shares')}, ${sql.amount('claimable_shares')}, ${sql.amount('claimable_assets')} FROM redemptions ORDER BY ${sql.order('owner')}`);
  for (const [owner, pending, claimableShares, claimableAssets] of redemptions) {
    state.redemptions.set(String(owner), { pendingShares: amountOf(pending), claimableShares: amountOf(claimableShares), claimableAssets: amountOf(claimableAssets) });
  }
  for (const [holder, shares] of await rows(`SELECT holder, ${sql.amount('shares')} FROM share_balances ORDER BY ${sql.order('holder')}`)) state.shareBalances.set(String(holder), amountOf(shares));
  const deposits = await rows(`SELECT controller, ${sql.amount('pending_assets')}, ${sql.amount('claimable_assets')}, ${sql.amount('claimable_shares')} FROM deposit_requests ORDER BY ${sql.order('controller')}`);
  for (const [controller, pending, claimableAssets, claimableShares] of deposits) {
    state.deposits.set(String(controller), { pendingAssets: amountOf(pending), claimableAssets: amountOf(claimableAssets), claimableShares: amountOf(claimableShares) });
  }
  state.counts = counts;
  state.eventsApplied = Object.values(state.counts).reduce((sum, n) => sum + n, 0);
  return state;
}

/**
 * The deployment, or a {@link UserError} naming `where` when the ledger was never initialised.
 *
 * @example const d = requireDeployment(await readDeployment(rows, DUCKDB_DIALECT), 'fund.duckdb');
 */
export function requireDeployment(d: Deployment | null, where: string): Deployment {
  if (d === null) throw new UserError({ field: '--db', value: where, message: `${where} has no deployment`, hint: 'run `capflow treasury init` first' });
  return d;
}

/**
 * Stored events per kind.
 *
 * @example const counts = await readCounts(rows); counts.deposit // 12
 */
export async function readCounts(rows: StoreRows): Promise<Record<EventKind, number>> {
  const counts = zeroCounts();
  for (const [kind, n] of await rows('SELECT kind, count(*) FROM events GROUP BY kind')) {
    if ((EVENT_KINDS as readonly string[]).includes(String(kind))) counts[String(kind) as EventKind] = Number(n);
  }
  return counts;
}

/**
 * Wall-clock time of the last sync, or null.
 *
 * @example await readLastUpdatedAt(rows, DUCKDB_DIALECT) // '2026-12-04T12:00:00.000Z'
 */
export async function readLastUpdatedAt(rows: StoreRows, sql: StoreDialect): Promise<string | null> {
  const [[ms]] = await rows(`SELECT ${sql.ms('last_updated_at')} FROM treasury_state`);
  return isoOrNull(ms);
}
