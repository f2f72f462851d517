/**
 * Rows of the PostgreSQL ledger store: a batch's events, balance updates and the books'
 * snapshot as JSON documents that one `INSERT … SELECT … FROM json_to_recordset($1)` writes
 * (one statement per table and chunk, whatever the batch size), and the SQL that reads times
 * back as epoch milliseconds (exact, whatever the session's time zone).
 */
import type { TreasuryState } from './state.ts';
import type { BalanceUpdate, CorrectionEvent, DepositEvent, InterestEvent, LedgerEvent, SettleEvent, TransferEvent } from './types.ts';

/** Rows per INSERT statement (bounds the size of one JSON parameter). @example PG_CHUNK_ROWS // 5000 */
export const PG_CHUNK_ROWS = 5_000;

/**
 * SQL of a TIMESTAMPTZ column read as epoch milliseconds (BIGINT, text on the wire).
 *
 * @example msOf('e.timestamp') // '(extract(epoch from e.timestamp) * 1000)::bigint'
 */
export function msOf(column: string): string {
  return `(extract(epoch from ${column}) * 1000)::bigint`;
}

/**
 * SQL of a TIMESTAMPTZ from epoch milliseconds (NULL stays NULL).
 *
 * @example tsOf('$1') // "(timestamptz 'epoch' + $1::bigint * interval '1 millisecond')"
 */
export function tsOf(param: string): string {
  return `(timestamptz 'epoch' + ${param}::bigint * interval '1 millisecond')`;
}

/** Epoch ms of an ISO time, as text, or null. @example msText('1970-01-01T00:00:01Z') // '1000' */
export function msText(iso: string | null): string | null {
  return iso === null ? null : String(Date.parse(iso));
}

/** A column list with types for json_to_recordset, and the SELECT expressions that insert it. */
interface RecordsetSpec {
  table: string;
  columns: readonly (readonly [name: string, type: string])[];
}

/**
 * The INSERT of a table's rows from a JSON array (`$1`): columns typed as the table's, times
 * given as `<column>_ms` epoch milliseconds.
 */
function insertSql(spec: RecordsetSpec): string {
  const names = spec.columns.map(([n]) => n);
  const record = spec.columns.map(([n, t]) => (t === 'timestamptz' ? `${n}_ms bigint` : `${n} ${t}`)).join(', ');
  const select = spec.columns.map(([n, t]) => (t === 'timestamptz' ? tsOf(`r.${n}_ms`) : `r.${n}`)).join(', ');
  return `INSERT INTO ${spec.table} (${names.join(', ')}) SELECT ${select} FROM json_to_recordset($1::text::json) AS r(${record})`;
}

const EVENTS: RecordsetSpec = {
  table: 'events',
  columns: [
    ['seq', 'bigint'], ['chain_id', 'bigint'], ['tx_hash', 'text'], ['log_index', 'integer'], ['block_number', 'bigint'], ['timestamp', 'timestamptz'],
    ['kind', 'text'], ['owner', 'text'], ['assets', 'numeric'], ['shares', 'numeric'], ['nav_per_share', 'numeric'], ['asset', 'text'],
    ['balance', 'numeric'], ['force', 'boolean'], ['quantity', 'numeric'], ['reason', 'text'], ['position', 'text'], ['cycle', 'bigint'],
    ['price_usd', 'double precision'], ['notes', 'text'], ['block_hash', 'text'], ['from_address', 'text'], ['to_address', 'text'], ['controller', 'text'],
  ],
};

const UPDATES: RecordsetSpec = {
  table: 'balance_updates',
  columns: [['id', 'bigint'], ['event_seq', 'bigint'], ['cause', 'text'], ['position', 'text'], ['asset', 'text'], ['quantity', 'numeric'], ['previous_balance', 'numeric'], ['value_usd', 'double precision']],
};

const HOLDINGS: RecordsetSpec = { table: 'holdings', columns: [['position', 'text'], ['asset', 'text'], ['quantity', 'numeric']] };
const REDEMPTIONS: RecordsetSpec = { table: 'redemptions', columns: [['owner', 'text'], ['pending_shares', 'numeric'], ['claimable_shares', 'numeric'], ['claimable_assets', 'numeric']] };
const SHARE_BALANCES: RecordsetSpec = { table: 'share_balances', columns: [['holder', 'text'], ['shares', 'numeric']] };
const DEPOSIT_REQUESTS: RecordsetSpec = { table: 'deposit_requests', columns: [['controller', 'text'], ['pending_assets', 'numeric'], ['claimable_assets', 'numeric'], ['claimable_shares', 'numeric']] };

/** Every optional field of any event kind. */
type EventFields = Partial<Omit<DepositEvent, 'kind'> & Omit<SettleEvent, 'kind'> & Omit<InterestEvent, 'kind'> & Omit<CorrectionEvent, 'kind' | 'reason'> & Omit<TransferEvent, 'kind'>> & { reason?: string };

const text = (v: bigint | undefined): string | null => (v === undefined ? null : v.toString());

/** An event as a JSON row of `events` with sequence number `seq`. */
function eventRow(e: LedgerEvent, seq: number): Record<string, unknown> {
  const f = e as EventFields;
  return {
    seq: String(seq), chain_id: String(e.chainId), tx_hash: e.txHash, log_index: e.logIndex, block_number: String(e.blockNumber), timestamp_ms: msText(e.timestamp),
    kind: e.kind, owner: f.owner ?? null, assets: text(f.assets), shares: text(f.shares), nav_per_share: text(f.navPerShare), asset: f.asset ?? null,
    balance: text(f.balance), force: f.force ?? null, quantity: text(f.quantity), reason: f.reason ?? null, position: f.position ?? null,
    cycle: f.cycle === undefined ? null : String(f.cycle), price_usd: f.priceUsd ?? null, notes: f.notes ?? null, block_hash: e.blockHash ?? null,
    from_address: f.from ?? null, to_address: f.to ?? null, controller: f.controller ?? null,
  };
}

