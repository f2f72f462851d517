/**
 * Rows of the ledger store and the values in them: events and balance updates written value
 * by value to a {@link RowSink} (a staged CSV file, storeCsv.ts) and read back, token amounts
 * as decimal strings (any uint256), times as TIMESTAMP.
 */
import type { DuckDBValue } from '@duckdb/node-api';
import type { InterestDistribution, TreasuryState } from './state.ts';
import type { BalanceUpdate, CorrectionEvent, DepositEvent, EventKind, InterestEvent, LedgerEvent, SettleEvent, TransferEvent } from './types.ts';

/** Milliseconds since the epoch of an ISO-8601 time. @example toMs('1970-01-01T00:00:01Z') // 1000n */
export function toMs(iso: string): bigint {
  return BigInt(Date.parse(iso));
}

/** An ISO time or null as epoch ms. @example msOrNull(null) // null */
export function msOrNull(iso: string | null): bigint | null {
  return iso === null ? null : toMs(iso);
}

/** Epoch ms from the database as ISO-8601 UTC, or null. @example isoOrNull(0n) // '1970-01-01T00:00:00.000Z' */
export function isoOrNull(ms: DuckDBValue): string | null {
  return ms === null ? null : new Date(Number(ms)).toISOString();
}

/** A number or null. @example numOrNull(5n) // 5 */
export function numOrNull(v: DuckDBValue): number | null {
  return v === null ? null : Number(v);
}

/** A stored amount (decimal string) as bigint. @example amountOf('12') // 12n */
export function amountOf(v: DuckDBValue): bigint {
  return BigInt(String(v));
}

/** Columns of `events` in {@link rowToEvent}'s order. */
export const EVENT_COLUMNS =
  'kind, chain_id, block_number, tx_hash, log_index, epoch_ms(timestamp), owner, assets, shares, nav_per_share, asset, balance, force, quantity, reason, position, cycle, price_usd, notes, block_hash, from_address, to_address, controller';

/** Every optional field of any event kind. */
type EventFields = Partial<Omit<DepositEvent, 'kind'> & Omit<SettleEvent, 'kind'> & Omit<InterestEvent, 'kind'> & Omit<CorrectionEvent, 'kind' | 'reason'> & Omit<TransferEvent, 'kind'>> & { reason?: string };

/**
 * Where a row's values go, one after another in the table's column order, then `endRow`.
 *
 * @example sink.appendVarchar('reserve'); sink.appendNull(); sink.endRow();
 */
export interface RowSink {
  appendVarchar(value: string): void;
  appendNull(): void;
  /** A safe integer, into an INTEGER or BIGINT column. */
  appendInteger(value: number): void;
  appendDouble(value: number): void;
  appendBoolean(value: boolean): void;
  endRow(): void;
}

function appendVarcharOrNull(a: RowSink, value: string | undefined): void {
  if (value === undefined) a.appendNull();
  else a.appendVarchar(value);
}

function appendAmountOrNull(a: RowSink, value: bigint | undefined): void {
  if (value === undefined) a.appendNull();
  else a.appendVarchar(value.toString());
}

/**
 * Appends an event as a row of `events` (columns in table order) with sequence number `seq`.
 *
 * @example appendEvent(sink, event, 1); sink.endRow();
 */
export function appendEvent(a: RowSink, e: LedgerEvent, seq: number): void {
  const f = e as EventFields;
  a.appendInteger(seq);
  a.appendInteger(e.chainId);
  a.appendVarchar(e.txHash);
  a.appendInteger(e.logIndex);
  a.appendInteger(e.blockNumber);
  a.appendVarchar(e.timestamp); // canonical ISO-8601 UTC with milliseconds: DuckDB reads it into the TIMESTAMP exactly
  a.appendVarchar(e.kind);
  appendVarcharOrNull(a, f.owner);
  appendAmountOrNull(a, f.assets);
  appendAmountOrNull(a, f.shares);
  appendAmountOrNull(a, f.navPerShare);
  appendVarcharOrNull(a, f.asset);
  appendAmountOrNull(a, f.balance);
  if (f.force === undefined) a.appendNull();
  else a.appendBoolean(f.force);
  appendAmountOrNull(a, f.quantity);
  appendVarcharOrNull(a, f.reason);
  appendVarcharOrNull(a, f.position);
  if (f.cycle === undefined) a.appendNull();
  else a.appendInteger(f.cycle);
  if (f.priceUsd === undefined) a.appendNull();
  else a.appendDouble(f.priceUsd);
  appendVarcharOrNull(a, f.notes);
  appendVarcharOrNull(a, e.blockHash);
  appendVarcharOrNull(a, f.from);
  appendVarcharOrNull(a, f.to);
  appendVarcharOrNull(a, f.controller);
}

const AMOUNT_FIELDS = new Set(['assets', 'shares', 'navPerShare', 'balance', 'quantity']);

/**
 * A stored row (selected with {@link EVENT_COLUMNS}) back to the event; absent fields stay absent.
 *
 * @example const events = rows.map(rowToEvent);
 */
