/**
 * The yield manager's snapshot: one JSON/YAML document with the rules, the venues and the
 * fund's cash, positions and planned directional trades. Validated once here (zod, strict),
 * then turned into the kernel's typed input by {@link yieldInputFromSnapshot}.
 */
import * as z from '../../core/zod.ts';
import { createYieldState, type YieldPolicy, type YieldRules, type YieldState, type YieldVenueRule } from '../yieldManager.ts';
import { observationFromSnapshot, yieldStateFromObservation } from './observation.ts';

const usd = z.number().min(0);
const fraction = z.number().min(0).max(1);

/**
 * One rule of the ordered list (`rules.weights[i]`): the venue and its caps. The fund
 * scenario's rules use the same schema.
 *
 * @example YieldRuleSchema.parse({ venue: 'aave', maxConcentration: 1 })
 */
export const YieldRuleSchema = z.strictObject({
  venue: z.string().min(1),
  maxConcentration: fraction,
  maxPoolParticipation: fraction.optional(),
  maxUsd: usd.optional(),
});

/** A venue's terms and market state. */
const VenueSchema = z.strictObject({
  kind: z.enum(['credit_supply', 'vault', 'async_vault']),
  tvlUsd: usd.optional(),
  sharePrice: z.number().gt(0).optional(),
  availableLiquidityUsd: usd.optional(),
  withdrawDelayDays: z.number().min(0).default(0),
  redeemQueuedUsd: usd.default(0),
  apy: z.number().gt(-1).default(0),
  entryCostUsd: usd.default(0),
  exitCostPct: fraction.default(0),
  /** The venue's data is `stale` or `anomalous` today: it takes no new money (what it holds stays). */
  dataFlag: z.enum(['stale', 'anomalous']).optional(),
});

const DirectionalTradeSchema = z.strictObject({
  side: z.enum(['buy', 'sell']),
  reserveUsd: usd,
  async: z.boolean().default(false),
});

const RulesSchema = z.strictObject({
  /** Share [0, 1] of total equity always kept in cash. */
  cashBufferPct: fraction,
  /** Haircut (0, 1] on cash expected from synchronous directional sells. */
  sellHaircutPct: z.number().gt(0).max(1),
  cashChangeToleranceUsd: z.number().gt(0),
  horizonDays: z.number().gt(0).optional(),
  /** Days over which plans converge to their targets (each moves √(dtDays / convergenceDays) of the way); absent: full speed. */
  convergenceDays: z.number().gt(0).optional(),
  /** Days between two plans (the cadence), for the convergence fraction; default 1. */
  dtDays: z.number().gt(0).optional(),
  weights: z.array(YieldRuleSchema).min(1, 'at least one rule is needed'),
});

type Snapshot = z.output<typeof BaseSnapshotSchema>;

const BaseSnapshotSchema = z.strictObject({
  /** When the state was observed (UTC ISO-8601), for the record. */
  asOf: z.iso.datetime({ message: 'must be an ISO-8601 UTC time, e.g. 2025-03-01T00:00:00.000Z' }).optional(),
  rules: RulesSchema,
  venues: z.record(z.string().min(1), VenueSchema),
  cashUsd: usd,
  positionsUsd: z.record(z.string(), usd).default({}),
  totalEquityUsd: usd,
  pendingRedemptionsUsd: usd.default(0),
  directionalTrades: z.array(DirectionalTradeSchema).default([]),
});

/**
 * A validated rule.
 *
 * @example const rule: YieldRuleInput = { venue: 'aave', maxConcentration: 1 };
 */
export type YieldRuleInput = z.output<typeof YieldRuleSchema>;

/**
 * A cross-field problem: its path from the document root (`rules.weights[2].venue`), the value
 * there, and what is wrong.
 *
 * @example const issue: YieldRuleIssue = { path: ['venues', 'morpho'], value: 'morpho', message: 'venue "morpho" has no rule; …' };
 */
export interface YieldRuleIssue {
  path: (string | number)[];
  /** The value at `path`, where the check knows it. */
  value?: unknown;
  message: string;
}

/**
 * Checks an ordered rule list against the declared venues: the last rule takes the remainder
 * (maxConcentration 1), every rule names a known venue, no venue has two rules and every venue
 * has one. Returns the problems in that order (none: an empty list).
 *
 * @example yieldRuleListIssues([{ venue: 'aave', maxConcentration: 1 }], ['aave', 'morpho'])[0].path // ['venues', 'morpho']
 */
