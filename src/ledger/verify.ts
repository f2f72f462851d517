/**
 * Checking a ledger store's consistency: the snapshot against a replay of its events, the
 * balance updates against the holdings, and (given the source) the stored events against it.
 */
import { formatFeedLine } from './feed.ts';
import type { EventSource } from './source.ts';
import type { LedgerBackend } from './backend.ts';
import { applyEvent, createTreasury, type TreasuryState } from './treasury.ts';
import { PENDING_POSITION, eventKey, type BalanceUpdate } from './types.ts';

/** What {@link verifyLedger} found. */
export interface VerifyReport {
  consistent: boolean;
  problems: string[];
  events: number;
  cursor: number | null;
}

function describeState(s: TreasuryState): Record<string, string> {
  const out: Record<string, string> = {
    totalAssets: s.totalAssets.toString(),
    totalShares: s.totalShares.toString(),
    pendingShares: s.pendingShares.toString(),
    nextUpdateId: String(s.nextUpdateId),
    eventsApplied: String(s.eventsApplied),
    counts: JSON.stringify(s.counts),
    shareBalances: JSON.stringify([...s.shareBalances].sort(([a], [b]) => (a < b ? -1 : 1)).map(([h, q]) => [h, q.toString()])),
    redemptions: JSON.stringify([...s.redemptions].sort(([a], [b]) => (a < b ? -1 : 1)).map(([o, r]) => [o, `${r.pendingShares}/${r.claimableShares}/${r.claimableAssets}`])),
    deposits: JSON.stringify([...s.deposits].sort(([a], [b]) => (a < b ? -1 : 1)).map(([o, d]) => [o, `${d.pendingAssets}/${d.claimableAssets}/${d.claimableShares}`])),
  };
  for (const [position, assets] of s.holdings) for (const [asset, q] of assets) out[`holding ${position}/${asset}`] = q.toString();
  return out;
}

/**
 * Checks a store: replaying its stored events through the book-keeping rules gives its
 * snapshot; its balance updates add up to its holdings; no stored event lies beyond the
 * cursor; and, given the `source` it was synced from, it holds exactly the source's events
 * up to the cursor.
 *
 * @example const report = await verifyLedger(store, JsonlEventSource.fromFile('events.jsonl'));
 */
export async function verifyLedger(store: LedgerBackend, source?: EventSource): Promise<VerifyReport> {
  const problems: string[] = [];
  const d = await store.deployment();
  const snapshot = await store.loadState();
  const replay = createTreasury(snapshot.config);
  const storedEvents = await store.eventsInOrder();
  const sink: BalanceUpdate[] = [];
  for (const event of storedEvents) {
    applyEvent(replay, event, sink);
    sink.length = 0;
  }
  const expected = describeState(replay);
  const actual = describeState(snapshot);
  for (const key of new Set([...Object.keys(expected), ...Object.keys(actual)])) {
    if (expected[key] !== actual[key]) problems.push(`${key}: snapshot ${actual[key] ?? 'absent'}, replay of the stored events ${expected[key] ?? 'absent'}`);
  }
  const seqs = await store.eventSeqs();
  if (seqs.maxSeq !== seqs.count || seqs.count !== snapshot.eventsApplied) problems.push(`events: ${seqs.count} stored, highest sequence number ${seqs.maxSeq}, counts add up to ${snapshot.eventsApplied}`);
  const { sums, count, maxId } = await store.updateSums();
  if (count !== snapshot.nextUpdateId - 1 || maxId !== count) problems.push(`balance updates: ${count} stored (max id ${maxId}), next id ${snapshot.nextUpdateId}`);
  for (const [key, sum] of sums) {
    const [position, asset] = key.split('\u0000');
    const holding = snapshot.holdings.get(position)?.get(asset) ?? 0n;
    if (sum !== holding) problems.push(`holding ${position}/${asset}: ${holding}, balance updates add up to ${sum}`);
  }
  if (snapshot.pendingShares !== (sums.get(`${PENDING_POSITION}\u0000${snapshot.config.shareSymbol}`) ?? 0n)) problems.push('pending shares do not match their balance updates');
  const maxBlock = await store.maxEventBlock();
  if (maxBlock !== null && maxBlock > (snapshot.lastBlockScanned ?? -1)) problems.push(`an event at block ${maxBlock} lies beyond the cursor ${snapshot.lastBlockScanned}`);
  if (source !== undefined) {
    const head = await source.head();
    const upTo = Math.min(snapshot.lastBlockScanned ?? -1, head ?? -1);
    const { events } = upTo < d.deploymentBlock ? { events: [] } : await source.read({ fromBlock: d.deploymentBlock, toBlock: upTo, maxEvents: Number.MAX_SAFE_INTEGER });
    const stored = new Map(storedEvents.map((e) => [eventKey(e), e]));
    const missing = events.filter((s) => {
      const storedEvent = stored.get(eventKey(s.event));
      return storedEvent === undefined || formatFeedLine(storedEvent) !== formatFeedLine(s.event);
    });
    if (missing.length > 0) problems.push(`${missing.length} events of ${source.name} up to the cursor are missing or differ (first: ${missing[0].where})`);
    if (events.length !== storedEvents.length) problems.push(`${storedEvents.length} events stored, ${events.length} in ${source.name} up to the cursor ${snapshot.lastBlockScanned}`);
  }
  return { consistent: problems.length === 0, problems, events: storedEvents.length, cursor: snapshot.lastBlockScanned };
}
