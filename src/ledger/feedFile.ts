/**
 * A JSON-lines feed streamed from its file: read in chunks, each line parsed and checked with
 * the feed's rules (feed.ts: the schema, one chain, chain order, exact repeats dropped) and
 * handed on in batches of whole blocks. Nothing of the feed is kept but a compact key set
 * (keySet.ts), so memory does not follow the feed's size; the file can be scanned again
 * (the sync checks everything in a first scan and writes in a second).
 */
import { readSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { relocateError, UserError } from '../core/errors.ts';
import { errorCode, utf8Line } from '../core/files.ts';
import { checkFollows, checkRepeat, parseFeedLine, type SourcedEvent } from './feed.ts';
import { KeySet } from './keySet.ts';
import type { EventBatch } from './source.ts';
import { eventKey } from './types.ts';

/** Bytes read from the file at a time. */
const CHUNK_BYTES = 1 << 20;
const NEWLINE = 0x0a;

/**
 * What one scan reads: blocks from `fromBlock` (and up to `toBlock`), in batches of at least
 * `batchSize` events (whole blocks; the last batch may be smaller).
 *
 * @example const scan: FeedScan = { fromBlock: 0, batchSize: 50_000 };
 */
export interface FeedScan {
  fromBlock: number;
  toBlock?: number;
  batchSize: number;
  /**
   * The lines an earlier scan of the same file found to repeat an earlier event exactly,
   * ascending: they are skipped unread and the repeat check (a key set) is not kept.
   */
  knownRepeats?: readonly number[];
}

function readError(path: string, field: string, e: unknown): UserError {
  const code = errorCode(e);
  return new UserError({ field, value: path, message: code === 'ENOENT' ? `file not found: ${path}` : `cannot read ${path} (${code})`, hint: 'check the path' });
}

/** The line starting at byte `offset` (without its newline), read again from the file. */
function lineAt(fd: number, offset: number): string {
  const parts: Buffer[] = [];
  for (let at = offset; ; ) {
    const buf = Buffer.allocUnsafe(64 * 1024);
    const n = readSync(fd, buf, 0, buf.length, at);
    const end = buf.subarray(0, n).indexOf(NEWLINE);
    parts.push(buf.subarray(0, end === -1 ? n : end));
    if (end !== -1 || n === 0) return Buffer.concat(parts).toString('utf8');
    at += n;
  }
}

/**
 * The feed's rules over a stream of lines: repeats found through a {@link KeySet} and the
 * file (or known from an earlier scan), chain and order against the previous event.
 */
class StreamRules {
  private readonly keys: KeySet | null;
  private previous: SourcedEvent | undefined;
  private nextKnown = 0;
  /** Lines dropped as exact repeats, ascending. */
  readonly repeats: number[] = [];

  constructor(
    private readonly fd: number,
    private readonly knownRepeats: readonly number[] | undefined,
  ) {
    this.keys = knownRepeats === undefined ? new KeySet() : null;
  }

  /** True when `line` is known to repeat an earlier event (it need not be read). */
  knownRepeat(line: number): boolean {
    const known = this.knownRepeats;
    if (known === undefined || known[this.nextKnown] !== line) return false;
    this.nextKnown++;
    this.repeats.push(line);
    return true;
  }

  /** True for a new event, false for an exact repeat of an earlier line (dropped); throws on anything else. */
  accept(sourced: SourcedEvent, line: number, offset: number): boolean {
    if (this.keys !== null) {
      const key = eventKey(sourced.event);
      for (const seen of this.keys.candidates(key)) {
        const earlier = parseFeedLine(lineAt(this.fd, seen.offset).trim(), seen.line);
        if (eventKey(earlier.event) !== key) continue;
        checkRepeat(earlier, sourced);
        this.repeats.push(line);
        return false;
      }
      this.keys.add(key, line, offset);
    }
    checkFollows(this.previous, sourced);
    this.previous = sourced;
    return true;
  }
}

/**
 * A JSON-lines event feed read from its file as a stream, batch by batch.
 *
 * @example
 * const feed = new JsonlFeedFile('events.jsonl');
 * for await (const batch of feed.batches({ fromBlock: 0, batchSize: 50_000 })) console.log(batch.cursor, batch.events.length);
 */
export class JsonlFeedFile {
  /** Exact repeats dropped by the last complete scan. */
  get repeatedEvents(): number {
    return this.repeatedLines.length;
  }

  /** The lines the last complete scan dropped as exact repeats, ascending (pass them as {@link FeedScan.knownRepeats} to scan again faster). */
  repeatedLines: readonly number[] = [];

  /**
   * @param path the feed file
   * @param field the flag that named it, for errors (`--events`)
   * @param chunkBytes bytes read at a time (a line longer than this grows the buffer)
   */
  constructor(
    readonly path: string,
    readonly field = '--events',
    private readonly chunkBytes = CHUNK_BYTES,
  ) {}

  /** Refuses (a {@link UserError} naming the flag) a file that cannot be opened for reading. */
  async checkReadable(): Promise<void> {
    try {
      await (await open(this.path, 'r')).close();
    } catch (e) {
      throw readError(this.path, this.field, e);
    }
  }

  /** For messages: the path. */
  get name(): string {
    return this.path;
  }

  /**
   * Reads the whole file once, checking every line, and yields the events of `scan`'s block
   * range in batches of whole blocks; each batch's cursor is its last block, the last one's
   * the feed's last block (or `toBlock`). Nothing is yielded when the range holds no block of
   * the feed. Errors name the line and field, and the file.
   */
  async *batches(scan: FeedScan): AsyncGenerator<EventBatch> {
    let handle: FileHandle;
    try {
      handle = await open(this.path, 'r');
    } catch (e) {
      throw readError(this.path, this.field, e);
    }
    try {
      const rules = new StreamRules(handle.fd, scan.knownRepeats);
      const ready: EventBatch[] = [];
      let pending: SourcedEvent[] = [];
      let lastBlock: number | null = null;
      const take = (start: number, end: number, line: number): void => {
        if (rules.knownRepeat(line)) return;
        const trimmed = utf8Line(buf, start, end, line).trim();
        if (trimmed === '') return;
        const sourced = parseFeedLine(trimmed, line);
        if (!rules.accept(sourced, line, bufOffset + start)) return;
        const block = sourced.event.blockNumber;
        lastBlock = block;
        if (block < scan.fromBlock || (scan.toBlock !== undefined && block > scan.toBlock)) return;
        const last = pending[pending.length - 1];
        if (last !== undefined && pending.length >= scan.batchSize && block !== last.event.blockNumber) {
          ready.push({ events: pending, cursor: last.event.blockNumber });
          pending = [];
        }
        pending.push(sourced);
      };
      let buf = Buffer.allocUnsafe(this.chunkBytes);
      let filled = 0;
      let bufOffset = 0; // file offset of buf[0]
      let line = 0;
      for (;;) {
        if (filled === buf.length) {
          const bigger = Buffer.allocUnsafe(buf.length * 2); // one line longer than the buffer
          buf.copy(bigger, 0, 0, filled);
          buf = bigger;
        }
        let n: number;
        try {
          ({ bytesRead: n } = await handle.read(buf, filled, buf.length - filled, bufOffset + filled));
        } catch (e) {
          throw readError(this.path, this.field, e);
        }
        filled += n;
        let start = 0;
        try {
          const view = buf.subarray(0, filled);
          for (let end = view.indexOf(NEWLINE); end !== -1; end = view.indexOf(NEWLINE, start)) {
            take(start, end, ++line);
            start = end + 1;
          }
          if (n === 0) {
            take(start, filled, ++line);
            break;
          }
        } catch (e) {
          throw relocateError(e, (name) => name, ` in ${this.path}`);
        }
        buf.copy(buf, 0, start, filled);
        filled -= start;
        bufOffset += start;
        for (const batch of ready.splice(0)) yield batch;
      }
      for (const batch of ready.splice(0)) yield batch;
      this.repeatedLines = rules.repeats;
      if (lastBlock === null) return;
      const head: number = scan.toBlock === undefined ? lastBlock : Math.min(scan.toBlock, lastBlock);
      if (head >= scan.fromBlock) yield { events: pending, cursor: head };
    } finally {
      await handle.close();
    }
  }
}
