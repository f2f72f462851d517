/**
 * Syncing the ledger from an event source.
 *
 * A sync checks everything before it writes anything (every event against the deployment,
 * the cursor and the book-keeping rules), then writes batch by batch, each in one transaction
 * that moves the cursor with its events. A feed file is streamed, so memory does not follow
 * its size: into a store that stages batches (DuckDB: temporary files) it is read and booked
 * once, every batch staged as it is booked and written when the whole feed is good; into
 * another store it is scanned twice, booking a copy of the books, then writing. Events at or below the stored cursor
 * must already be stored with the same content: they are counted as duplicates (only the
 * stored blocks a batch overlaps are read to check this). New events may not be stamped
 * before the latest booked time. Events whose implied price is more than 1% off the books'
 * NAV per share are reported, not refused: the feed is the chain's record.
 */
import { relocateError, UserError } from '../core/errors.ts';
import { formatFeedLine, type SourcedEvent } from './feed.ts';
import type { JsonlFeedFile } from './feedFile.ts';
import type { EventBatch, EventSource } from './source.ts';
import type { BatchWriter, LedgerBackend } from './backend.ts';
import {
  PRICE_DEVIATION_LIMIT_PCT,
  applyEvent,
  cloneTreasury,
  impliedPriceOf,
  sharePriceOf,
  zeroCounts,
  type TreasuryState,
} from './treasury.ts';
import { eventKey, type BalanceUpdate, type Deployment, type EventKind, type LedgerEvent } from './types.ts';

export { verifyLedger, type VerifyReport } from './verify.ts';

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
  // a NAV per share of 0 (every share minted for almost nothing) makes the ratio infinite: reported as the largest float, never Infinity
  const deviationPct = Math.min(Math.abs(impliedPrice / navPrice - 1), Number.MAX_VALUE);
  if (!(deviationPct > report.limitPct)) return;
  report.count++;
  if (report.first.length < PRICE_DEVIATIONS_SHOWN) report.first.push({ where: s.where, kind: s.event.kind, blockNumber: s.event.blockNumber, impliedPrice, navPrice, deviationPct });
}

/** Events the feed file is read in between the checks against the store (a batch is one or more of these). */
const FEED_CHUNK_EVENTS = 4096;

/** What booking one batch found. */
interface Booked {
  applied: number;
  duplicates: number;
}

/** Checks and books events, batch after batch, on `state` (changed in place). */
class Booker {
  private lastTimestamp: string;
  private lastWhere = 'the latest event in the ledger';
  private readonly scratch: BalanceUpdate[] = [];
  /** Holders and owners whose share balance or redemption may have changed since {@link takeTouched}. */
  private touched = new Set<string>();
  readonly appliedByKind = zeroCounts();

  constructor(
    private readonly store: LedgerBackend,
    private readonly deployment: Deployment,
    /** Every block up to here was scanned before this sync. */
    readonly scannedUpTo: number,
    latestEventTime: string | null,
    readonly state: TreasuryState,
    /** Where price deviations are noted (null: not in this pass). */
    private readonly priceDeviations: PriceDeviationReport | null,
    /** A first scan checked these events against the store: an event at or below the old cursor is a duplicate. */
    private readonly checkedBefore = false,
  ) {
    this.lastTimestamp = latestEventTime ?? '';
  }

  /** The touched holders and owners, and a fresh set for what follows. */
  takeTouched(): Set<string> {
    const touched = this.touched;
    this.touched = new Set();
    return touched;
  }

  /** The keys of the batch's new events (beyond the old cursor) that the store already holds. */
  private async takenKeys(events: readonly SourcedEvent[]): Promise<Set<string> | null> {
    if (this.store.storedEventKeys === undefined || this.scannedUpTo < this.deployment.deploymentBlock) return null;
    const fresh = events.filter((s) => s.event.blockNumber > this.scannedUpTo).map((s) => s.event);
    return fresh.length === 0 ? null : this.store.storedEventKeys(fresh);
  }

