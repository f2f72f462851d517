/**
 * The live plan file (`capflow plan --rpc <url> --input live.yaml`): the snapshot's rules and
 * directional trades, with venues named by address instead of numbers, the fund's holder
 * address and asset. Validated here (zod, strict) and turned into the chain source's
 * {@link LiveFundSpec} in rule order.
 */
import * as z from '../../core/zod.ts';
import type { Address } from 'viem';
import type { LiveFundSpec, LiveVenueSpec } from '../../venues/chainSource.ts';
import { YieldSnapshotSchema, yieldRuleListIssues, type YieldSnapshot } from './snapshot.ts';

const address = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, 'must be a 0x-prefixed 20-byte hex address')
  .transform((a) => a as Address);
const usd = z.number().min(0);
const costs = { entryCostUsd: usd.default(0), exitCostPct: z.number().min(0).max(1).default(0) };

const LiveVenueSchema = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ kind: z.literal('aave-v3'), pool: address, asset: address, ...costs }),
    z.strictObject({ kind: z.literal('erc4626'), address, ...costs }),
    z.strictObject({ kind: z.literal('erc7540'), address, withdrawDelayDays: z.number().min(1), ...costs }),
  ],
  { error: 'unknown venue kind; use aave-v3 (pool, asset), erc4626 (address) or erc7540 (address, withdrawDelayDays)' },
);

const shape = YieldSnapshotSchema.shape;

/**
 * The live plan file's schema (strict: unknown keys are errors). Field by field documentation
 * is in the README (`capflow plan --rpc`).
 *
 * @example parseConfig(LivePlanSchema, parse(text), 'live.yaml')
 */
export const LivePlanSchema = z
  .strictObject({
    /** The chain the addresses live on; the RPC must serve it. */
    chainId: z.number().int().positive().optional(),
    holder: address,
    asset: address,
    assetPriceUsd: z.number().gt(0).default(1),
    apyLookbackBlocks: z.number().int().min(0).default(7200),
    rules: shape.rules.extend({
      /** `rules`: the ordered rule fill; `marginal`: the same money and caps, marginal APYs equalised. */
      mode: z.enum(['rules', 'marginal']).default('rules'),
    }),
    venues: z.record(z.string().min(1), LiveVenueSchema),
    totalEquityUsd: usd.optional(),
    pendingRedemptionsUsd: shape.pendingRedemptionsUsd,
    directionalTrades: shape.directionalTrades,
  })
  .superRefine((s, ctx) => {
    for (const issue of yieldRuleListIssues(s.rules.weights, Object.keys(s.venues))) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  });

/**
 * A validated live plan file.
 *
 * @example const live: LivePlan = loadConfigFile('live.yaml', LivePlanSchema);
 */
export type LivePlan = z.output<typeof LivePlanSchema>;

/**
 * The rules as a snapshot has them (without `mode`).
 *
 * @example snapshotDocument(observation, snapshotRules(live.rules))
 */
export function snapshotRules(rules: LivePlan['rules']): YieldSnapshot['rules'] {
  const { mode: _mode, ...rest } = rules;
  return rest;
}

/**
 * The chain source's spec of a live plan: venues in rule order.
 *
 * @example readLiveFund(client, liveFundSpec(loadConfigFile('live.yaml', LivePlanSchema)))
 */
export function liveFundSpec(p: LivePlan): LiveFundSpec {
  const venues = p.rules.weights.map(({ venue }): LiveVenueSpec => ({ name: venue, ...p.venues[venue] }));
  return {
    holder: p.holder,
    asset: p.asset,
    assetPriceUsd: p.assetPriceUsd,
    apyLookbackBlocks: p.apyLookbackBlocks,
    venues,
    pendingRedemptionsUsd: p.pendingRedemptionsUsd,
    directionalTrades: p.directionalTrades,
    totalEquityUsd: p.totalEquityUsd,
  };
}
