/**
 * The JSON-lines event feed: one event object per line, amounts as decimal strings in base
 * units. Parsing validates every line with zod (unknown kinds and fields are errors naming
 * the line and field), normalises hashes and addresses to lower case and timestamps to
 * ISO-8601 UTC, and keeps a canonical JSON text of each event to recognise replays.
 */
import * as z from '../core/zod.ts';
import { parseConfig } from '../core/config.ts';
import { relocateError, UserError } from '../core/errors.ts';
import { readTextFile } from '../core/files.ts';
import { isSafeText, SAFE_TEXT_RULE } from '../core/text.ts';
import { isCalendarTime } from '../core/time.ts';
import { isPlainlyValidEvent } from './feedFast.ts';
import { EVENT_KINDS, eventKey, type EventKind, type LedgerEvent } from './types.ts';

/** An event with where it came from. */
export interface SourcedEvent {
  event: LedgerEvent;
  /** Where it came from, for messages: `line 12` of a file. */
  where: string;
}

/** The largest token amount: 2^256 − 1 (uint256), 78 digits. @example UINT256_MAX.toString().length // 78 */
export const UINT256_MAX = 2n ** 256n - 1n;
const MAX_DIGITS = UINT256_MAX.toString().length;
const UINT256_TEXT = 'must be at most 2^256 - 1 (a uint256)';
const amount = z
  .string()
  .regex(/^(0|[1-9]\d*)$/, 'must be a decimal string of base units (digits only, no sign, fraction, exponent or leading zeros)')
  .refine((v) => v.length < MAX_DIGITS || (v.length === MAX_DIGITS && BigInt(v) <= UINT256_MAX), UINT256_TEXT);
const signedAmount = z
  .string()
  .regex(/^(0|-?[1-9]\d*)$/, 'must be a signed decimal string of base units (digits and an optional "-", no fraction, exponent or "+")')
  .refine((v) => {
    const digits = v.startsWith('-') ? v.slice(1) : v;
    return digits.length < MAX_DIGITS || (digits.length === MAX_DIGITS && BigInt(digits) <= UINT256_MAX);
  }, `${UINT256_TEXT} in size`);
/** An account or contract address. @example ADDRESS_PATTERN.test('0x' + 'ab'.repeat(20)) // true */
export const ADDRESS_PATTERN = /^0x[0-9a-fA-F]{40}$/;
/** A token symbol. @example SYMBOL_PATTERN.test('USDC.e') // true */
export const SYMBOL_PATTERN = /^[A-Za-z0-9._-]{1,32}$/;
/** A transaction hash. @example TX_HASH_PATTERN.test('0x' + '0'.repeat(64)) // true */
export const TX_HASH_PATTERN = /^0x[0-9a-fA-F]{64}$/;
/** An ISO-8601 UTC time, seconds or milliseconds. @example ISO_UTC_PATTERN.test('2024-01-01T00:00:00Z') // true */
export const ISO_UTC_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

const address = z.string().regex(ADDRESS_PATTERN, 'must be 0x + 40 hex digits');
/** Notes and reasons: up to 1000 characters, no control characters (they reach the terminal and reports). */
const freeText = z.string().max(1000).refine(isSafeText, SAFE_TEXT_RULE);
const symbol = z.string().regex(SYMBOL_PATTERN, 'must be 1-32 letters, digits, ".", "_" or "-"');
const timestamp = z.string().regex(ISO_UTC_PATTERN, 'must be ISO-8601 UTC, e.g. 2024-01-01T00:00:00Z').refine(isCalendarTime, 'is not a valid date and time (no 2024-02-30, month 13 or hour 24)');

const base = {
  chainId: z.number().int().positive(),
  blockNumber: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  txHash: z.string().regex(TX_HASH_PATTERN, 'must be 0x + 64 hex digits'),
  blockHash: z.string().regex(TX_HASH_PATTERN, 'must be 0x + 64 hex digits').optional(),
  logIndex: z.number().int().nonnegative().max(2 ** 31 - 1),
  timestamp,
  cycle: z.number().int().nonnegative().optional(),
  priceUsd: z.number().positive().optional(),
  notes: freeText.optional(),
};

/** A ledger position id (a venue name, `reserve`, …). */
const positionId = z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/, 'must be 1-64 letters, digits, ".", "_", ":" or "-"').optional();