  /** Checks and books one batch, handing each new event and its balance updates to `sink` (none: check only). */
  async book(batch: EventBatch, sink: BatchWriter | null): Promise<Booked> {
    const { state, scratch } = this;
    const stored = this.checkedBefore ? null : await storedOverlap(this.store, batch.events, this.scannedUpTo);
    const taken = stored === null ? null : await this.takenKeys(batch.events);
    const booked: Booked = { applied: 0, duplicates: 0 };
    for (const s of batch.events) {
      const e = s.event;
      try {
        if (stored === null ? e.blockNumber <= this.scannedUpTo : checkAgainstStore(s, this.deployment, this.scannedUpTo, stored) === 'duplicate') {
          booked.duplicates++;
          continue;
        }
        if (taken !== null && taken.has(eventKey(e))) {
          throw new UserError({ field: 'logIndex', message: `event ${eventKey(e)} is already in the ledger at another block`, hint: 'each (chainId, txHash, logIndex) is one event' });
        }
        checkTimeOrder(e, this.lastTimestamp, this.lastWhere);
        const impliedPrice = this.priceDeviations === null ? null : impliedPriceOf(state, e);
        const navPrice = impliedPrice === null ? 0 : sharePriceOf(state);
        applyEvent(state, e, sink === null ? null : scratch);
        if (impliedPrice !== null && this.priceDeviations !== null) notePrice(this.priceDeviations, s, impliedPrice, navPrice);
      } catch (err) {
        throw lineError(s, err);
      }
      this.lastTimestamp = e.timestamp;
      this.lastWhere = s.where;
      if (sink !== null) {
        sink.event(s, state.eventsApplied);
        for (const u of scratch) sink.update(u);
        scratch.length = 0;
        if ('owner' in e) this.touched.add(e.owner);
        if ('controller' in e && e.controller !== undefined) this.touched.add(e.controller);
        if (e.kind === 'transfer') this.touched.add(e.from).add(e.to);
        this.appliedByKind[e.kind]++;
      }
      booked.applied++;
    }
    if (state.lastBlockScanned === null || batch.cursor > state.lastBlockScanned) {
      state.lastBlockScanned = batch.cursor;
      state.lastBlockHash = batch.cursorHash ?? null;
    }
    return booked;
  }
}

/** The batches of a range of an {@link EventSource}, read one after another. */
async function* sourceBatches(source: EventSource, fromBlock: number, toBlock: number | undefined, batchSize: number): AsyncGenerator<EventBatch> {
  const sourceHead = await source.head();
  const head = sourceHead === null ? null : Math.min(sourceHead, toBlock ?? sourceHead);
  for (let from = fromBlock; head !== null && from <= head; ) {
    const batch = await source.read({ fromBlock: from, toBlock: head, maxEvents: batchSize });
    yield batch;
    from = batch.cursor + 1;
  }
}

/** A writer for stores that take a whole batch at once: it gathers the batch, then calls `commitBatch`. */
function gatheringWriter(store: LedgerBackend): BatchWriter {
  const events: SourcedEvent[] = [];
  const updates: BalanceUpdate[] = [];
  return {
    event: (s) => void events.push(s),
    update: (u) => void updates.push(u),
    commit: (state, syncedAt, touched) => store.commitBatch({ events, updates, state, syncedAt, touched }),
    abort: async () => undefined,
  };
}

/**
 * Syncs the ledger from `source` (a streamed feed file, or any {@link EventSource}) in
 * batches of at least `batchSize` events (whole blocks), each in one transaction. Nothing is
 * written when any event is malformed or breaks the books (the error names its line and
 * field): a feed file into a store with `stageBatches` is read once, each batch staged as it
 * is booked and the staged batches written after the last line; otherwise every event is
 * first read, checked and booked on a copy of the books, then the source is read again and
 * each event handed to the store as it is booked. With `commitEachBatch` there is one scan,
 * and each batch the source gives is written as soon as it is checked.
 *
 * @example const result = await syncLedger(store, new JsonlFeedFile('events.jsonl'));
 */
