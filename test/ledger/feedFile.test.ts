/**
 * The streamed feed file gives the events the whole-text parser gives (repeats dropped, lines
 * counted alike, whatever the read size), in batches of whole blocks, and refuses what the
 * parser refuses with the same line and field; its key set finds every key it was given.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatFeedLine, generateFeed, JsonlFeedFile, parseFeed, type SourcedEvent } from '../../src/index.ts';
import { KeySet } from '../../src/ledger/keySet.ts';
import type { EventBatch } from '../../src/ledger/source.ts';

function feedFile(text: string, chunkBytes?: number): JsonlFeedFile {
  const path = join(mkdtempSync(join(tmpdir(), 'capflow-feedfile-')), 'events.jsonl');
  writeFileSync(path, text);
  return new JsonlFeedFile(path, '--events', chunkBytes);
}

async function scan(feed: JsonlFeedFile, batchSize: number, fromBlock = 0): Promise<EventBatch[]> {
  const out: EventBatch[] = [];
  for await (const batch of feed.batches({ fromBlock, batchSize })) out.push(batch);
  return out;
}

const lines = [...generateFeed({ events: 300, seed: 9 })];
const plain = (events: readonly SourcedEvent[]): string[] => events.map((s) => `${s.where} ${formatFeedLine(s.event)}`);

describe('JsonlFeedFile', () => {
  it('streams the events parseFeed finds, repeats dropped and counted, at any read size', async () => {
    const text = ['', lines[0], ...lines.slice(1, 150), `  ${lines[7]}\r`, lines[149], ...lines.slice(150), lines[0], ''].join('\n');
    const whole = parseFeed(text);
    for (const chunkBytes of [64, 1000, 1 << 20]) {
      const feed = feedFile(text, chunkBytes);
      const batches = await scan(feed, 50);
      expect(plain(batches.flatMap((b) => b.events))).toEqual(plain(whole.events));
      expect(feed.repeatedEvents).toBe(whole.repeatedLines);
      expect(feed.repeatedLines).toEqual([152, 153, 304]);
      // whole blocks: at least 50 events a batch but the last, each cursor its last block
      for (const [i, b] of batches.entries()) {
        if (i < batches.length - 1) expect(b.events.length).toBeGreaterThanOrEqual(50);
        expect(b.cursor).toBe(b.events[b.events.length - 1].event.blockNumber);
        if (i > 0) expect(b.events[0].event.blockNumber).toBeGreaterThan(batches[i - 1].cursor);
      }
      // a second scan told the repeats reads the same without its key set
      const again: EventBatch[] = [];
      for await (const b of feed.batches({ fromBlock: 0, batchSize: 50, knownRepeats: feed.repeatedLines })) again.push(b);
      expect(plain(again.flatMap((b) => b.events))).toEqual(plain(whole.events));
    }
  });

  it('serves a block range, and nothing when the range holds no block of the feed', async () => {
    const feed = feedFile(lines.join('\n'));
    const batches = await scan(feed, 1000, 50);
    expect(batches).toHaveLength(1);
    expect(batches[0].events[0].event.blockNumber).toBe(50);
    expect(batches[0].cursor).toBe(100);
    expect(await scan(feed, 1000, 101)).toEqual([]);
    expect(await scan(feedFile('\n\n'), 10)).toEqual([]);
  });

  it('refuses what parseFeed refuses, naming the same line and field, and the file', async () => {
    const otherContent = JSON.stringify({ ...JSON.parse(lines[3]), notes: 'changed' });
    const outOfOrder = JSON.stringify({ ...JSON.parse(lines[5]), txHash: `0x${'ee'.repeat(32)}` });
    const cases = [
      [...lines.slice(0, 200), otherContent],
      [...lines.slice(0, 10), outOfOrder],
      [...lines.slice(0, 10), '{"kind":"deposit"', ...lines.slice(10)],
      [...lines.slice(0, 10), JSON.stringify({ ...JSON.parse(lines[10]), assets: '-5' })],
    ];
    for (const text of cases.map((c) => c.join('\n'))) {
      const expected = (() => {
        try {
          parseFeed(text);
        } catch (e) {
          return (e as { field: string }).field;
        }
        throw new Error('parseFeed accepted it');
      })();
      const feed = feedFile(text, 256);
      await expect(scan(feed, 7)).rejects.toMatchObject({ field: expected, message: expect.stringContaining(`in ${feed.path}`) });
    }
    await expect(scan(new JsonlFeedFile(join(tmpdir(), 'no-such-feed.jsonl')), 5)).rejects.toMatchObject({ field: '--events', message: expect.stringMatching(/file not found/) });
  });
});

describe('KeySet', () => {
  it('finds every key added, with where it was seen, across growth; most absent keys are certainly new', () => {
    const keys = new KeySet();
    for (let i = 0; i < 20_000; i++) keys.add(`1:0x${i.toString(16).padStart(64, '0')}:${i % 7}`, i + 1, i * 100);
    expect(keys.size).toBe(20_000);
    for (let i = 0; i < 20_000; i += 97) expect(keys.candidates(`1:0x${i.toString(16).padStart(64, '0')}:${i % 7}`)).toContainEqual({ line: i + 1, offset: i * 100 });
    let maybe = 0;
    for (let i = 0; i < 20_000; i++) maybe += keys.candidates(`2:0x${i.toString(16).padStart(64, '0')}:${i % 7}`).length;
    expect(maybe).toBeLessThan(5);
  });
});
