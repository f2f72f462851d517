/** Yield manager planning speed: one plan with 10, 100 and 1,000 venues (the kernel, no allocation per plan). */
import { createYieldState, createYieldWorkspace, planYieldInto, type YieldPolicy, type YieldVenueRule } from '../src/strategies/yieldManager.ts';
import { workload, type WorkloadResult } from './report.ts';

function fund(venueCount: number): { policy: YieldPolicy; state: ReturnType<typeof createYieldState> } {
  const venues: YieldVenueRule[] = Array.from({ length: venueCount }, (_, i) => ({
    venue: `v${i}`,
    kind: i % 2 === 0 ? 'vault' : 'credit_supply',
    maxConcentration: i === venueCount - 1 ? 1 : 1 / venueCount,
    maxPoolParticipation: 0.05,
    maxUsd: i % 3 === 0 ? 50_000 : null,
    withdrawDelayDays: i % 7 === 0 ? 3 : 0,
    entryCostUsd: 10,
    exitCostPct: 0.001,
  }));
  const state = createYieldState(venueCount);
  state.cashUsd = 1_000_000;
  state.totalEquityUsd = 20_000_000;
  state.directionalBuyUsd = 250_000;
  state.directionalSellUsd = 100_000;
  state.pendingRedemptionsUsd = 50_000;
  for (let i = 0; i < venueCount; i++) {
    state.existingUsd[i] = 15_000_000 / venueCount;
    state.tvlUsd[i] = 5_000_000 + 1_000 * i;
    state.sharePrice[i] = i % 2 === 0 ? 1.05 : NaN;
    state.availableLiquidityUsd[i] = i % 5 === 0 ? 1_000 : Infinity;
    state.apy[i] = 0.03 + (i % 10) / 200;
  }
  return { policy: { rules: { cashBufferPct: 0.05, sellHaircutPct: 0.01, cashChangeToleranceUsd: 5, horizonDays: 30 }, venues }, state };
}

function measure(venueCount: number): { plansPerSecond: number; microsecondsPerPlan: number; nanosecondsPerVenue: number } {
  const { policy, state } = fund(venueCount);
  const ws = createYieldWorkspace(venueCount);
  const plans = Math.max(200, Math.round(2_000_000 / venueCount));
  let sink = 0;
  for (let i = 0; i < plans / 10; i++) sink += planYieldInto(policy, state, ws).allocatedUsd; // warm-up
  const t0 = performance.now();
  for (let i = 0; i < plans; i++) {
    state.cashUsd = 1_000_000 + (i % 100); // a different day each plan
    sink += planYieldInto(policy, state, ws).allocatedUsd;
  }
  const ms = performance.now() - t0;
  if (Number.isNaN(sink)) throw new Error('NaN plan');
  const perPlanUs = (ms * 1000) / plans;
  return { plansPerSecond: Math.round(plans / (ms / 1000)), microsecondsPerPlan: +perPlanUs.toFixed(3), nanosecondsPerVenue: +((perPlanUs * 1000) / venueCount).toFixed(1) };
}

export default async function bench(): Promise<WorkloadResult[]> {
  const v10 = measure(10);
  const v100 = measure(100);
  const v1000 = measure(1000);
  return [
    workload('yieldManager.plan1000', 'one yield plan of 1,000 venues (the kernel, in process)', { value: v1000.microsecondsPerPlan, unit: 'µs', higherIsBetter: false }, { kind: 'aim', value: 10_000, unit: 'µs', what: '< 10 ms of planning (issue 17)' }, {
      detail: { venues10: v10, venues100: v100, venues1000: v1000 },
    }),
  ];
}
