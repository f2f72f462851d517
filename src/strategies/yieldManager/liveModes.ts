/**
 * The two allocation modes of a live plan, side by side: the rule fill, and the marginal mode
 * (the same money within the same caps, marginal APYs equalised on each venue's yield curve:
 * an Aave reserve's rate strategy read from the chain, a vault's TVL dilution). The chosen
 * mode's plan is an ordinary snapshot (the marginal mode's rules carry tightened maxUsd caps),
 * so `capflow plan --input` of it reproduces the decision.
 */
import { rayToNumber, type RateStrategy, type RateStrategyRay } from '../../protocols/aave.ts';
import type { LiveFundRead } from '../../venues/chainSource.ts';
import { snapshotDocument } from './observation.ts';
import { planYield, type YieldPlan } from '../yieldManager.ts';
import { allocateMarginal, curveApy, marginalRules, ruleFillBounds, type YieldCurve } from './marginal.ts';
import { YieldSnapshotSchema, yieldInputFromSnapshot, type YieldSnapshot } from './snapshot.ts';
import { parseConfig } from '../../core/config.ts';
import { snapshotRules, type LivePlan } from './liveInput.ts';

/**
 * A rate strategy in ray as float fractions.
 *
 * @example rateStrategyFromRay(rateStrategyToRay(USDC_RATE_STRATEGY)) // USDC_RATE_STRATEGY
 */
export function rateStrategyFromRay(s: RateStrategyRay): RateStrategy {
  return {
    baseVariableBorrowRate: rayToNumber(s.baseVariableBorrowRateRay),
    variableRateSlope1: rayToNumber(s.variableRateSlope1Ray),
    variableRateSlope2: rayToNumber(s.variableRateSlope2Ray),
    optimalUsageRatio: rayToNumber(s.optimalUsageRatioRay),
    reserveFactor: Number(s.reserveFactorBps) / 10_000,
  };
}

/**
 * Each venue's yield curve from the chain read (rule order), in USD.
 *
 * @example liveYieldCurves(read, 1)[0].kind // 'aave'
 */
export function liveYieldCurves(read: LiveFundRead, assetPriceUsd: number): YieldCurve[] {
  const usd = (units: bigint): number => (Number(units) / 10 ** read.assetDecimals) * assetPriceUsd;
  return read.venues.map((v, i): YieldCurve => {
    const obs = read.observation.venues[i];
    if (v.kind !== 'aave-v3') return { kind: 'dilution', apy: obs.apy, tvlUsd: obs.tvlUsd, existingUsd: obs.positionUsd };
    const r = v.reserve;
    return { kind: 'aave', strategy: rateStrategyFromRay(r.rateStrategy), availableLiquidityUsd: usd(r.availableLiquidity), totalDebtUsd: usd(r.totalVariableDebt + r.totalStableDebt), existingUsd: obs.positionUsd };
  });
}

/**
 * One mode's target per venue and its modelled yearly yield.
 *
 * @example const m: ModeOutcome = modes.marginal; m.expectedYieldUsd
 */
export interface ModeOutcome {
  amountsUsd: number[];
  apys: number[];
  expectedYieldUsd: number;
}

/**
 * A live plan in the chosen mode, with both modes' outcomes.
 *
 * @example const m: LiveModePlan = planLiveModes(live, read); m.plan.trades
 */
export interface LiveModePlan {
  mode: 'rules' | 'marginal';
  snapshotDoc: Record<string, unknown>;
  snapshot: YieldSnapshot;
  plan: YieldPlan;
  venues: string[];
  rules: ModeOutcome;
  marginal: ModeOutcome;
}

function planOf(doc: Record<string, unknown>, source: string): { snapshot: YieldSnapshot; plan: YieldPlan } {
  const snapshot = parseConfig(YieldSnapshotSchema, doc, source);
  const { policy, state } = yieldInputFromSnapshot(snapshot);
  return { snapshot, plan: planYield(policy, state) };
}

/**
 * Plans the live read in both modes and returns the chosen one's snapshot and plan.
 *
 * @example const { plan, rules, marginal } = planLiveModes(live, read);
 */
export function planLiveModes(live: LivePlan, read: LiveFundRead): LiveModePlan {
  const source = `the chain read at block ${read.blockNumber}`;
  const rulesDoc = snapshotDocument(read.observation, snapshotRules(live.rules));
  const ruleFill = planOf(rulesDoc, source);
  const curves = liveYieldCurves(read, live.assetPriceUsd);
  const bounds = ruleFillBounds(ruleFill.snapshot, ruleFill.plan);
  const allocation = allocateMarginal(bounds.map((b, i) => ({ ...b, curve: curves[i] })));
  const outcome = (amountsUsd: number[], expectedYieldUsd: number): ModeOutcome => ({ amountsUsd, apys: amountsUsd.map((x, i) => curveApy(curves[i], x)), expectedYieldUsd });
  const rules = outcome(bounds.map((b) => b.startUsd), allocation.ruleFillYieldUsd);
  const marginal = outcome(allocation.amountsUsd, allocation.yieldUsd);
  const venues = bounds.map((b) => b.venue);
  if (live.rules.mode === 'rules') return { mode: 'rules', snapshotDoc: rulesDoc, ...ruleFill, venues, rules, marginal };
  const marginalDoc = snapshotDocument(read.observation, marginalRules(snapshotRules(live.rules), allocation.amountsUsd));
  return { mode: 'marginal', snapshotDoc: marginalDoc, ...planOf(marginalDoc, source), venues, rules, marginal };
}
