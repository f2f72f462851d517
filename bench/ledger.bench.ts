/**
 * Treasury ledger sync throughput: a seeded 200,000-event JSON-lines feed → DuckDB, end to end
 * (read + validate the file, book the events, write them batch by batch, close the file),
 * and the throughput of replaying the same feed (every event a duplicate).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GENERATED_FEED_CONFIG, generateFeed } from '../src/ledger/generate.ts';
import { JsonlEventSource } from '../src/ledger/source.ts';
import { LedgerStore } from '../src/ledger/store.ts';
import { syncLedger } from '../src/ledger/sync.ts';

const EVENTS = 200_000;

async function timed<T>(work: () => Promise<T> | T): Promise<[T, number]> {
  const t0 = performance.now();
  const result = await work();
  return [result, performance.now() - t0];
}

export default async function bench(): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'capflow-bench-ledger-'));
  try {
    const feedPath = join(dir, 'events.jsonl');
    writeFileSync(feedPath, `${[...generateFeed({ events: EVENTS, seed: 1 })].join('\n')}\n`);
    const dbPath = join(dir, 'ledger.duckdb');
    const setup = await LedgerStore.open(dbPath, { create: true });
    await setup.init({
      chainId: 1,
      address: `0x${'11'.repeat(20)}`,
      deploymentBlock: 0,
      txHash: null,
      blockTime: null,
      name: 'Capflow USD',
      symbol: GENERATED_FEED_CONFIG.shareSymbol,
      assetSymbol: GENERATED_FEED_CONFIG.assetSymbol,
      assetDecimals: GENERATED_FEED_CONFIG.assetDecimals,
      shareDecimals: GENERATED_FEED_CONFIG.shareDecimals,
      initialisedAt: new Date().toISOString(),
    });
    setup.close();

    const [source, parseMs] = await timed(() => JsonlEventSource.fromFile(feedPath));
    const store = await LedgerStore.open(dbPath);
    const [result, syncMs] = await timed(() => syncLedger(store, source));
    const [, closeMs] = await timed(() => store.close());
    if (result.applied !== EVENTS) throw new Error(`applied ${result.applied} of ${EVENTS}`);

    const [replay, replayMs] = await timed(async () => {
      const again = await LedgerStore.open(dbPath);
      try {
        return await syncLedger(again, JsonlEventSource.fromFile(feedPath));
      } finally {
        again.close();
      }
    });
    if (replay.duplicates !== EVENTS) throw new Error(`replay found ${replay.duplicates} duplicates of ${EVENTS}`);

    const totalMs = parseMs + syncMs + closeMs;
    return {
      events: EVENTS,
      eventsPerSecond: Math.round(EVENTS / (totalMs / 1000)),
      parseMs: Math.round(parseMs),
      syncMs: Math.round(syncMs),
      closeMs: Math.round(closeMs),
      replayEventsPerSecond: Math.round(EVENTS / (replayMs / 1000)),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
