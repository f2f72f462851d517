/**
 * Syncing the ledger from an event source, and checking a store's consistency.
 *
 * A sync validates everything first (every event against the deployment, the cursor and the
 * book-keeping rules, on a copy of the books), then writes batch by batch, each in one
 * transaction that moves the cursor with its events. Events at or below the stored cursor
 * must already be stored with the same content: they are counted as duplicates (only the
 * stored blocks a batch overlaps are read to check this). New events may not be stamped
 * before the latest booked time. Events whose implied price is more than 1% off the books'
 * NAV per share are reported, not refused: the feed is the chain's record.
 */
import { relocateError, UserError } from '../core/errors.ts';
import { formatFeedLine, type SourcedEvent } from './feed.ts';
import type { EventSource } from './source.ts';
import type { LedgerBackend } from './backend.ts';
import {
  PRICE_DEVIATION_LIMIT_PCT,
  applyEvent,
  cloneTreasury,
  createTreasury,
  impliedPriceOf,
  sharePriceOf,
  zeroCounts,
  type TreasuryState,
} from './treasury.ts';
import { PENDING_POSITION, eventKey, type BalanceUpdate, type Deployment, type EventKind, type LedgerEvent } from './types.ts';

/** Events per batch (one transaction each) unless told otherwise. */
export const DEFAULT_BATCH_SIZE = 50_000;

/** Progress after each committed batch. */
export interface SyncProgress {
  applied: number;
  duplicates: number;
  cursor: number | null;
}

/**
 * Sync options.
 *
 * @example await syncLedger(store, source, { batchSize: 5000, onBatch: (p) => console.error(p.cursor) });
 */
export interface SyncOptions {
  /** Events per transaction (whole blocks; default {@link DEFAULT_BATCH_SIZE}). */
  batchSize?: number;
  /** First block to read (default: the deployment block). */
  fromBlock?: number;
  /** Called after each committed batch. */
  onBatch?: (progress: SyncProgress) => void;
  /**
   * Write each batch as soon as it is checked (a chain sync: one transaction per block range,
   * so a long scan keeps what it has done when stopped) instead of checking every batch first
   * (a feed: nothing is written when any line is bad).
   */
  commitEachBatch?: boolean;
  /** Read up to this block instead of the source's head. */
  toBlock?: number;
  /** The clock (for the last-sync time). */
  now?: () => Date;
}

/** What a sync did. */
export interface SyncResult {
  /** Events written, total and by kind. */
  applied: number;
  appliedByKind: Record<EventKind, number>;
  /** Events already in the store (or repeated in the source) that were skipped. */
  duplicates: number;
  /** The cursor before and after (null: nothing scanned yet). */
  previousCursor: number | null;
  cursor: number | null;
  /** The blocks this sync read (null when there was nothing to read). */
  fromBlock: number | null;
  toBlock: number | null;
  batches: number;
  priceDeviations: PriceDeviationReport;
}

function lineError(s: SourcedEvent, e: unknown): unknown {
  return relocateError(e, (field) => `${s.where}: ${field}`);
}

/** Checks what does not depend on the books: chain, deployment block, cursor. Fields are bare (the caller adds the line). */
function checkAgainstStore(s: SourcedEvent, d: Deployment, cursor: number, stored: ReadonlyMap<string, LedgerEvent>): 'new' | 'duplicate' {
  const e = s.event;
  if (e.chainId !== d.chainId) {
    throw new UserError({ field: 'chainId', value: e.chainId, message: `is ${e.chainId} but the ledger keeps chain ${d.chainId}` });
  }
  if (e.blockNumber < d.deploymentBlock) {
    throw new UserError({ field: 'blockNumber', value: e.blockNumber, message: `${e.blockNumber} is before the deployment block ${d.deploymentBlock}` });
  }
  if (e.blockNumber > cursor) return 'new';
  const storedEvent = stored.get(eventKey(e));
  if (storedEvent === undefined) {
    throw new UserError({ field: 'blockNumber', value: e.blockNumber, message: `block ${e.blockNumber} was already synced (cursor ${cursor}) but this event is not in the ledger`, hint: 'a feed cannot add events to blocks it already delivered' });
  }
  if (formatFeedLine(storedEvent) !== formatFeedLine(e)) {
    throw new UserError({ field: 'logIndex', message: `event ${eventKey(e)} is stored with other content`, hint: 'each (chainId, txHash, logIndex) is one event' });
  }
  return 'duplicate';
}