const SCHEMAS = {
  deposit: z.strictObject({ kind: z.literal('deposit'), ...base, owner: address, assets: amount, shares: amount, controller: address.optional() }),
  deposit_request: z.strictObject({ kind: z.literal('deposit_request'), ...base, owner: address, assets: amount }),
  deposit_settle: z.strictObject({ kind: z.literal('deposit_settle'), ...base, owner: address, assets: amount, shares: amount }),
  redeem: z.strictObject({ kind: z.literal('redeem'), ...base, owner: address, assets: amount, shares: amount }),
  redeem_request: z.strictObject({ kind: z.literal('redeem_request'), ...base, owner: address, shares: amount }),
  settle: z
    .strictObject({ kind: z.literal('settle'), ...base, owner: address, shares: amount, navPerShare: amount.optional(), assets: amount.optional() })
    .refine((e) => (e.navPerShare === undefined) !== (e.assets === undefined), { message: 'give exactly one of navPerShare and assets', path: ['navPerShare'] }),
  interest: z.strictObject({ kind: z.literal('interest'), ...base, asset: symbol, balance: amount, force: z.boolean().optional() }),
  cost: z.strictObject({
    kind: z.literal('cost'),
    ...base,
    asset: symbol,
    quantity: amount,
    reason: freeText.min(1),
    position: positionId,
  }),
  transfer: z.strictObject({ kind: z.literal('transfer'), ...base, from: address, to: address, shares: amount }),
  fee: z.strictObject({ kind: z.literal('fee'), ...base, owner: address, shares: amount, reason: z.enum(['management', 'performance']) }),
  correction: z.strictObject({
    kind: z.literal('correction'),
    ...base,
    asset: symbol,
    quantity: signedAmount,
    reason: freeText.min(1),
    position: positionId,
  }),
} satisfies Record<EventKind, z.ZodType>;

type RawEvent = { kind: EventKind } & Record<string, unknown>;

const AMOUNT_FIELDS = ['assets', 'shares', 'navPerShare', 'balance', 'quantity'] as const;

/** ISO-8601 UTC with milliseconds, from a validated timestamp (fast path for the common shapes). */
function normaliseTimestamp(t: string): string {
  if (t.length === 20) return `${t.slice(0, 19)}.000Z`;
  if (t.length === 24) return t;
  return new Date(t).toISOString();
}

/** Normalises a validated object in place (lower-case hex, canonical timestamp, bigint amounts). */
function toEvent(raw: RawEvent): LedgerEvent {
  raw.txHash = (raw.txHash as string).toLowerCase();
  if (typeof raw.blockHash === 'string') raw.blockHash = raw.blockHash.toLowerCase();
  if (typeof raw.from === 'string') raw.from = raw.from.toLowerCase();
  if (typeof raw.to === 'string') raw.to = raw.to.toLowerCase();
  raw.timestamp = normaliseTimestamp(raw.timestamp as string);
  if (typeof raw.owner === 'string') raw.owner = raw.owner.toLowerCase();
  if (typeof raw.controller === 'string') raw.controller = raw.controller.toLowerCase();
  for (const field of AMOUNT_FIELDS) {
    const value = raw[field];
    if (typeof value === 'string') raw[field] = BigInt(value);
  }
  return raw as unknown as LedgerEvent;
}

/**
 * Parses one line of the feed. Errors are {@link UserError}s whose field is `line N: field`.
 *
 * @example parseFeedLine('{"kind":"interest","chainId":1,"blockNumber":5,"txHash":"0x…","logIndex":0,"timestamp":"2024-01-01T00:00:00Z","asset":"aUSDC","balance":"100"}', 1)
 */
export function parseFeedLine(text: string, line: number): SourcedEvent {
  const where = `line ${line}`;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new UserError({ field: where, message: `not valid JSON (${e instanceof Error ? e.message : String(e)})`, hint: 'one JSON object per line' });
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new UserError({ field: where, message: 'must be a JSON object', hint: 'one JSON object per line' });
  }
  return { event: eventOfObject(data as Record<string, unknown>, where), where };
}

/**
 * A parsed feed line (a JSON object) checked and normalised into an event; errors name
 * `where` and the field. `fastPath: false` always walks the schema (tests compare the two).
 *
 * @example eventOfObject(JSON.parse(line), 'line 3').kind // 'deposit'
 */
export function eventOfObject(data: Record<string, unknown>, where: string, opts: { fastPath?: boolean } = {}): LedgerEvent {
  if (opts.fastPath !== false && isPlainlyValidEvent(data)) return toEvent(data as RawEvent);
  const kind = data.kind;
  if (typeof kind !== 'string' || !(EVENT_KINDS as readonly string[]).includes(kind)) {
    throw new UserError({ field: `${where}: kind`, value: kind, message: `unknown kind ${JSON.stringify(kind)}`, hint: `one of ${EVENT_KINDS.join(', ')}` });
  }
  let raw: RawEvent;
  try {
    raw = parseConfig(SCHEMAS[kind as EventKind], data) as RawEvent;
  } catch (e) {
    throw relocateError(e, (field) => `${where}: ${field}`);
  }
  return toEvent(raw);
}

