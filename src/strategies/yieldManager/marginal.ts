/**
 * The marginal allocation mode (`rules.mode: marginal`): the same money the rule fill places,
 * within the same caps (each rule's concentration, pool-participation and maxUsd caps; locked
 * money stays), spread so that the venues' marginal APYs are equal — the yield the next dollar
 * earns in each venue, d(amount × apy(amount))/d(amount), which counts how a deposit lowers a
 * lending reserve's rate (Aave: its rate curve) or dilutes a vault's yield over more assets.
 * This is the aim of Yearn V3's debt allocator.
 *
 * The search starts at the rule fill and only ever takes a step that raises the expected yield
 * (money moves from the venue with the lowest marginal APY to the one with the highest, by a
 * golden-section line search), so it never yields less than the rule fill and stops where the
 * marginal APYs are equal or a cap binds. Floats: this is a model, not money counting.
 */
import { aprToApy, supplyAprAt, type RateStrategy } from '../../protocols/aave.ts';
import { poolParticipationCapUsd, type YieldPlan } from '../yieldManager.ts';
import type { YieldSnapshot } from './snapshot.ts';

/**
 * How a venue's APY responds to the fund's position (USD, after the trade):
 * - `aave`: a lending reserve's supply APY from its rate strategy, debts unchanged;
 * - `dilution`: a vault's yield spread over its TVL (apy × tvl / (tvl + amount − existing));
 * - `flat`: a fixed APY.
 *
 * @example const c: YieldCurve = { kind: 'dilution', apy: 0.06, tvlUsd: 2e7, existingUsd: 7e5 };
 */
export type YieldCurve =
  | { kind: 'aave'; strategy: RateStrategy; availableLiquidityUsd: number; totalDebtUsd: number; existingUsd: number }
  | { kind: 'dilution'; apy: number; tvlUsd: number; existingUsd: number }
  | { kind: 'flat'; apy: number };

/**
 * A venue's APY when the fund holds `amountUsd` there.
 *
 * @example curveApy({ kind: 'dilution', apy: 0.1, tvlUsd: 100, existingUsd: 0 }, 100) // 0.05
 */
export function curveApy(c: YieldCurve, amountUsd: number): number {
  if (c.kind === 'flat') return c.apy;
  if (c.kind === 'dilution') {
    const after = c.tvlUsd + amountUsd - c.existingUsd;
    return c.tvlUsd <= 0 || after <= 0 ? c.apy : (c.apy * c.tvlUsd) / after;
  }
  const liquidity = Math.max(c.availableLiquidityUsd + amountUsd - c.existingUsd, 0);
  const usage = c.totalDebtUsd <= 0 ? 0 : c.totalDebtUsd / (liquidity + c.totalDebtUsd);
  return aprToApy(supplyAprAt(c.strategy, usage));
}

/**
 * The fund's yearly yield from `amountUsd` in the venue: amount × APY at that amount.
 *
 * @example curveYieldUsd({ kind: 'flat', apy: 0.05 }, 1000) // 50
 */
export function curveYieldUsd(c: YieldCurve, amountUsd: number): number {
  return amountUsd * curveApy(c, amountUsd);
}

/**
 * The marginal APY at `amountUsd`: the yield of the next dollar (central difference).
 *
 * @example marginalApy({ kind: 'flat', apy: 0.05 }, 1000) // 0.05
 */
export function marginalApy(c: YieldCurve, amountUsd: number): number {
  const h = Math.max(1e-3, amountUsd * 1e-7);
  const lo = Math.max(amountUsd - h, 0);
  return (curveYieldUsd(c, amountUsd + h) - curveYieldUsd(c, lo)) / (amountUsd + h - lo);
}

/**
 * One venue of the search: its curve, the bounds (locked money, cap) and the rule fill's amount.
 *
 * @example const v: MarginalVenue = { venue: 'aave', curve, minUsd: 0, maxUsd: 5e5, startUsd: 2e5 };
 */
export interface MarginalVenue {
  venue: string;
  curve: YieldCurve;
  minUsd: number;
  maxUsd: number;
  startUsd: number;
}

/**
 * The marginal allocation: amounts per venue (input order), their expected yearly yield and
 * marginal APYs, beside the rule fill's expected yield.
 *
 * @example const r: MarginalAllocation = allocateMarginal(venues); r.yieldUsd >= r.ruleFillYieldUsd // true
 */
export interface MarginalAllocation {
  amountsUsd: number[];
  yieldUsd: number;
  ruleFillYieldUsd: number;
  marginalApys: number[];
}

const GOLDEN = (Math.sqrt(5) - 1) / 2;

