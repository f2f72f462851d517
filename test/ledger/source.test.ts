import { describe, expect, it } from 'vitest';
import { JsonlEventSource, formatFeedLine, parseFeed } from '../../src/index.ts';
import { OWNER_A, ev } from './helpers.ts';

/** Blocks 10, 10, 10, 11, 12, 12, 15. */
const BLOCKS = [10, 10, 10, 11, 12, 12, 15];
const source = new JsonlEventSource(
  'test',
  parseFeed(BLOCKS.map((b, i) => formatFeedLine(ev(b, { kind: 'deposit', owner: OWNER_A, assets: 1n, shares: 1n }, i))).join('\n')),
);

describe('JsonlEventSource', () => {
  it('has the last block as head', async () => {
    expect(await source.head()).toBe(15);
    expect(await new JsonlEventSource('empty', parseFeed('')).head()).toBeNull();
  });

  it('reads a block range whole, stopping at the end of the block where maxEvents is reached', async () => {
    const first = await source.read({ fromBlock: 0, toBlock: 15, maxEvents: 2 });
    expect(first.events.map((s) => s.event.blockNumber)).toEqual([10, 10, 10]);
    expect(first.cursor).toBe(10);
    const second = await source.read({ fromBlock: 11, toBlock: 15, maxEvents: 2 });
    expect(second.events.map((s) => s.event.blockNumber)).toEqual([11, 12, 12]);
    expect(second.cursor).toBe(12);
    const last = await source.read({ fromBlock: 13, toBlock: 20, maxEvents: 2 });
    expect(last.events.map((s) => s.event.blockNumber)).toEqual([15]);
    expect(last.cursor).toBe(20);
  });

  it('returns an empty batch with the range end as cursor when nothing lies in it', async () => {
    expect(await source.read({ fromBlock: 13, toBlock: 14, maxEvents: 5 })).toEqual({ events: [], cursor: 14 });
  });
});