/** A parsed feed: the events in chain order, and how many lines repeated an earlier event exactly. */
export interface ParsedFeed {
  events: SourcedEvent[];
  repeatedLines: number;
}

function orderOf(a: LedgerEvent, b: LedgerEvent): number {
  return a.blockNumber - b.blockNumber || a.logIndex - b.logIndex;
}

/**
 * Refuses a line whose event key was seen on an earlier line with other content (an exact
 * repeat passes: the caller drops it and counts it).
 *
 * @example checkRepeat(earlier, sourced); repeatedLines++;
 */
export function checkRepeat(earlier: SourcedEvent, sourced: SourcedEvent): void {
  if (formatFeedLine(earlier.event) !== formatFeedLine(sourced.event)) {
    throw new UserError({ field: `${sourced.where}: logIndex`, message: `event ${eventKey(sourced.event)} appears on ${earlier.where} with other content`, hint: 'each (chainId, txHash, logIndex) is one event' });
  }
}

/**
 * Refuses a new event that is on another chain than, or does not come after (blockNumber,
 * then logIndex), the feed's previous event.
 *
 * @example checkFollows(events.at(-1), sourced);
 */
export function checkFollows(previous: SourcedEvent | undefined, sourced: SourcedEvent): void {
  if (previous === undefined) return;
  if (sourced.event.chainId !== previous.event.chainId) {
    throw new UserError({ field: `${sourced.where}: chainId`, value: sourced.event.chainId, message: `is ${sourced.event.chainId} but ${previous.where} has ${previous.event.chainId}`, hint: 'one feed holds one chain' });
  }
  if (orderOf(previous.event, sourced.event) >= 0) {
    throw new UserError({
      field: `${sourced.where}: blockNumber`,
      value: sourced.event.blockNumber,
      message: `(${sourced.event.blockNumber}, logIndex ${sourced.event.logIndex}) does not come after ${previous.where} (${previous.event.blockNumber}, logIndex ${previous.event.logIndex})`,
      hint: 'sort the feed by blockNumber, then logIndex',
    });
  }
}

/**
 * Parses a whole feed text. Blank lines are ignored. A line that repeats an earlier event
 * exactly (same key, same content) is dropped and counted; the same key with other content
 * is an error naming both lines. Events must come in chain order (blockNumber, then
 * logIndex), one chain only.
 *
 * @example const { events } = parseFeed(readFileSync('events.jsonl', 'utf8'));
 */
export function parseFeed(text: string): ParsedFeed {
  const events: SourcedEvent[] = [];
  const seen = new Map<string, SourcedEvent>();
  let repeatedLines = 0;
  let lineNo = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    lineNo++;
    const lineText = text.slice(start, end).trim();
    start = end + 1;
    if (lineText === '') continue;
    const sourced = parseFeedLine(lineText, lineNo);
    const key = eventKey(sourced.event);
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      checkRepeat(earlier, sourced);
      repeatedLines++;
      continue;
    }
    checkFollows(events[events.length - 1], sourced);
    seen.set(key, sourced);
    events.push(sourced);
  }
  return { events, repeatedLines };
}

/**
 * Reads and parses a feed file (see {@link parseFeed}); errors name the file, and `field`
 * (the flag or config path that gave it) when it cannot be read.
 *
 * @example const feed = readFeedFile('events.jsonl');
 */
export function readFeedFile(path: string, field = '--events'): ParsedFeed {
  const text = readTextFile(path, field);
  try {
    return parseFeed(text);
  } catch (e) {
    throw relocateError(e, (name) => name, ` in ${path}`);
  }
}

/** Every field an event can have, in the canonical order of a feed line. */
const FIELD_ORDER = [
  'kind', 'chainId', 'blockNumber', 'blockHash', 'txHash', 'logIndex', 'timestamp', 'owner', 'controller', 'from', 'to', 'assets', 'shares', 'navPerShare',
  'asset', 'balance', 'force', 'quantity', 'reason', 'position', 'cycle', 'priceUsd', 'notes',
] as const;

/**
 * The canonical feed line of an event (fixed key order, amounts as decimal strings): two
 * events are the same exactly when their lines are equal.
 *
 * @example formatFeedLine(event) // '{"kind":"deposit","chainId":1,…,"assets":"1000000000",…}'
 */
export function formatFeedLine(event: LedgerEvent): string {
  const fields = event as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of FIELD_ORDER) {
    const value = fields[key];
    if (value !== undefined) out[key] = typeof value === 'bigint' ? value.toString() : value;
  }
  return JSON.stringify(out);
}
