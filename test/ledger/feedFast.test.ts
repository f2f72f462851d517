/**
 * The feed's fast path never passes a line the schema would refuse, and gives the same event
 * as the schema when it passes one (fast-check over mutated events of every kind).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventOfObject, formatFeedLine, generateFeed, UINT256_MAX } from '../../src/index.ts';
import { isPlainlyValidEvent } from '../../src/ledger/feedFast.ts';

const HASH = `0x${'ab'.repeat(32)}`;
const ADDR = `0x${'Cd'.repeat(20)}`;
const base = { chainId: 1, blockNumber: 7, txHash: HASH, logIndex: 0, timestamp: '2024-01-01T00:00:00Z' };
const SEEDS: Record<string, unknown>[] = [
  ...[...generateFeed({ events: 40, seed: 5 })].map((l) => JSON.parse(l) as Record<string, unknown>),
  { ...base, kind: 'settle', owner: ADDR, shares: '10', assets: '5', cycle: 3, priceUsd: 1.01, notes: 'ok' },
  { ...base, kind: 'fee', owner: ADDR, shares: '10', reason: 'performance' },
  { ...base, kind: 'transfer', from: ADDR, to: `0x${'11'.repeat(20)}`, shares: '1', blockHash: HASH.toUpperCase().replace('0X', '0x') },
  { ...base, kind: 'cost', asset: 'USDC', quantity: '1', reason: 'gas', position: 'aave:v3' },
  { ...base, kind: 'correction', asset: 'aUSDC', quantity: '-5', reason: 'fix' },
  { ...base, kind: 'interest', asset: 'aUSDC', balance: '5', force: true },
  { ...base, kind: 'deposit', owner: ADDR, assets: '5', shares: '7', controller: ADDR },
  { ...base, kind: 'deposit_request', owner: ADDR, assets: '5' },
  { ...base, kind: 'deposit_settle', owner: ADDR, assets: '5', shares: '9' },
];

const FIELDS = ['kind', 'chainId', 'blockNumber', 'txHash', 'blockHash', 'logIndex', 'timestamp', 'owner', 'controller', 'from', 'to', 'assets', 'shares', 'navPerShare', 'asset', 'balance', 'force', 'quantity', 'reason', 'position', 'cycle', 'priceUsd', 'notes', 'extra', '__proto__'];
const VALUES: unknown[] = [
  undefined, null, true, false, 0, 1, -1, 1.5, 2 ** 31 - 1, 2 ** 31, 2 ** 53, Number.MAX_SAFE_INTEGER, 1e308, -0, [], {}, '',
  '0', '00', '01', '-0', '-1', '+1', '1e3', '1.0', ' 1', UINT256_MAX.toString(), (UINT256_MAX + 1n).toString(), `-${UINT256_MAX}`, `-${UINT256_MAX + 1n}`, '9'.repeat(77), '9'.repeat(79),
  HASH, HASH.toUpperCase(), `0x${'ab'.repeat(31)}`, ADDR, ADDR.toLowerCase(), `0x${'g'.repeat(40)}`,
  '2024-01-01T00:00:00Z', '2024-01-01T00:00:00.5Z', '2024-01-01T00:00:00.123Z', '2024-02-30T00:00:00Z', '2024-02-29T23:59:59Z', '2023-02-29T00:00:00Z', '1900-02-29T00:00:00Z', '2000-02-29T00:00:00Z', '0000-02-29T00:00:00Z', '2024-04-31T00:00:00Z', '2024-12-31T23:59:59.999Z',
  '2024-13-01T00:00:00Z', '2024-01-01T24:00:00Z', '2024-01-01T00:60:00Z', '2024-01-01 00:00:00Z', '2024-01-01T00:00:00+00:00',
  'deposit', 'deposit_request', 'deposit_settle', 'redeem', 'settle', 'fee', 'management', 'performance', 'USDC', 'a'.repeat(33), 'reserve', 'pending', 'x'.repeat(1000), 'x'.repeat(1001),
  'tab\there', 'new\nline', 'é', '\u0000', '\ud800', 'a:b.c-d_e',
];

const mutation = fc.record({
  seed: fc.nat({ max: SEEDS.length - 1 }),
  edits: fc.array(fc.tuple(fc.constantFrom(...FIELDS), fc.nat({ max: VALUES.length - 1 })), { maxLength: 3 }),
});

function mutated(seed: number, edits: [string, number][]): Record<string, unknown> {
  const data: Record<string, unknown> = { ...SEEDS[seed] };
  for (const [field, v] of edits) {
    const value = VALUES[v];
    if (value === undefined) delete data[field];
    else Object.defineProperty(data, field, { value, enumerable: true, writable: true, configurable: true });
  }
  return JSON.parse(JSON.stringify(data)) as Record<string, unknown>;
}

function schemaResult(data: Record<string, unknown>): { ok: true; line: string } | { ok: false } {
  try {
    return { ok: true, line: formatFeedLine(eventOfObject(data, 'line 1', { fastPath: false })) };
  } catch {
    return { ok: false };
  }
}

describe('the feed fast path', () => {
  it('passes the unmutated seeds (so it is used at all)', () => {
    for (const seed of SEEDS.slice(0, 40)) expect(isPlainlyValidEvent({ ...seed })).toBe(true);
  });

  it('passes only what the schema passes, with the same event', () => {
    fc.assert(
      fc.property(mutation, ({ seed, edits }) => {
        const data = mutated(seed, edits);
        const slow = schemaResult(JSON.parse(JSON.stringify(data)) as Record<string, unknown>);
        if (isPlainlyValidEvent(data)) {
          expect(slow.ok).toBe(true);
          if (slow.ok) expect(formatFeedLine(eventOfObject(data, 'line 1'))).toBe(slow.line);
        }
      }),
      { numRuns: 4000, seed: 17 },
    );
  });
});
