/**
 * Event sources: where the ledger's events come from. A source answers "which events lie in
 * this block range" and says how far it has read (its cursor), so a chain reader can be
 * added later without touching the ledger. The JSON-lines file is one implementation.
 */
import { readFeedFile, type ParsedFeed, type SourcedEvent } from './feed.ts';

/** Blocks to read, inclusive, and a soft cap on the events returned. */
export interface BlockRange {
  fromBlock: number;
  toBlock: number;
  /** The source stops at the end of the block in which this many events are reached. */
  maxEvents: number;
}

/** Events of a block range, in chain order, and the last block read completely. */
export interface EventBatch {
  events: readonly SourcedEvent[];
  /** Every event with blockNumber ≤ cursor (within the range) is in `events` or an earlier batch. */
  cursor: number;
  /** The cursor block's hash, when the source knows it (the chain source does). */
  cursorHash?: string;
}

/**
 * A source of ledger events.
 *
 * @example
 * const source = JsonlEventSource.fromFile('events.jsonl');
 * const { events, cursor } = await source.read({ fromBlock: 0, toBlock: (await source.head()) ?? 0, maxEvents: 10_000 });
 */
export interface EventSource {
  /** For messages: a file path, an RPC URL. */
  readonly name: string;
  /** Exact repeats the source dropped itself (e.g. a line repeated in a file). */
  readonly repeatedEvents: number;
  /** The highest block the source can serve, or null when it has no events. */
  head(): Promise<number | null>;
  /** Events with fromBlock ≤ blockNumber ≤ toBlock, whole blocks only. */
  read(range: BlockRange): Promise<EventBatch>;
}

/** Index of the first event with blockNumber ≥ block (binary search). */
function lowerBound(events: readonly SourcedEvent[], block: number): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (events[mid].event.blockNumber < block) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * A parsed JSON-lines feed served by block range. The whole file is validated up front, so a
 * malformed line stops a sync before anything is written.
 *
 * @example const source = JsonlEventSource.fromFile('events.jsonl');
 */
export class JsonlEventSource implements EventSource {
  readonly name: string;
  readonly repeatedEvents: number;
  private readonly events: readonly SourcedEvent[];

  constructor(name: string, feed: ParsedFeed) {
    this.name = name;
    this.events = feed.events;
    this.repeatedEvents = feed.repeatedLines;
  }

  /** Reads and validates a feed file. */
  static fromFile(path: string): JsonlEventSource {
    return new JsonlEventSource(path, readFeedFile(path));
  }

  async head(): Promise<number | null> {
    const last = this.events[this.events.length - 1];
    return last === undefined ? null : last.event.blockNumber;
  }

  async read(range: BlockRange): Promise<EventBatch> {
    const start = lowerBound(this.events, range.fromBlock);
    const stop = lowerBound(this.events, range.toBlock + 1);
    let end = Math.min(stop, start + Math.max(1, range.maxEvents));
    if (end < stop) {
      // finish the block the cap fell in
      const block = this.events[end - 1].event.blockNumber;
      while (end < stop && this.events[end].event.blockNumber === block) end++;
    }
    const cursor = end < stop ? this.events[end - 1].event.blockNumber : range.toBlock;
    return { events: this.events.slice(start, end), cursor };
  }
}