/** Refuses a new event stamped before `lastTimestamp` (of `lastWhere`); equal is fine. */
function checkTimeOrder(e: LedgerEvent, lastTimestamp: string, lastWhere: string): void {
  if (e.timestamp < lastTimestamp) {
    throw new UserError({ field: 'timestamp', value: e.timestamp, message: `${e.timestamp} (block ${e.blockNumber}) is before ${lastTimestamp} of ${lastWhere}`, hint: 'block times never go backwards' });
  }
}

/**
 * The stored events a batch may replay: those in the blocks from the batch's first event up
 * to the lower of its last event and the cursor (nothing when the batch lies beyond it).
 */
async function storedOverlap(store: LedgerBackend, events: readonly SourcedEvent[], cursor: number): Promise<Map<string, LedgerEvent>> {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const { event } of events) {
    if (event.blockNumber > cursor) continue;
    if (event.blockNumber < lo) lo = event.blockNumber;
    if (event.blockNumber > hi) hi = event.blockNumber;
  }
  return hi < lo ? new Map() : store.storedEvents(lo, hi);
}

/** How many of the first price deviations a sync lists. */
export const PRICE_DEVIATIONS_SHOWN = 5;

/** One event priced off the books. */
export interface PriceDeviation {
  /** Where it came from (`line 12`). */
  where: string;
  kind: EventKind;
  blockNumber: number;
  /** assets / shares of the event, asset token units per share token unit. */
  impliedPrice: number;
  /** The books' NAV per share just before the event (ERC-4626 rate), same units. */
  navPrice: number;
  /** |impliedPrice / navPrice − 1|, a 0..1 fraction. */
  deviationPct: number;
}

/**
 * Applied events whose implied price is more than `limitPct` off the books' NAV per share:
 * how many, and the first {@link PRICE_DEVIATIONS_SHOWN}. A warning, not an error: the feed
 * is the chain's record and is not re-priced.
 *
 * @example if (result.priceDeviations.count > 0) console.warn(`first at ${result.priceDeviations.first[0].where}`);
 */
export interface PriceDeviationReport {
  count: number;
  limitPct: number;
  first: PriceDeviation[];
}

function notePrice(report: PriceDeviationReport, s: SourcedEvent, impliedPrice: number, navPrice: number): void {
  const deviationPct = Math.abs(impliedPrice / navPrice - 1);
  if (!(deviationPct > report.limitPct)) return;
  report.count++;
  if (report.first.length < PRICE_DEVIATIONS_SHOWN) report.first.push({ where: s.where, kind: s.event.kind, blockNumber: s.event.blockNumber, impliedPrice, navPrice, deviationPct });
}

interface PlannedBatch {
  events: SourcedEvent[];
  updates: BalanceUpdate[];
  /** The books at the end of the batch. */
  state: TreasuryState;
  duplicates: number;
}

/**
 * Syncs the ledger from `source`. Everything is read, checked and booked in memory first,
 * so nothing is written when any event is malformed or breaks the books (the error names
 * its line and field); then each batch is written in one transaction. With
 * `commitEachBatch`, each batch is written as soon as it is checked.
 *
 * @example const result = await syncLedger(store, JsonlEventSource.fromFile('events.jsonl'));
 */
