/**
 * Copying a ledger between stores (DuckDB ⇄ PostgreSQL, or within one kind): everything it
 * holds — the deployment, the books, every event in sequence and every balance update — read
 * through one store's interface and written into the other as its `init` and one batch, then
 * read back and compared table by table. The source is read in one snapshot (a PostgreSQL
 * source may be syncing meanwhile); the whole ledger is held in memory while it is copied.
 */
import type { LedgerBackend, LedgerBatch } from './backend.ts';
import { formatFeedLine } from './feed.ts';
import type { TreasuryState } from './state.ts';
import type { BalanceUpdate, Deployment, LedgerEvent, LedgerFundVenue } from './types.ts';

/**
 * All a ledger holds.
 *
 * @example const image = await readLedgerImage(store); image.events.length
 */
export interface LedgerImage {
  deployment: Deployment;
  state: TreasuryState;
  lastUpdatedAt: string | null;
  /** In the order they were applied (sequence numbers 1..n). */
  events: LedgerEvent[];
  /** In id order. */
  updates: BalanceUpdate[];
  /** A fund ledger's venues (none for a vault's). */
  fundVenues: LedgerFundVenue[];
}

/**
 * Reads everything a ledger holds.
 *
 * @example const image = await withLedger('fund.duckdb', readLedgerImage, { access: 'read' });
 */
export async function readLedgerImage(store: LedgerBackend): Promise<LedgerImage> {
  const deployment = await store.deployment();
  const state = await store.loadState();
  const lastUpdatedAt = await store.lastUpdatedAt();
  const events = await store.eventsInOrder();
  const { count } = await store.updateSums();
  const { updates } = await store.history({ limit: Math.max(1, count) });
  return { deployment, state, lastUpdatedAt, events, updates, fundVenues: await store.fundVenues() };
}

/**
 * The batch that writes an image's events, updates and books after its `init` (null for a
 * ledger never synced: `init` alone copies it).
 *
 * @example const batch = imageBatch(image); if (batch !== null) await target.commitBatch(batch);
 */
export function imageBatch(image: LedgerImage): LedgerBatch | null {
  if (image.lastUpdatedAt === null && image.events.length === 0 && image.state.lastBlockScanned === null) return null;
  return {
    events: image.events.map((event, i) => ({ event, where: `event ${i + 1}` })),
    updates: image.updates,
    state: image.state,
    syncedAt: image.lastUpdatedAt ?? image.deployment.initialisedAt,
  };
}

const json = (value: unknown): string => JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));

/**
 * An image as text rows per table, in the stores' table names: what two copies must share.
 *
 * @example imageTables(image).events[0] // '1 {"kind":"deposit",…}'
 */
export function imageTables(image: LedgerImage): Record<string, string[]> {
  const s = image.state;
  return {
    deployment: [json(image.deployment)],
    treasury_state: [json([image.lastUpdatedAt, s.lastCycle, s.lastCycleAt, s.lastBlockScanned, s.totalShares, s.nextUpdateId, s.lastBlockHash])],
    accounting_state: [json([s.lastCorrectionBlock, s.lastCorrectionAt])],
    interest_sync: [json([s.lastInterestSyncBlock, s.lastInterestSyncAt, s.lastDistribution])],
    holdings: [...s.holdings].flatMap(([position, assets]) => [...assets].map(([asset, q]) => json([position, asset, q]))).sort(),
    redemptions: [...s.redemptions].map(([owner, r]) => json([owner, r.pendingShares, r.claimableShares, r.claimableAssets])).sort(),
    share_balances: [...s.shareBalances].map(([holder, shares]) => json([holder, shares])).sort(),
    deposit_requests: [...s.deposits].map(([controller, d]) => json([controller, d.pendingAssets, d.claimableAssets, d.claimableShares])).sort(),
    events: image.events.map((e, i) => `${i + 1} ${formatFeedLine(e)}`),
    balance_updates: image.updates.map((u) => json([u.id, u.eventSeq, u.cause, u.position, u.asset, u.quantity, u.previousBalance, u.valueUsd])),
  };
}

/**
 * The differences between two images, one line per table that differs (its row counts and the
 * first row that differs); empty when they are the same ledger.
 *
 * @example compareLedgerImages(source, copy) // []
 */
export function compareLedgerImages(a: LedgerImage, b: LedgerImage): string[] {
  const [ta, tb] = [imageTables(a), imageTables(b)];
  const out: string[] = [];
  for (const table of Object.keys(ta)) {
    const [ra, rb] = [ta[table], tb[table]];
    const first = ra.findIndex((row, i) => row !== rb[i]);
    if (ra.length === rb.length && first === -1) continue;
    const at = first === -1 ? Math.min(ra.length, rb.length) : first;
    out.push(`${table}: ${ra.length} rows in the source, ${rb.length} in the copy; row ${at + 1} differs (${ra[at] ?? 'absent'} / ${rb[at] ?? 'absent'})`);
  }
  return out;
}
