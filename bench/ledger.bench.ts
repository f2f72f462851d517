/**
 * Treasury ledger sync and read (issue 17): seeded 200,000- and 1,000,000-event JSON-lines
 * feeds synced into fresh DuckDB ledgers by `capflow treasury sync --events … --db …`, each a
 * whole process of its own (bench/cliRusage.mjs runs the built CLI and reports the process's
 * peak RSS and CPU time); the 200,000-event feed synced again (every event a duplicate); and
 * `capflow treasury show` on the 1,000,000-event ledger (whole process). Rates are events per
 * second of the whole sync process's wall clock (start-up included); the CPU time is reported
 * beside it, as it moves less with the machine's other load.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GENERATED_FEED_CONFIG, generateFeed } from '../src/ledger/generate.ts';
import { workload, type WorkloadResult } from './report.ts';
import { ROOT, timeCli } from './util.ts';

const SIZES = [200_000, 1_000_000] as const;
const AIM_EVENTS_PER_SECOND = 100_000;
const AIM_PEAK_RSS_MB = 200;
const AIM_SHOW_SECONDS = 1;

/** What one CLI process did and used. */
interface ProcessRun {
  json: { applied: number; duplicates: number };
  seconds: number;
  peakRssMb: number;
  cpuMs: number;
}

/** Runs `capflow …args` through bench/cliRusage.mjs: its --json output, wall clock, peak RSS and CPU time. */
function runMeasured(args: string[]): ProcessRun {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [join(ROOT, 'bench/cliRusage.mjs'), ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const seconds = (performance.now() - t0) / 1000;
  const lines = r.stderr.trimEnd().split('\n');
  const usage = JSON.parse(lines[lines.length - 1]) as { code: number; peakRssMb: number; cpuMs: number };
  if (r.status !== 0 || usage.code !== 0) throw new Error(`capflow ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { json: JSON.parse(r.stdout) as ProcessRun['json'], seconds, peakRssMb: usage.peakRssMb, cpuMs: usage.cpuMs };
}

/** Writes a seeded feed of `events` lines to `path`, streaming (the feed is never held whole). */
async function writeFeed(path: string, events: number): Promise<void> {
  const out = createWriteStream(path);
  let chunk: string[] = [];
  for (const line of generateFeed({ events, seed: 1 })) {
    chunk.push(line);
    if (chunk.length === 10_000) {
      if (!out.write(`${chunk.join('\n')}\n`)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      chunk = [];
    }
  }
  await new Promise<void>((resolve) => out.end(chunk.length > 0 ? `${chunk.join('\n')}\n` : '', resolve));
}

function initLedger(db: string): void {
  timeCli([
    'treasury', 'init', '--db', db, '--chain-id', '1', '--address', `0x${'11'.repeat(20)}`, '--name', 'Capflow USD',
    '--symbol', GENERATED_FEED_CONFIG.shareSymbol, '--asset-symbol', GENERATED_FEED_CONFIG.assetSymbol,
    '--asset-decimals', String(GENERATED_FEED_CONFIG.assetDecimals), '--share-decimals', String(GENERATED_FEED_CONFIG.shareDecimals),
  ]);
}

const rate = (events: number, r: ProcessRun): number => Math.round(events / r.seconds);
const count = (n: number): string => n.toLocaleString('en-US');

export default async function bench(): Promise<WorkloadResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'capflow-bench-ledger-'));
  try {
    const results: WorkloadResult[] = [];
    for (const events of SIZES) {
      const feed = join(dir, `events-${events}.jsonl`);
      const db = join(dir, `ledger-${events}.duckdb`);
      await writeFeed(feed, events);
      initLedger(db);
      const sync = runMeasured(['treasury', 'sync', '--events', feed, '--db', db, '--json']);
      if (sync.json.applied !== events) throw new Error(`applied ${sync.json.applied} of ${events}`);
      const suffix = events === SIZES[0] ? '' : '1m';
      const what = `capflow treasury sync of ${count(events)} JSON-lines events into a new DuckDB ledger (whole process)`;
      const detail: Record<string, unknown> = { events, seconds: Number(sync.seconds.toFixed(2)), cpuSeconds: sync.cpuMs / 1000, eventsPerCpuSecond: Math.round(events / (sync.cpuMs / 1000)) };
      if (events === SIZES[0]) {
        const replay = runMeasured(['treasury', 'sync', '--events', feed, '--db', db, '--json']);
        if (replay.json.duplicates !== events) throw new Error(`replay found ${replay.json.duplicates} duplicates of ${events}`);
        Object.assign(detail, { replayEventsPerSecond: rate(events, replay), replayPeakRssMb: replay.peakRssMb });
      }
      results.push(
        workload(`ledger.sync${suffix}`, what, { value: rate(events, sync), unit: 'events/s', higherIsBetter: true }, { kind: 'aim', value: AIM_EVENTS_PER_SECOND, unit: 'events/s', what: '>= 100,000 events/s (issue 17)' }, { detail }),
        workload(`ledger.syncPeakRss${suffix}`, `peak RSS of the ${what}`, { value: sync.peakRssMb, unit: 'MB', higherIsBetter: false }, { kind: 'aim', value: AIM_PEAK_RSS_MB, unit: 'MB', what: '< 200 MB, not growing with the feed (issue 17)' }),
      );
      if (events === SIZES[SIZES.length - 1]) {
        const show = timeCli(['treasury', 'show', '--db', db, '--json']);
        const shown = JSON.parse(show.stdout) as { counts: Record<string, number> };
        const booked = Object.values(shown.counts).reduce((a, b) => a + b, 0);
        if (booked !== events) throw new Error(`show counts ${booked} events of ${events}`);
        results.push(
          workload('ledger.show1m', `capflow treasury show on the ${count(events)}-event ledger (whole process)`, { value: show.seconds, unit: 's', higherIsBetter: false }, { kind: 'aim', value: AIM_SHOW_SECONDS, unit: 's', what: '< 1 s (issue 17)' }, {
            detail: { eventsPerSecond: Math.round(events / show.seconds) },
          }),
        );
      }
      rmSync(feed, { force: true });
    }
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
