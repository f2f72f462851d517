/**
 * The feed's fast path: a hand-written check of the common, plainly valid event line (the
 * fields every generator and chain export writes) that skips the schema walk. It is a filter,
 * never a judge: it answers "certainly valid" or "ask the schema", so every line it passes
 * the schema (feed.ts) passes too, with the same result, and every refusal and its message
 * still comes from the schema. Free text (notes, reasons) is passed only when it is short
 * printable ASCII; anything unusual goes the slow way.
 */
import { ADDRESS_PATTERN, ISO_UTC_PATTERN, SYMBOL_PATTERN, TX_HASH_PATTERN } from './feed.ts';
import type { EventKind } from './types.ts';

const UINT256_MAX = 2n ** 256n - 1n;
const MAX_DIGITS = 78;
const POSITION_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;
const PLAIN_TEXT = /^[\x20-\x7e]{1,1000}$/;
const INT31_MAX = 2 ** 31 - 1;

type Check = (value: unknown) => boolean;

function isAmount(v: unknown): boolean {
  if (typeof v !== 'string') return false;
  const n = v.length;
  if (n === 0 || n > MAX_DIGITS) return false;
  const first = v.charCodeAt(0);
  if (first === 48) return n === 1;
  if (first < 49 || first > 57) return false;
  for (let i = 1; i < n; i++) {
    const c = v.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return n < MAX_DIGITS || BigInt(v) <= UINT256_MAX;
}

function isSignedAmount(v: unknown): boolean {
  if (typeof v === 'string' && v.charCodeAt(0) === 45) return v !== '-0' && isAmount(v.slice(1));
  return isAmount(v);
}

const isAddress: Check = (v) => typeof v === 'string' && ADDRESS_PATTERN.test(v);
const isHash: Check = (v) => typeof v === 'string' && TX_HASH_PATTERN.test(v);
const isSymbol: Check = (v) => typeof v === 'string' && SYMBOL_PATTERN.test(v);
const isPosition: Check = (v) => typeof v === 'string' && POSITION_PATTERN.test(v);
const isText: Check = (v) => typeof v === 'string' && PLAIN_TEXT.test(v);
const isNat: Check = (v) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The 2-digit number at `at` of a string already matched by the ISO pattern. */
function two(t: string, at: number): number {
  return (t.charCodeAt(at) - 48) * 10 + t.charCodeAt(at + 1) - 48;
}

/** A timestamp that is certainly a real UTC time (a calendar day, hours 0-23, minutes and seconds 0-59). */
function isTimestamp(v: unknown): boolean {
  if (typeof v !== 'string' || !ISO_UTC_PATTERN.test(v)) return false;
  const year = two(v, 0) * 100 + two(v, 2);
  const month = two(v, 5);
  const day = two(v, 8);
  if (month < 1 || month > 12 || day < 1 || day > DAYS_IN_MONTH[month - 1]) return false;
  if (month === 2 && day === 29 && !(year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0))) return false;
  return two(v, 11) <= 23 && two(v, 14) <= 59 && two(v, 17) <= 59;
}

const BASE: Record<string, Check> = {
  kind: () => true,
  chainId: (v) => typeof v === 'number' && Number.isSafeInteger(v) && v > 0,
  blockNumber: isNat,
  txHash: isHash,
  blockHash: isHash,
  logIndex: (v) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= INT31_MAX,
  timestamp: isTimestamp,
  cycle: isNat,
  priceUsd: (v) => typeof v === 'number' && Number.isFinite(v) && v > 0,
  notes: isText,
};
const REQUIRED_BASE = ['chainId', 'blockNumber', 'txHash', 'logIndex', 'timestamp'];

interface KindShape {
  fields: Record<string, Check>;
  required: string[];
}

function shape(fields: Record<string, Check>, required: string[]): KindShape {
  return { fields: { ...BASE, ...fields }, required: [...REQUIRED_BASE, ...required] };
}

const SHAPES: Record<EventKind, KindShape> = {
  deposit: shape({ owner: isAddress, assets: isAmount, shares: isAmount, controller: isAddress }, ['owner', 'assets', 'shares']),
  deposit_request: shape({ owner: isAddress, assets: isAmount }, ['owner', 'assets']),
  deposit_settle: shape({ owner: isAddress, assets: isAmount, shares: isAmount }, ['owner', 'assets', 'shares']),
  redeem: shape({ owner: isAddress, assets: isAmount, shares: isAmount }, ['owner', 'assets', 'shares']),
  redeem_request: shape({ owner: isAddress, shares: isAmount }, ['owner', 'shares']),
  settle: shape({ owner: isAddress, shares: isAmount, navPerShare: isAmount, assets: isAmount }, ['owner', 'shares']),
  interest: shape({ asset: isSymbol, balance: isAmount, force: (v) => typeof v === 'boolean' }, ['asset', 'balance']),
  cost: shape({ asset: isSymbol, quantity: isAmount, reason: isText, position: isPosition }, ['asset', 'quantity', 'reason']),
  transfer: shape({ from: isAddress, to: isAddress, shares: isAmount }, ['from', 'to', 'shares']),
  fee: shape({ owner: isAddress, shares: isAmount, reason: (v) => v === 'management' || v === 'performance' }, ['owner', 'shares', 'reason']),
  correction: shape({ asset: isSymbol, quantity: isSignedAmount, reason: isText, position: isPosition }, ['asset', 'quantity', 'reason']),
};

/**
 * True when `data` (a parsed feed line) is certainly a valid event of its kind: every field
 * known and well-formed, every required field present. False means "let the schema decide"
 * (it may still be valid, or it is refused there with the field named).
 *
 * @example isPlainlyValidEvent(JSON.parse(line)) ? toEvent(data) : parseConfig(schema, data)
 */
export function isPlainlyValidEvent(data: Record<string, unknown>): boolean {
  const kind = data.kind;
  if (typeof kind !== 'string' || !Object.hasOwn(SHAPES, kind)) return false;
  const { fields, required } = SHAPES[kind as EventKind];
  for (const key in data) {
    if (!Object.hasOwn(fields, key)) return false;
    if (!fields[key](data[key])) return false;
  }
  for (const key of required) if (data[key] === undefined) return false;
  if (kind === 'settle' && (data.navPerShare === undefined) === (data.assets === undefined)) return false;
  return true;
}