export function rowToEvent(row: DuckDBValue[]): LedgerEvent {
  const [kind, chainId, block, txHash, logIndex, ms, owner, assets, shares, navPerShare, asset, balance, force, quantity, reason, position, cycle, priceUsd, notes, blockHash, from, to, controller] = row;
  const e: Record<string, unknown> = {
    kind: String(kind),
    chainId: Number(chainId),
    blockNumber: Number(block),
    txHash: String(txHash),
    logIndex: Number(logIndex),
    timestamp: new Date(Number(ms)).toISOString(),
  };
  const optional: Record<string, unknown> = { blockHash, owner, controller, from, to, assets, shares, navPerShare, asset, balance, force, quantity, reason, position, priceUsd, notes };
  for (const [key, value] of Object.entries(optional)) if (value !== null) e[key] = AMOUNT_FIELDS.has(key) ? amountOf(value as DuckDBValue) : value;
  if (cycle !== null) e.cycle = Number(cycle);
  return e as unknown as LedgerEvent;
}

/**
 * Appends a balance update as a row of `balance_updates`.
 *
 * @example appendUpdate(sink, update); sink.endRow();
 */
export function appendUpdate(a: RowSink, u: BalanceUpdate): void {
  a.appendInteger(u.id);
  a.appendInteger(u.eventSeq);
  a.appendVarchar(u.cause);
  a.appendVarchar(u.position);
  a.appendVarchar(u.asset);
  a.appendVarchar(u.quantity.toString());
  a.appendVarchar(u.previousBalance.toString());
  if (u.valueUsd === null) a.appendNull();
  else a.appendDouble(u.valueUsd);
}

/**
 * The stored text of an interest distribution back to data.
 *
 * @example parseDistribution('{"asset":"aUSDC","previousBalance":"1","newBalance":"2","interest":"1","parts":[]}').interest // 1n
 */
export function parseDistribution(text: string): InterestDistribution {
  const d = JSON.parse(text) as { asset: string; previousBalance: string; newBalance: string; interest: string; parts: { position: string; quantity: string }[] };
  return {
    asset: d.asset,
    previousBalance: BigInt(d.previousBalance),
    newBalance: BigInt(d.newBalance),
    interest: BigInt(d.interest),
    parts: d.parts.map((p) => ({ position: p.position, quantity: BigInt(p.quantity) })),
  };
}

/**
 * A `history` row (balance update joined with its event) back to the balance update.
 *
 * @example rowToUpdate(row).cause // 'deposit'
 */
export function rowToUpdate(row: DuckDBValue[]): BalanceUpdate {
  const [id, eventSeq, cause, position, asset, quantity, previous, valueUsd, chainId, block, txHash, logIndex, owner, ts, cycle, notes, blockHash] = row;
  return {
      id: Number(id),
      eventSeq: Number(eventSeq),
      cause: String(cause) as EventKind,
      position: String(position),
      asset: String(asset),
      quantity: amountOf(quantity),
      previousBalance: amountOf(previous),
      valueUsd: numOrNull(valueUsd),
      chainId: Number(chainId),
      blockNumber: Number(block),
      blockHash: blockHash === null ? null : String(blockHash),
      txHash: String(txHash),
      logIndex: Number(logIndex),
      owner: owner === null ? null : String(owner),
      timestamp: isoOrNull(ts) ?? '',
      cycle: numOrNull(cycle),
      notes: notes === null ? null : String(notes),
    };
}

/**
 * The UPDATE statements (SQL and parameters) that store the books' scalar state: the cursor,
 * share supply and cycle; the accounting corrections' cursor; the interest sync.
 *
 * @example for (const [sql, params] of snapshotStatements(state, now)) await conn.run(sql, params);
 */
export function snapshotStatements(s: TreasuryState, syncedAt: string): [string, DuckDBValue[]][] {
  return [
    [
      `UPDATE treasury_state SET last_updated_at = epoch_ms(?::BIGINT), last_cycle = ?, last_cycle_at = CASE WHEN ? IS NULL THEN NULL ELSE epoch_ms(?::BIGINT) END,
         last_block_scanned = ?, total_shares = ?, next_update_id = ?, last_block_hash = ?`,
      [
        toMs(syncedAt), s.lastCycle === null ? null : BigInt(s.lastCycle), msOrNull(s.lastCycleAt), msOrNull(s.lastCycleAt),
        s.lastBlockScanned === null ? null : BigInt(s.lastBlockScanned), s.totalShares.toString(), BigInt(s.nextUpdateId), s.lastBlockHash,
      ],
    ],
    [
      'UPDATE accounting_state SET last_correction_block = ?, last_correction_at = CASE WHEN ? IS NULL THEN NULL ELSE epoch_ms(?::BIGINT) END',
      [s.lastCorrectionBlock === null ? null : BigInt(s.lastCorrectionBlock), msOrNull(s.lastCorrectionAt), msOrNull(s.lastCorrectionAt)],
    ],
    [
      'UPDATE interest_sync SET last_sync_block = ?, last_sync_at = CASE WHEN ? IS NULL THEN NULL ELSE epoch_ms(?::BIGINT) END, last_distribution = ?',
      [
        s.lastInterestSyncBlock === null ? null : BigInt(s.lastInterestSyncBlock),
        msOrNull(s.lastInterestSyncAt),
        msOrNull(s.lastInterestSyncAt),
        s.lastDistribution === null ? null : JSON.stringify(s.lastDistribution, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)),
      ],
    ],
  ];
}