function updateRow(u: BalanceUpdate): Record<string, unknown> {
  return { id: String(u.id), event_seq: String(u.eventSeq), cause: u.cause, position: u.position, asset: u.asset, quantity: u.quantity.toString(), previous_balance: u.previousBalance.toString(), value_usd: u.valueUsd };
}

/**
 * One statement and its JSON parameter: an INSERT of up to {@link PG_CHUNK_ROWS} rows.
 *
 * @example for (const [sql, json] of eventInserts(events, 1)) await conn.unsafe(sql, [json]);
 */
export type PgInsert = [sql: string, json: string];

function chunked(spec: RecordsetSpec, rows: readonly Record<string, unknown>[]): PgInsert[] {
  const sql = insertSql(spec);
  const out: PgInsert[] = [];
  for (let i = 0; i < rows.length; i += PG_CHUNK_ROWS) out.push([sql, JSON.stringify(rows.slice(i, i + PG_CHUNK_ROWS))]);
  return out;
}

/**
 * The INSERTs of a batch's events (sequence numbers from `firstSeq`) and balance updates.
 *
 * @example for (const [sql, json] of batchInserts(events, updates, 1)) await conn.unsafe(sql, [json]);
 */
export function batchInserts(events: readonly LedgerEvent[], updates: readonly BalanceUpdate[], firstSeq: number): PgInsert[] {
  return [...chunked(EVENTS, events.map((e, i) => eventRow(e, firstSeq + i))), ...chunked(UPDATES, updates.map(updateRow))];
}

/**
 * The statements that replace the books' snapshot: the scalar state (cursor, share supply,
 * cycle, corrections' cursor, interest sync) and every holding, redemption, deposit request and
 * share balance.
 *
 * @example for (const [sql, params] of pgSnapshotStatements(state, now)) await conn.unsafe(sql, params);
 */
export function pgSnapshotStatements(s: TreasuryState, syncedAt: string): [string, (string | null)[]][] {
  const distribution = s.lastDistribution === null ? null : JSON.stringify(s.lastDistribution, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  const holdings = [...s.holdings].flatMap(([position, assets]) => [...assets].map(([asset, quantity]) => ({ position, asset, quantity: quantity.toString() })));
  const redemptions = [...s.redemptions].map(([owner, r]) => ({ owner, pending_shares: r.pendingShares.toString(), claimable_shares: r.claimableShares.toString(), claimable_assets: r.claimableAssets.toString() }));
  const balances = [...s.shareBalances].map(([holder, shares]) => ({ holder, shares: shares.toString() }));
  const deposits = [...s.deposits].map(([controller, d]) => ({ controller, pending_assets: d.pendingAssets.toString(), claimable_assets: d.claimableAssets.toString(), claimable_shares: d.claimableShares.toString() }));
  const num = (n: number | null): string | null => (n === null ? null : String(n));
  return [
    [
      `UPDATE treasury_state SET last_updated_at = ${tsOf('$1')}, last_cycle = $2::bigint, last_cycle_at = ${tsOf('$3')},
         last_block_scanned = $4::bigint, total_shares = $5::numeric, next_update_id = $6::bigint, last_block_hash = $7::text`,
      [msText(syncedAt), num(s.lastCycle), msText(s.lastCycleAt), num(s.lastBlockScanned), s.totalShares.toString(), String(s.nextUpdateId), s.lastBlockHash],
    ],
    [`UPDATE accounting_state SET last_correction_block = $1::bigint, last_correction_at = ${tsOf('$2')}`, [num(s.lastCorrectionBlock), msText(s.lastCorrectionAt)]],
    [`UPDATE interest_sync SET last_sync_block = $1::bigint, last_sync_at = ${tsOf('$2')}, last_distribution = $3::text`, [num(s.lastInterestSyncBlock), msText(s.lastInterestSyncAt), distribution]],
    ['DELETE FROM holdings', []],
    ...chunked(HOLDINGS, holdings).map(([sql, json]): [string, string[]] => [sql, [json]]),
    ['DELETE FROM redemptions', []],
    ...chunked(REDEMPTIONS, redemptions).map(([sql, json]): [string, string[]] => [sql, [json]]),
    ['DELETE FROM deposit_requests', []],
    ...chunked(DEPOSIT_REQUESTS, deposits).map(([sql, json]): [string, string[]] => [sql, [json]]),
    ['DELETE FROM share_balances', []],
    ...chunked(SHARE_BALANCES, balances).map(([sql, json]): [string, string[]] => [sql, [json]]),
  ];
}

/** Columns of `events` read back, in storeRows' `rowToEvent` order (times as epoch ms). @example rows(`SELECT ${PG_EVENT_COLUMNS} FROM events`).map(rowToEvent) */
export const PG_EVENT_COLUMNS = `kind, chain_id, block_number, tx_hash, log_index, ${msOf('timestamp')}, owner, assets::text, shares::text, nav_per_share::text, asset, balance::text, force,
  quantity::text, reason, position, cycle, price_usd, notes, block_hash, from_address, to_address, controller`;
