/**
 * Treasury ledger sync throughput: a seeded 200,000-event JSON-lines feed → DuckDB, end to end
 * (read + validate the file, book the events, write them batch by batch, close the file),
 * and the throughput of replaying the same feed (every event a duplicate). Each of the two
 * runs in its own process (this file, run with a phase argument), so its peak resident
 * memory (RSS high-water mark, MB) is its own.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GENERATED_FEED_CONFIG, generateFeed } from '../src/ledger/generate.ts';
import { JsonlEventSource } from '../src/ledger/source.ts';
import { LedgerStore } from '../src/ledger/store.ts';
import { syncLedger } from '../src/ledger/sync.ts';
import { workload, type WorkloadResult } from './report.ts';

const EVENTS = 200_000;
const SELF = fileURLToPath(import.meta.url);

/** What one sync process measured. */
interface PhaseResult {
  applied: number;
  duplicates: number;
  parseMs: number;
  syncMs: number;
  closeMs: number;
  /** CPU time of the three phases (user + system, all threads): less sensitive to other load than wall time. */
  cpuMs: number;
  peakRssMb: number;
}

async function timed<T>(work: () => Promise<T> | T): Promise<[T, number]> {
  const t0 = performance.now();
  const result = await work();
  return [result, performance.now() - t0];
}

/** One sync of `feedPath` into `dbPath`, timed phase by phase (runs in the child process). */
async function syncPhase(feedPath: string, dbPath: string): Promise<PhaseResult> {
  const cpu0 = process.cpuUsage();
  const [source, parseMs] = await timed(() => JsonlEventSource.fromFile(feedPath));
  const store = await LedgerStore.open(dbPath);
  const [result, syncMs] = await timed(() => syncLedger(store, source));
  const [, closeMs] = await timed(() => store.close());
  const cpu = process.cpuUsage(cpu0);
  const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  const ms = Math.round;
  return { applied: result.applied, duplicates: result.duplicates, parseMs: ms(parseMs), syncMs: ms(syncMs), closeMs: ms(closeMs), cpuMs: ms((cpu.user + cpu.system) / 1000), peakRssMb };
}

/** Runs {@link syncPhase} in a fresh process and returns what it measured. */
function syncInChild(feedPath: string, dbPath: string): PhaseResult {
  const r = spawnSync(process.execPath, ['--import', 'tsx', SELF, feedPath, dbPath], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`sync process failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as PhaseResult;
}

export default async function bench(): Promise<WorkloadResult[]> {
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

    const sync = syncInChild(feedPath, dbPath);
    if (sync.applied !== EVENTS) throw new Error(`applied ${sync.applied} of ${EVENTS}`);
    const replay = syncInChild(feedPath, dbPath);
    if (replay.duplicates !== EVENTS) throw new Error(`replay found ${replay.duplicates} duplicates of ${EVENTS}`);

    const perSecond = (r: PhaseResult): number => Math.round(EVENTS / ((r.parseMs + r.syncMs + r.closeMs) / 1000));
    const what = `sync of ${EVENTS.toLocaleString('en-US')} JSON-lines events into DuckDB (parse, sync, close)`;
    return [
      workload('ledger.sync', what, { value: perSecond(sync), unit: 'events/s', higherIsBetter: true }, { kind: 'aim', value: 100_000, unit: 'events/s', what: '>= 100,000 events/s (issue 17)' }, {
        detail: { events: EVENTS, parseMs: sync.parseMs, syncMs: sync.syncMs, closeMs: sync.closeMs, eventsPerCpuSecond: Math.round(EVENTS / (sync.cpuMs / 1000)), replayEventsPerSecond: perSecond(replay), replayPeakRssMb: replay.peakRssMb },
      }),
      workload('ledger.syncPeakRss', `peak RSS of the ${what}`, { value: sync.peakRssMb, unit: 'MB', higherIsBetter: false }, { kind: 'aim', value: 200, unit: 'MB', what: '< 200 MB (issue 17 asks it of a 1,000,000-event feed)' }),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === SELF) {
  const [feedPath, dbPath] = process.argv.slice(2);
  process.stdout.write(`${JSON.stringify(await syncPhase(feedPath, dbPath))}\n`);
}