export async function syncLedger(store: LedgerBackend, source: EventSource, opts: SyncOptions = {}): Promise<SyncResult> {
  const batchSize = opts.batchSize ?? DEFAULT_BATCH_SIZE;
  const now = opts.now ?? (() => new Date());
  const deployment = await store.deployment();
  const state = await store.loadState();
  const previousCursor = state.lastBlockScanned;
  /** Every block up to here has been scanned. */
  const scannedUpTo = previousCursor ?? deployment.deploymentBlock - 1;
  const sourceHead = await source.head();
  const head = sourceHead === null ? null : Math.min(sourceHead, opts.toBlock ?? sourceHead);
  const fromBlock = opts.fromBlock ?? deployment.deploymentBlock;
  let lastTimestamp = (await store.latestEventTime()) ?? '';
  let lastWhere = 'the latest event in the ledger';
  const priceDeviations: PriceDeviationReport = { count: 0, limitPct: PRICE_DEVIATION_LIMIT_PCT, first: [] };

  const appliedByKind = zeroCounts();
  let applied = 0;
  let duplicates = source.repeatedEvents;
  let batches = 0;
  let cursor = previousCursor;
  const commit = async (planned: PlannedBatch): Promise<void> => {
    duplicates += planned.duplicates;
    if (planned.events.length === 0 && planned.state.lastBlockScanned === cursor) return;
    await store.commitBatch({ events: planned.events, updates: planned.updates, state: planned.state, syncedAt: now().toISOString() });
    for (const s of planned.events) appliedByKind[s.event.kind]++;
    applied += planned.events.length;
    cursor = planned.state.lastBlockScanned;
    batches++;
    opts.onBatch?.({ applied, duplicates, cursor });
  };

  // read, check and book in memory; write each batch in one transaction (at once, or after all are checked)
  const plan: PlannedBatch[] = [];
  for (let from = fromBlock; head !== null && from <= head; ) {
    const batch = await source.read({ fromBlock: from, toBlock: head, maxEvents: batchSize });
    const stored = await storedOverlap(store, batch.events, scannedUpTo);
    const planned: PlannedBatch = { events: [], updates: [], state, duplicates: 0 };
    for (const s of batch.events) {
      try {
        if (checkAgainstStore(s, deployment, scannedUpTo, stored) === 'duplicate') {
          planned.duplicates++;
          continue;
        }
        checkTimeOrder(s.event, lastTimestamp, lastWhere);
        const impliedPrice = impliedPriceOf(state, s.event);
        const navPrice = impliedPrice === null ? 0 : sharePriceOf(state);
        applyEvent(state, s.event, planned.updates);
        if (impliedPrice !== null) notePrice(priceDeviations, s, impliedPrice, navPrice);
      } catch (e) {
        throw lineError(s, e);
      }
      lastTimestamp = s.event.timestamp;
      lastWhere = s.where;
      planned.events.push(s);
    }
    if (state.lastBlockScanned === null || batch.cursor > state.lastBlockScanned) {
      state.lastBlockScanned = batch.cursor;
      state.lastBlockHash = batch.cursorHash ?? null;
    }
    planned.state = cloneTreasury(state);
    if (opts.commitEachBatch) await commit(planned);
    else plan.push(planned);
    from = batch.cursor + 1;
  }
  for (const planned of plan) await commit(planned);
  if (batches === 0) await store.touch(now().toISOString());
  const read = head !== null && fromBlock <= head;
  return { applied, appliedByKind, duplicates, previousCursor, cursor, fromBlock: read ? fromBlock : null, toBlock: read ? head : null, batches, priceDeviations };
}

/** What {@link verifyLedger} found. */
export interface VerifyReport {
  consistent: boolean;
  problems: string[];
  events: number;
  cursor: number | null;
}

function describeState(s: TreasuryState): Record<string, string> {
  const out: Record<string, string> = {
    totalAssets: s.totalAssets.toString(),
    totalShares: s.totalShares.toString(),
    pendingShares: s.pendingShares.toString(),
    nextUpdateId: String(s.nextUpdateId),
    eventsApplied: String(s.eventsApplied),
    counts: JSON.stringify(s.counts),
    shareBalances: JSON.stringify([...s.shareBalances].sort(([a], [b]) => (a < b ? -1 : 1)).map(([h, q]) => [h, q.toString()])),
    redemptions: JSON.stringify([...s.redemptions].sort(([a], [b]) => (a < b ? -1 : 1)).map(([o, r]) => [o, `${r.pendingShares}/${r.claimableShares}/${r.claimableAssets}`])),
    deposits: JSON.stringify([...s.deposits].sort(([a], [b]) => (a < b ? -1 : 1)).map(([o, d]) => [o, `${d.pendingAssets}/${d.claimableAssets}/${d.claimableShares}`])),
  };
  for (const [position, assets] of s.holdings) for (const [asset, q] of assets) out[`holding ${position}/${asset}`] = q.toString();
  return out;
}

