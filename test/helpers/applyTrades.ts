/** A plan's trades applied to the yield manager's state, for property tests. */
import type { YieldPlan, YieldState } from '../../src/strategies/yieldManager.ts';

/** Executes a plan on a copy of the state, as an executor would (the TVL and the instant liquidity move with our trades). */
export function applyTrades(state: YieldState, plan: YieldPlan): YieldState {
  const next: YieldState = { ...state, existingUsd: state.existingUsd.slice(), tvlUsd: state.tvlUsd.slice(), availableLiquidityUsd: state.availableLiquidityUsd.slice(), redeemQueuedUsd: state.redeemQueuedUsd.slice() };
  plan.decisions.forEach((d, i) => {
    if (d.trade !== null) {
      next.existingUsd[i] += d.trade.deltaUsd;
      next.tvlUsd[i] += d.trade.deltaUsd;
      next.cashUsd -= d.trade.deltaUsd;
      if (d.trade.deltaUsd < 0) next.availableLiquidityUsd[i] += d.trade.deltaUsd;
    }
    if (d.redeemRequest !== null) next.redeemQueuedUsd[i] -= d.redeemRequest.deltaUsd;
  });
  return next;
}