export async function syncLedger(store: LedgerBackend, source: EventSource | JsonlFeedFile, opts: SyncOptions = {}): Promise<SyncResult> {
  const batchSize = opts.batchSize ?? DEFAULT_BATCH_SIZE;
  const now = opts.now ?? (() => new Date());
  const deployment = await store.deployment();
  const state = await store.loadState();
  const previousCursor = state.lastBlockScanned;
  const scannedUpTo = previousCursor ?? deployment.deploymentBlock - 1;
  const fromBlock = opts.fromBlock ?? deployment.deploymentBlock;
  const latestEventTime = await store.latestEventTime();
  const scan = (again: boolean): AsyncIterable<EventBatch> =>
    'batches' in source
      ? source.batches({ fromBlock, toBlock: opts.toBlock, batchSize: Math.min(batchSize, FEED_CHUNK_EVENTS), knownRepeats: again ? source.repeatedLines : undefined })
      : sourceBatches(source, fromBlock, opts.toBlock, batchSize);

  // a feed into a store that stages batches is booked once: everything is checked while the
  // batches are staged, and written only when the whole feed is good
  const stage = !opts.commitEachBatch && 'batches' in source ? store.stageBatches?.() : undefined;
  const twoScans = !opts.commitEachBatch && stage === undefined;
  if (twoScans) {
    const trial = new Booker(store, deployment, scannedUpTo, latestEventTime, cloneTreasury(state), null);
    for await (const batch of scan(false)) await trial.book(batch, null);
  }

  const priceDeviations: PriceDeviationReport = { count: 0, limitPct: PRICE_DEVIATION_LIMIT_PCT, first: [] };
  const booker = new Booker(store, deployment, scannedUpTo, latestEventTime, state, priceDeviations, twoScans);
  const openWriter = (): Promise<BatchWriter> =>
    stage !== undefined ? Promise.resolve(stage.writer()) : store.openBatch === undefined ? Promise.resolve(gatheringWriter(store)) : store.openBatch();
  let applied = 0;
  let duplicates = 0;
  let batches = 0;
  let cursor = previousCursor;
  let lastRead: number | null = null;
  let writer: BatchWriter | null = null;
  let pending = 0;
  /** Progress after each batch (a staged batch's is reported when it is written). */
  const progress: SyncProgress[] = [];
  const commit = async (): Promise<void> => {
    if (writer === null) {
      if (state.lastBlockScanned === cursor) return;
      writer = await openWriter();
    }
    const committing = writer;
    writer = null;
    await committing.commit(state, now().toISOString(), booker.takeTouched());
    applied += pending;
    pending = 0;
    cursor = state.lastBlockScanned;
    batches++;
    const p = { applied, duplicates: duplicates + source.repeatedEvents, cursor };
    if (stage === undefined) opts.onBatch?.(p);
    else progress.push(p);
  };
  try {
    for await (const batch of scan(twoScans)) {
      lastRead = batch.cursor;
      const last = batch.events[batch.events.length - 1];
      if (writer === null && last !== undefined && last.event.blockNumber > scannedUpTo) writer = await openWriter();
      const booked = await booker.book(batch, writer);
      duplicates += booked.duplicates;
      pending += booked.applied;
      if (opts.commitEachBatch || pending >= batchSize) await commit();
    }
    await commit();
    await stage?.write((i) => opts.onBatch?.(progress[i]));
  } catch (e) {
    await (writer as BatchWriter | null)?.abort();
    throw e;
  } finally {
    stage?.discard();
  }
  duplicates += source.repeatedEvents;
  if (batches === 0) await store.touch(now().toISOString());
  const read = lastRead !== null;
  return { applied, appliedByKind: booker.appliedByKind, duplicates, previousCursor, cursor, fromBlock: read ? fromBlock : null, toBlock: lastRead, batches, priceDeviations };
}