export function yieldRuleListIssues(weights: readonly YieldRuleInput[], venueNames: readonly string[]): YieldRuleIssue[] {
  const issues: YieldRuleIssue[] = [];
  const lastIndex = weights.length - 1;
  if (weights[lastIndex].maxConcentration !== 1) {
    issues.push({ path: ['rules', 'weights', lastIndex, 'maxConcentration'], value: weights[lastIndex].maxConcentration, message: 'the last rule must have maxConcentration 1 (it takes the remainder)' });
  }
  const known = new Set(venueNames);
  const ruled = new Set<string>();
  weights.forEach((w, i) => {
    if (!known.has(w.venue)) issues.push({ path: ['rules', 'weights', i, 'venue'], value: w.venue, message: `unknown venue "${w.venue}" (known: ${venueNames.join(', ') || 'none'})` });
    if (ruled.has(w.venue)) issues.push({ path: ['rules', 'weights', i, 'venue'], value: w.venue, message: `venue "${w.venue}" has two rules; give each venue one rule` });
    ruled.add(w.venue);
  });
  for (const name of venueNames) {
    if (!ruled.has(name)) issues.push({ path: ['venues', name], value: name, message: `venue "${name}" has no rule; add one to rules.weights (maxConcentration 0 winds it down) or remove it` });
  }
  return issues;
}

/** Cross-field checks; each problem names its path. */
function snapshotIssues(s: Snapshot): YieldRuleIssue[] {
  const issues = yieldRuleListIssues(s.rules.weights, Object.keys(s.venues));
  s.rules.weights.forEach((w, i) => {
    const venue = s.venues[w.venue];
    if (venue !== undefined && w.maxPoolParticipation !== undefined && venue.tvlUsd === undefined) {
      issues.push({ path: ['venues', w.venue, 'tvlUsd'], message: `is required because rules.weights[${i}] sets maxPoolParticipation` });
    }
  });
  for (const [name, v] of Object.entries(s.venues)) {
    const positionUsd = s.positionsUsd[name] ?? 0;
    if (v.tvlUsd !== undefined && v.tvlUsd < positionUsd) {
      issues.push({ path: ['venues', name, 'tvlUsd'], value: v.tvlUsd, message: `must be at least the fund's own position positionsUsd.${name} = ${positionUsd} (the TVL includes it)` });
    }
    if (v.kind !== 'credit_supply' && v.sharePrice === undefined) issues.push({ path: ['venues', name, 'sharePrice'], message: 'is required for a vault (USD per share)' });
    if (v.kind === 'async_vault' && v.withdrawDelayDays < 1) issues.push({ path: ['venues', name, 'withdrawDelayDays'], value: v.withdrawDelayDays, message: 'must be at least 1 for an async_vault (its redemptions settle later)' });
    if (v.kind !== 'async_vault' && v.withdrawDelayDays > 0) issues.push({ path: ['venues', name, 'withdrawDelayDays'], value: v.withdrawDelayDays, message: `a ${v.kind} pays withdrawals at once; a venue whose redemptions settle later is kind async_vault` });
    if (v.kind === 'credit_supply' && v.sharePrice !== undefined) issues.push({ path: ['venues', name, 'sharePrice'], message: 'only vaults have a share price; remove it' });
    if (v.redeemQueuedUsd > 0 && v.withdrawDelayDays === 0) issues.push({ path: ['venues', name, 'redeemQueuedUsd'], message: 'only a venue with withdrawDelayDays > 0 can have queued redemptions' });
    if (v.redeemQueuedUsd > (s.positionsUsd[name] ?? 0)) issues.push({ path: ['venues', name, 'redeemQueuedUsd'], message: `exceeds the position (positionsUsd.${name} = ${s.positionsUsd[name] ?? 0})` });
  }
  s.directionalTrades.forEach((t, i) => {
    if (t.side === 'buy' && t.async) issues.push({ path: ['directionalTrades', i, 'async'], message: 'only a sell can be asynchronous (a vault redemption that pays out later)' });
  });
  for (const name of Object.keys(s.positionsUsd)) {
    if (s.venues[name] === undefined) issues.push({ path: ['positionsUsd', name], message: `unknown venue "${name}"; declare it under venues` });
  }
  const equityIssue = totalEquityIssue(s.totalEquityUsd, s.cashUsd, Object.values(s.positionsUsd), s.pendingRedemptionsUsd);
  if (equityIssue !== undefined) issues.push(equityIssue);
  return issues;
}

/** Relative slack for the equity check, so decimal inputs that add up exactly are not refused for float noise. */
const EQUITY_SLACK_PCT = 1e-9;

/**
 * Total equity cannot be below the cash-like money (cash + yield positions) less what is owed
 * to investors (settled redemptions not yet paid are the only debts a snapshot can express;
 * they are part of `pendingRedemptionsUsd`): directional positions can only add to it.
 *
 * @example totalEquityIssue(0, 10_000, [], 0)?.message // 'must be at least cashUsd + Σ positionsUsd − pendingRedemptionsUsd = 10000 …'
 */
