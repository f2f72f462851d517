/**
 * The yield manager reads a {@link FundObservation}, wherever it came from (a `capflow plan`
 * snapshot file, a simulated fund, history, a live chain read). This module holds the two
 * adapters that exist once: observation → the kernel's typed state, and snapshot document ⇄
 * observation (so a fund's state on any day can be written as a `capflow plan` input).
 */
import type { FundObservation, VenueObservation } from '../../venues/types.ts';
import { VENUE_DATA_FLAGS, type YieldPolicy, type YieldState } from '../yieldManager.ts';
import type { YieldSnapshot } from './snapshot.ts';

/**
 * Fills the kernel's state from an observation whose venues are in the policy's rule order.
 * Allocates nothing: a simulation calls it every step with the same `state`.
 *
 * @example yieldStateFromObservation(policy, observation, createYieldState(policy.venues.length))
 */
export function yieldStateFromObservation(policy: YieldPolicy, obs: FundObservation, state: YieldState): YieldState {
  state.cashUsd = obs.cashUsd;
  state.totalEquityUsd = obs.totalEquityUsd;
  state.pendingRedemptionsUsd = obs.pendingRedemptionsUsd;
  state.directionalBuyUsd = 0;
  state.directionalSellUsd = 0;
  state.directionalAsyncSellUsd = 0;
  for (const t of obs.directionalTrades) {
    if (t.side === 'buy') state.directionalBuyUsd += t.reserveUsd;
    else if (t.async) state.directionalAsyncSellUsd += t.reserveUsd;
    else state.directionalSellUsd += t.reserveUsd;
  }
  for (let i = 0; i < policy.venues.length; i++) {
    const v = obs.venues[i];
    if (v === undefined || v.venue !== policy.venues[i].venue) throw new Error(`observation venue ${i} is ${v?.venue ?? 'missing'}, the policy's rule ${i} is ${policy.venues[i].venue}`);
    state.existingUsd[i] = v.positionUsd;
    state.tvlUsd[i] = v.tvlUsd;
    state.sharePrice[i] = v.sharePrice;
    state.availableLiquidityUsd[i] = v.availableLiquidityUsd;
    state.redeemQueuedUsd[i] = v.redeemQueuedUsd;
    state.apy[i] = v.apy;
    state.dataFlag[i] = v.dataFlag === undefined ? 0 : VENUE_DATA_FLAGS.indexOf(v.dataFlag) + 1;
  }
  return state;
}

/**
 * A validated snapshot as an observation: venues in rule order; a venue without a stated
 * TVL has NaN, without stated liquidity Infinity (0 behind a withdrawal delay).
 *
 * @example observationFromSnapshot(loadConfigFile('plan.yaml', YieldSnapshotSchema)).venues[0].positionUsd
 */
export function observationFromSnapshot(s: YieldSnapshot): FundObservation {
  const venues = s.rules.weights.map(({ venue }): VenueObservation => {
    const v = s.venues[venue];
    return {
      venue,
      kind: v.kind,
      positionUsd: s.positionsUsd[venue] ?? 0,
      tvlUsd: v.tvlUsd ?? NaN,
      availableLiquidityUsd: v.availableLiquidityUsd ?? (v.withdrawDelayDays > 0 ? 0 : Infinity),
      redeemQueuedUsd: v.redeemQueuedUsd,
      apy: v.apy,
      sharePrice: v.sharePrice ?? NaN,
      withdrawDelayDays: v.withdrawDelayDays,
      entryCostUsd: v.entryCostUsd,
      exitCostPct: v.exitCostPct,
      asOf: s.asOf ?? '',
      ...(v.dataFlag === undefined ? {} : { dataFlag: v.dataFlag }),
    };
  });
  return {
    asOf: s.asOf ?? '',
    cashUsd: s.cashUsd,
    totalEquityUsd: s.totalEquityUsd,
    pendingRedemptionsUsd: s.pendingRedemptionsUsd,
    directionalTrades: s.directionalTrades.map((t) => ({ ...t })),
    venues,
  };
}

/** A number for a snapshot document: finite values only (unknowns are left out). */
function finite(x: number): number | undefined {
  return Number.isFinite(x) ? x : undefined;
}

/**
 * The `capflow plan` input document for an observation under `rules` (a snapshot's `rules`
 * section): what {@link observationFromSnapshot} reads back to the same observation. Unknown
 * values (NaN TVL, unlimited liquidity) are left out, as a person would write the file.
 *
 * @example stringify(snapshotDocument(observation, rules)) // YAML for capflow plan --input
 */
export function snapshotDocument(obs: FundObservation, rules: YieldSnapshot['rules']): Record<string, unknown> {
  const venues: Record<string, Record<string, unknown>> = {};
  const positionsUsd: Record<string, number> = {};
  for (const v of obs.venues) {
    const entry: Record<string, unknown> = { kind: v.kind };
    const fields: [string, number | undefined][] = [
      ['tvlUsd', finite(v.tvlUsd)],
      ['sharePrice', finite(v.sharePrice)],
      ['availableLiquidityUsd', finite(v.availableLiquidityUsd)],
      ['withdrawDelayDays', v.withdrawDelayDays],
      ['redeemQueuedUsd', v.redeemQueuedUsd],
      ['apy', v.apy],
      ['entryCostUsd', v.entryCostUsd],
      ['exitCostPct', v.exitCostPct],
    ];
    for (const [key, value] of fields) if (value !== undefined) entry[key] = value;
    if (v.dataFlag !== undefined) entry.dataFlag = v.dataFlag;
    venues[v.venue] = entry;
    positionsUsd[v.venue] = v.positionUsd;
  }
  return {
    asOf: obs.asOf,
    rules,
    venues,
    cashUsd: obs.cashUsd,
    positionsUsd,
    totalEquityUsd: obs.totalEquityUsd,
    pendingRedemptionsUsd: obs.pendingRedemptionsUsd,
    directionalTrades: obs.directionalTrades.map((t) => ({ ...t })),
  };
}