/** The t in [0, tMax] that maximises g (golden-section search; g unimodal on the segment). */
function lineMax(g: (t: number) => number, tMax: number): number {
  let a = 0;
  let b = tMax;
  let c = b - GOLDEN * (b - a);
  let d = a + GOLDEN * (b - a);
  let gc = g(c);
  let gd = g(d);
  for (let k = 0; k < 80 && b - a > 1e-9 * Math.max(1, tMax); k++) {
    if (gc >= gd) {
      b = d;
      d = c;
      gd = gc;
      c = b - GOLDEN * (b - a);
      gc = g(c);
    } else {
      a = c;
      c = d;
      gc = gd;
      d = a + GOLDEN * (b - a);
      gd = g(d);
    }
  }
  const best = [0, (a + b) / 2, tMax].map((t) => [t, g(t)] as const).sort((x, y) => y[1] - x[1])[0];
  return best[0];
}

function totalYield(venues: readonly MarginalVenue[], x: readonly number[]): number {
  return venues.reduce((sum, v, i) => sum + curveYieldUsd(v.curve, x[i]), 0);
}

/**
 * Spreads the rule fill's money so the marginal APYs are equal within the bounds. Every
 * `startUsd` must lie in [minUsd, maxUsd].
 *
 * @example allocateMarginal([{ venue: 'a', curve: { kind: 'flat', apy: 0.05 }, minUsd: 0, maxUsd: 100, startUsd: 0 }, { venue: 'b', curve: { kind: 'flat', apy: 0.04 }, minUsd: 0, maxUsd: 100, startUsd: 100 }]).amountsUsd // [100, 0]
 */
export function allocateMarginal(venues: readonly MarginalVenue[]): MarginalAllocation {
  const x = venues.map((v) => v.startUsd);
  const ruleFillYieldUsd = totalYield(venues, x);
  let current = ruleFillYieldUsd;
  const eps = 1e-9;
  for (let iter = 0; iter < 400; iter++) {
    const m = venues.map((v, i) => marginalApy(v.curve, x[i]));
    let donor = -1;
    let receiver = -1;
    venues.forEach((v, i) => {
      if (x[i] > v.minUsd + eps && (donor < 0 || m[i] < m[donor])) donor = i;
      if (x[i] < v.maxUsd - eps && (receiver < 0 || m[i] > m[receiver])) receiver = i;
    });
    if (donor < 0 || receiver < 0 || donor === receiver || m[receiver] - m[donor] <= 1e-12) break;
    const tMax = Math.min(x[donor] - venues[donor].minUsd, venues[receiver].maxUsd - x[receiver]);
    const base = current - curveYieldUsd(venues[donor].curve, x[donor]) - curveYieldUsd(venues[receiver].curve, x[receiver]);
    const g = (t: number): number => base + curveYieldUsd(venues[donor].curve, x[donor] - t) + curveYieldUsd(venues[receiver].curve, x[receiver] + t);
    const t = lineMax(g, tMax);
    const next = g(t);
    if (!(t > 0) || next <= current) break;
    x[donor] -= t;
    x[receiver] += t;
    current = next;
  }
  return { amountsUsd: x, yieldUsd: current, ruleFillYieldUsd, marginalApys: venues.map((v, i) => marginalApy(v.curve, x[i])) };
}

/**
 * The bounds the rule fill used, per venue in rule order: locked money below, the tightest
 * of the rule's concentration, pool-participation and maxUsd caps above (never below what
 * the rule fill placed or what is locked), and the rule fill's full-speed amount (its target) as the start.
 *
 * @example ruleFillBounds(snapshot, planYield(policy, state))[0].maxUsd
 */
export function ruleFillBounds(s: YieldSnapshot, plan: YieldPlan): { venue: string; minUsd: number; maxUsd: number; startUsd: number }[] {
  const available = Math.max(plan.availableForYieldUsd, 0);
  return s.rules.weights.map((w, i) => {
    const d = plan.decisions[i];
    const v = s.venues[w.venue];
    let cap = available * w.maxConcentration;
    if (w.maxPoolParticipation !== undefined && v.tvlUsd !== undefined) cap = Math.min(cap, poolParticipationCapUsd(w.maxPoolParticipation, v.tvlUsd, d.existingUsd));
    if (w.maxUsd !== undefined) cap = Math.min(cap, w.maxUsd);
    return { venue: w.venue, minUsd: d.lockedUsd, maxUsd: Math.max(cap, d.targetUsd, d.lockedUsd), startUsd: d.targetUsd };
  });
}

/**
 * The rules that make the rule fill place the marginal amounts: each rule's `maxUsd` tightened
 * to its venue's marginal amount (the order, the other caps and the remainder rule stay). A
 * snapshot with these rules is an ordinary `capflow plan` input: the plan of the marginal mode.
 *
 * @example marginalRules(snapshot.rules, allocation.amountsUsd).weights[0].maxUsd
 */
export function marginalRules<R extends YieldSnapshot['rules']>(rules: R, amountsUsd: readonly number[]): R {
  return {
    ...rules,
    weights: rules.weights.map((w, i) => ({ ...w, maxUsd: Math.min(w.maxUsd ?? Infinity, amountsUsd[i]) })),
  };
}
