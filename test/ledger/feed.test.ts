import { describe, expect, it } from 'vitest';
import { formatFeedLine, parseFeed, parseFeedLine } from '../../src/index.ts';

const TX = `0x${'ab'.repeat(32)}`;
const OWNER = `0x${'Cd'.repeat(20)}`;
const DEPOSIT = `{"kind":"deposit","chainId":1,"blockNumber":100,"txHash":"${TX}","logIndex":0,"timestamp":"2024-01-01T00:00:00Z","owner":"${OWNER}","assets":"1000000000","shares":"1000000000000000000000"}`;

function line(fields: Record<string, unknown>): string {
  return JSON.stringify({ ...JSON.parse(DEPOSIT), ...fields });
}

describe('parseFeedLine', () => {
  it('parses the README example into bigints, lower-case hex and a canonical timestamp', () => {
    const { event, where } = parseFeedLine(DEPOSIT, 3);
    expect(where).toBe('line 3');
    expect(event).toEqual({
      kind: 'deposit',
      chainId: 1,
      blockNumber: 100,
      txHash: TX,
      logIndex: 0,
      timestamp: '2024-01-01T00:00:00.000Z',
      owner: OWNER.toLowerCase(),
      assets: 1_000_000_000n,
      shares: 10n ** 21n,
    });
  });

  it('parses every kind', () => {
    const common = { chainId: 1, blockNumber: 5, txHash: TX, logIndex: 1, timestamp: '2024-01-01T00:00:00.123Z' };
    const kinds = [
      { kind: 'redeem', owner: OWNER, assets: '1', shares: '2' },
      { kind: 'redeem_request', owner: OWNER, shares: '2' },
      { kind: 'settle', owner: OWNER, shares: '2', navPerShare: '1000000' },
      { kind: 'settle', owner: OWNER, shares: '2', assets: '3' },
      { kind: 'interest', asset: 'aUSDC', balance: '10', force: true },
      { kind: 'correction', asset: 'USDC', quantity: '-5', reason: 'fee', position: 'reserve', cycle: 4, priceUsd: 1.0001, notes: 'x' },
      { kind: 'transfer', from: OWNER, to: `0x${'ef'.repeat(20)}`, shares: '7', blockHash: `0x${'AB'.repeat(32)}` },
    ];
    for (const k of kinds) expect(parseFeedLine(JSON.stringify({ ...common, ...k }), 1).event.kind).toBe(k.kind);
  });

  it('takes any uint256 amount exactly (2^256 - 1 included)', () => {
    const max = (2n ** 256n - 1n).toString();
    const e = parseFeedLine(line({ assets: max, shares: max }), 1).event as { assets: bigint; shares: bigint };
    expect(e.assets).toBe(2n ** 256n - 1n);
    expect(e.shares).toBe(2n ** 256n - 1n);
  });

  it.each([
    [line({ kind: 'mint' }), /^line 7: kind: unknown kind "mint".*one of deposit, redeem/],
    [line({ colour: 'red' }), /^line 7: colour: unknown field colour/],
    [line({ assets: '-5' }), /^line 7: assets: must be a decimal string of base units/],
    [line({ assets: 5 }), /^line 7: assets: .*expected string/i],
    [line({ assets: '1.5' }), /^line 7: assets/],
    [line({ assets: (2n ** 256n).toString() }), /^line 7: assets: must be at most 2\^256 - 1/],
    [line({ assets: '9'.repeat(79) }), /^line 7: assets: must be at most 2\^256 - 1/],
    [line({ assets: '+5' }), /^line 7: assets: must be a decimal string of base units/],
    [line({ assets: '1e6' }), /^line 7: assets: must be a decimal string of base units/],
    [line({ assets: '007' }), /^line 7: assets: must be a decimal string of base units/],
    [line({ kind: 'correction', owner: undefined, asset: 'USDC', quantity: `-${2n ** 256n}`, reason: 'x', assets: undefined, shares: undefined }), /^line 7: quantity: must be at most 2\^256 - 1/],
    [line({ kind: 'transfer', owner: undefined, assets: undefined, from: OWNER, to: 'nope' }), /^line 7: to: must be 0x \+ 40 hex digits/],
    [line({ txHash: '0x12' }), /^line 7: txHash: must be 0x \+ 64 hex digits/],
    [line({ timestamp: '2024-01-01 00:00' }), /^line 7: timestamp: must be ISO-8601 UTC/],
    [line({ timestamp: '2024-13-45T00:00:00Z' }), /^line 7: timestamp: is not a valid date/],
    [line({ owner: undefined }), /^line 7: owner/],
    [line({ blockNumber: -1 }), /^line 7: blockNumber/],
    [line({ kind: 'settle', assets: '1', navPerShare: '1' }), /^line 7: navPerShare: give exactly one of navPerShare and assets/],
    ['{"kind":"deposit",', /^line 7: not valid JSON/],
    ['[1]', /^line 7: must be a JSON object/],
  ])('names the line and field of %s', (text, message) => {
    expect(() => parseFeedLine(text, 7)).toThrow(message);
  });
});

describe('parseFeed', () => {
  const second = line({ blockNumber: 101, txHash: `0x${'cd'.repeat(32)}` });

  it('skips blank lines and exact repeats (whatever the key order, spacing or hex case)', () => {
    const reordered = JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(DEPOSIT)).reverse())).replace(TX, TX.toUpperCase().replace('0X', '0x'));
    const feed = parseFeed(`${DEPOSIT}\n\n${second}\n${reordered}\n`);
    expect(feed.events).toHaveLength(2);
    expect(feed.repeatedLines).toBe(1);
  });

  it('refuses a repeated key with other content, naming both lines', () => {
    expect(() => parseFeed(`${DEPOSIT}\n${second}\n${line({ assets: '999' })}`)).toThrow(/^line 3: logIndex: event 1:0xabab.*:0 appears on line 1 with other content/);
  });

  it('refuses events out of chain order and mixed chains', () => {
    expect(() => parseFeed(`${second}\n${DEPOSIT}`)).toThrow(/^line 2: blockNumber: .*does not come after line 1/);
    expect(() => parseFeed(`${DEPOSIT}\n${line({ blockNumber: 101, txHash: `0x${'cd'.repeat(32)}`, chainId: 10 })}`)).toThrow(/^line 2: chainId: is 10 but line 1 has 1/);
  });
});

describe('formatFeedLine', () => {
  it('is canonical and parses back to the same event', () => {
    const { event } = parseFeedLine(DEPOSIT, 1);
    const text = formatFeedLine(event);
    expect(text).toBe(`{"kind":"deposit","chainId":1,"blockNumber":100,"txHash":"${TX}","logIndex":0,"timestamp":"2024-01-01T00:00:00.000Z","owner":"${OWNER.toLowerCase()}","assets":"1000000000","shares":"1000000000000000000000"}`);
    expect(parseFeedLine(text, 1).event).toEqual(event);
  });
});