function totalEquityIssue(totalEquityUsd: number, cashUsd: number, positionsUsd: readonly number[], pendingRedemptionsUsd: number): YieldRuleIssue | undefined {
  const positionsTotalUsd = positionsUsd.reduce((sum, x) => sum + x, 0);
  const floorUsd = cashUsd + positionsTotalUsd - pendingRedemptionsUsd;
  if (totalEquityUsd >= floorUsd - Math.abs(floorUsd) * EQUITY_SLACK_PCT) return undefined;
  return {
    path: ['totalEquityUsd'],
    value: totalEquityUsd,
    message:
      `must be at least cashUsd + Σ positionsUsd − pendingRedemptionsUsd = ${floorUsd} (cash ${cashUsd} + yield positions ${positionsTotalUsd} − owed ${pendingRedemptionsUsd}): ` +
      'equity holds the cash and the yield positions (directional positions only add to it) and the only debts a snapshot can express are the redemptions owed',
  };
}

/**
 * The snapshot schema for `capflow plan --input` (strict: unknown keys are errors). Field by
 * field documentation is in the README (`capflow plan`).
 *
 * @example parseConfig(YieldSnapshotSchema, JSON.parse(text), 'plan.json')
 */
export const YieldSnapshotSchema = BaseSnapshotSchema.superRefine(
  (s, ctx) => {
    for (const issue of snapshotIssues(s)) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  },
  { when: (payload) => payload.issues.length === 0 }, // cross-field checks need a well-formed snapshot
);

/**
 * A validated snapshot.
 *
 * @example const s: YieldSnapshot = loadConfigFile('examples/plan.yaml', YieldSnapshotSchema);
 */
export type YieldSnapshot = z.output<typeof YieldSnapshotSchema>;

/**
 * The kernel's rule for one venue: the rule's caps (absent caps become null) and the venue's
 * withdrawal delay (0 when it has none) and trade costs.
 *
 * @example yieldVenueRule({ venue: 'aave', maxConcentration: 1 }, { kind: 'credit_supply', entryCostUsd: 0, exitCostPct: 0 }).maxUsd // null
 */
export function yieldVenueRule(
  rule: YieldRuleInput,
  venue: { kind: YieldVenueRule['kind']; withdrawDelayDays?: number; entryCostUsd: number; exitCostPct: number },
): YieldVenueRule {
  return {
    venue: rule.venue,
    kind: venue.kind,
    maxConcentration: rule.maxConcentration,
    maxPoolParticipation: rule.maxPoolParticipation ?? null,
    maxUsd: rule.maxUsd ?? null,
    withdrawDelayDays: venue.withdrawDelayDays ?? 0,
    entryCostUsd: venue.entryCostUsd,
    exitCostPct: venue.exitCostPct,
  };
}

/**
 * Turns a validated snapshot into the kernel's input: the policy (rules and venues in rule
 * order) and the state (typed arrays in the same order).
 *
 * @example
 * const { policy, state } = yieldInputFromSnapshot(loadConfigFile('plan.yaml', YieldSnapshotSchema));
 */
export function yieldInputFromSnapshot(s: YieldSnapshot): { policy: YieldPolicy; state: YieldState } {
  const policy = yieldPolicyFromSnapshot(s);
  return { policy, state: yieldStateFromObservation(policy, observationFromSnapshot(s), createYieldState(policy.venues.length)) };
}

/**
 * The policy of a validated snapshot: its rules and venues in rule order.
 *
 * @example yieldPolicyFromSnapshot(snapshot).venues.map((v) => v.venue)
 */
export function yieldPolicyFromSnapshot(s: YieldSnapshot): YieldPolicy {
  return { rules: yieldRulesOf(s.rules), venues: s.rules.weights.map((w) => yieldVenueRule(w, s.venues[w.venue])) };
}

/**
 * The kernel's fund-wide rules from a rules section (a plan snapshot's, or a fund scenario's):
 * absent optional settings become null (gate, convergence) and a one-day cadence.
 *
 * @example yieldRulesOf({ cashBufferPct: 0.03, sellHaircutPct: 0.01, cashChangeToleranceUsd: 500 }).horizonDays // null
 */
export function yieldRulesOf(r: { cashBufferPct: number; sellHaircutPct: number; cashChangeToleranceUsd: number; horizonDays?: number; convergenceDays?: number; dtDays?: number }): YieldRules {
  return {
    cashBufferPct: r.cashBufferPct,
    sellHaircutPct: r.sellHaircutPct,
    cashChangeToleranceUsd: r.cashChangeToleranceUsd,
    horizonDays: r.horizonDays ?? null,
    convergenceDays: r.convergenceDays ?? null,
    dtDays: r.dtDays ?? 1,
  };
}