/**
 * Checks a store: replaying its stored events through the book-keeping rules gives its
 * snapshot; its balance updates add up to its holdings; no stored event lies beyond the
 * cursor; and, given the `source` it was synced from, it holds exactly the source's events
 * up to the cursor.
 *
 * @example const report = await verifyLedger(store, JsonlEventSource.fromFile('events.jsonl'));
 */
export async function verifyLedger(store: LedgerBackend, source?: EventSource): Promise<VerifyReport> {
  const problems: string[] = [];
  const d = await store.deployment();
  const snapshot = await store.loadState();
  const replay = createTreasury(snapshot.config);
  const storedEvents = await store.eventsInOrder();
  const sink: BalanceUpdate[] = [];
  for (const event of storedEvents) {
    applyEvent(replay, event, sink);
    sink.length = 0;
  }
  const expected = describeState(replay);
  const actual = describeState(snapshot);
  for (const key of new Set([...Object.keys(expected), ...Object.keys(actual)])) {
    if (expected[key] !== actual[key]) problems.push(`${key}: snapshot ${actual[key] ?? 'absent'}, replay of the stored events ${expected[key] ?? 'absent'}`);
  }
  const seqs = await store.eventSeqs();
  if (seqs.maxSeq !== seqs.count || seqs.count !== snapshot.eventsApplied) problems.push(`events: ${seqs.count} stored, highest sequence number ${seqs.maxSeq}, counts add up to ${snapshot.eventsApplied}`);
  const { sums, count, maxId } = await store.updateSums();
  if (count !== snapshot.nextUpdateId - 1 || maxId !== count) problems.push(`balance updates: ${count} stored (max id ${maxId}), next id ${snapshot.nextUpdateId}`);
  for (const [key, sum] of sums) {
    const [position, asset] = key.split('\u0000');
    const holding = snapshot.holdings.get(position)?.get(asset) ?? 0n;
    if (sum !== holding) problems.push(`holding ${position}/${asset}: ${holding}, balance updates add up to ${sum}`);
  }
  if (snapshot.pendingShares !== (sums.get(`${PENDING_POSITION}\u0000${snapshot.config.shareSymbol}`) ?? 0n)) problems.push('pending shares do not match their balance updates');
  const maxBlock = await store.maxEventBlock();
  if (maxBlock !== null && maxBlock > (snapshot.lastBlockScanned ?? -1)) problems.push(`an event at block ${maxBlock} lies beyond the cursor ${snapshot.lastBlockScanned}`);
  if (source !== undefined) {
    const head = await source.head();
    const upTo = Math.min(snapshot.lastBlockScanned ?? -1, head ?? -1);
    const { events } = upTo < d.deploymentBlock ? { events: [] } : await source.read({ fromBlock: d.deploymentBlock, toBlock: upTo, maxEvents: Number.MAX_SAFE_INTEGER });
    const stored = new Map(storedEvents.map((e) => [eventKey(e), e]));
    const missing = events.filter((s) => {
      const storedEvent = stored.get(eventKey(s.event));
      return storedEvent === undefined || formatFeedLine(storedEvent) !== formatFeedLine(s.event);
    });
    if (missing.length > 0) problems.push(`${missing.length} events of ${source.name} up to the cursor are missing or differ (first: ${missing[0].where})`);
    if (events.length !== storedEvents.length) problems.push(`${storedEvents.length} events stored, ${events.length} in ${source.name} up to the cursor ${snapshot.lastBlockScanned}`);
  }
  return { consistent: problems.length === 0, problems, events: storedEvents.length, cursor: snapshot.lastBlockScanned };
}
