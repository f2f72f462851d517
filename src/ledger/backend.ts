/**
 * The ledger store's interface: what sync, chain sync, verify and the CLI need of a place
 * that keeps the books. Two stores implement it — a DuckDB file ({@link LedgerStore} in
 * store.ts) and a PostgreSQL database (`PgLedgerStore` in pgStore.ts) — and `openLedger`
 * (open.ts) picks one by the `--db` value. Both keep the same tables, the same unique keys
 * and one transaction per batch, so the same feed gives the same ledger in either.
 */
import type { SourcedEvent } from './feed.ts';
import type { TreasuryState } from './state.ts';
import type { BalanceUpdate, Deployment, EventKind, LedgerFundVenue, LedgerEvent } from './types.ts';

/**
 * What one sync batch writes.
 *
 * @example await store.commitBatch({ events, updates, state, syncedAt: new Date().toISOString() });
 */
export interface LedgerBatch {
  events: readonly SourcedEvent[];
  updates: readonly BalanceUpdate[];
  /** The books after the batch (its `lastBlockScanned` and `lastBlockHash` are the new cursor). */
  state: TreasuryState;
  /** Wall-clock time of the sync (ISO-8601 UTC). */
  syncedAt: string;
  /**
   * Holders and owners whose share balance or redemption this batch may have changed: when
   * given, only their rows of those two tables are rewritten (the rest of the snapshot is as
   * the previous batch left it); when absent, the whole snapshot is.
   */
  touched?: ReadonlySet<string>;
}

/**
 * A sync batch written as it is booked, in one transaction: events and their balance updates
 * are handed over one by one (a store may write them at once, so a batch needs no memory of
 * its own); `commit` writes the books' snapshot and commits, `abort` rolls back.
 *
 * @example const batch = await store.openBatch(); batch.event(sourced, seq); batch.update(u); await batch.commit(state, now, touched);
 */
export interface BatchWriter {
  /** An event, with its sequence number (1 = the first event the ledger applied). */
  event(s: SourcedEvent, seq: number): void;
  update(u: BalanceUpdate): void;
  /** Writes the snapshot of `state` (see {@link LedgerBatch.touched}) and commits; on failure nothing of the batch is written. */
  commit(state: TreasuryState, syncedAt: string, touched?: ReadonlySet<string>): Promise<void>;
  abort(): Promise<void>;
}

/**
 * Batches booked now and written later: each {@link writer}'s `commit` only closes its batch
 * (its rows and the books' snapshot after it are kept outside the store, not in memory);
 * `write` then writes the batches in order, one transaction each, calling `onBatch` after
 * each commit. `discard` drops whatever is staged (always call it when done).
 *
 * @example const stage = store.stageBatches(); try { …book every batch into stage.writer()…; await stage.write((i) => console.error(`batch ${i} committed`)); } finally { stage.discard(); }
 */
export interface BatchStage {
  writer(): BatchWriter;
  write(onBatch?: (index: number) => void): Promise<void>;
  discard(): void;
}

/**
 * A ledger store. Every read of one opened store sees committed data only; a batch, a
 * rollback and `init` are each one transaction.
 *
 * @example
 * const store = await openLedger('postgres://capflow@db.internal/fund');
 * try { console.log(await store.counts()); } finally { await store.close(); }
 */
export interface LedgerBackend {
  /** Where the ledger is, fit to print: a file path, or a database URL without its password. */
  readonly path: string;
  /** Closes the store (a DuckDB file is checkpointed; a PostgreSQL session ends, releasing its locks). */
  close(): void | Promise<void>;
  /** The schema version stored (0 for an empty database). */
  schemaVersion(): Promise<number>;
  /** Records the deployment and empty books; refuses a ledger that is already initialised. */
  init(d: Deployment): Promise<void>;
  /** The deployment; a UserError naming `--db` when the ledger was never initialised. */
  deployment(): Promise<Deployment>;
  /** The books as of the last committed batch. */
  loadState(): Promise<TreasuryState>;
  /** Stored events per kind. */
  counts(): Promise<Record<EventKind, number>>;
  /** Wall-clock time of the last sync, or null. */
  lastUpdatedAt(): Promise<string | null>;
  /** The stored events with fromBlock ≤ blockNumber ≤ toBlock, by event key. */
  storedEvents(fromBlock: number, toBlock: number): Promise<Map<string, LedgerEvent>>;
  /**
   * The keys (`chainId:txHash:logIndex`) of those of `events` already stored, at any block.
   * Optional: a store whose unique key is (chainId, txHash, logIndex) refuses them itself.
   */
  storedEventKeys?(events: readonly LedgerEvent[]): Promise<Set<string>>;
  /** Every stored event in the order it was applied. */
  eventsInOrder(): Promise<LedgerEvent[]>;
  /** Stored events and the highest sequence number (they should be equal). */
  eventSeqs(): Promise<{ count: number; maxSeq: number }>;
  /** Σ quantity of the stored balance updates per `position\u0000asset` (exact), how many there are and their highest id. */
  updateSums(): Promise<{ sums: Map<string, bigint>; count: number; maxId: number }>;
  /** The latest block time of the stored events (ISO-8601 UTC), or null when there are none. */
  latestEventTime(): Promise<string | null>;
  /** Highest stored event block, or null. */
  maxEventBlock(): Promise<number | null>;
  /** The distinct (block, hash) pairs of stored events at or below `block`, highest first, at most `limit`. */
  storedBlockHashes(block: number, limit: number): Promise<{ blockNumber: number; blockHash: string }[]>;
  /** Deletes every event above `state`'s cursor and their balance updates, and writes `state`, in one transaction. */
  rollbackTo(state: TreasuryState, syncedAt: string): Promise<{ events: number; updates: number }>;
  /** Every stored event at or below `block`, in the order it was applied. */
  eventsUpTo(block: number): Promise<LedgerEvent[]>;
  /** Balance updates, newest `limit` in id order, optionally of one cause, with how many match. */
  history(opts?: { cause?: EventKind; limit?: number }): Promise<{ updates: BalanceUpdate[]; total: number }>;
  /** Begins a batch written as it is booked (optional: without it, the sync gathers each batch and calls `commitBatch`). */
  openBatch?(): Promise<BatchWriter>;
  /** Stages batches to write after they are all booked (optional: without it, a feed sync scans the feed twice, checking, then writing). */
  stageBatches?(): BatchStage;
  /** Writes one sync batch in one transaction; on any error nothing of it is written. */
  commitBatch(batch: LedgerBatch): Promise<void>;
  /** Moves only the last-sync time (a sync that found nothing new). */
  touch(syncedAt: string): Promise<void>;
  /** A fund ledger's venues (the venue behind each position), by position; empty for a vault ledger. */
  fundVenues(): Promise<LedgerFundVenue[]>;
  /** Records (adds or replaces, by position) a fund ledger's venues. */
  recordFundVenues(venues: readonly LedgerFundVenue[]): Promise<void>;
}
