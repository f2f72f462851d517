/**
 * The batch file `capflow plan --emit-txs` writes, as `capflow execute` reads it back (a Safe
 * Transaction Builder batch whose `meta.capflow` holds the live plan file and the planned
 * trades), and the drift between the planned trades and a fresh plan.
 */
import * as z from '../../core/zod.ts';
import type { Address, Hex } from 'viem';
import { LivePlanSchema } from './liveInput.ts';

const address = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, 'must be a 0x-prefixed 20-byte hex address')
  .transform((a) => a as Address);

const TransactionSchema = z.looseObject({
  to: address,
  value: z.string().regex(/^\d+$/, 'must be a whole number of wei as a decimal string'),
  data: z
    .string()
    .regex(/^0x([0-9a-fA-F]{2})*$/, 'must be 0x-prefixed hex calldata')
    .transform((d) => d as Hex),
  contractMethod: z.looseObject({ name: z.string() }).nullable().optional(),
});

const PlannedTradeSchema = z.strictObject({ venue: z.string().min(1), deltaUsd: z.number() });

/**
 * The batch schema (transactions and meta as Safe writes them; `meta.capflow` as capflow does).
 *
 * @example loadConfigFile('batch.json', LiveBatchSchema).transactions.length
 */
export const LiveBatchSchema = z.looseObject({
  version: z.string(),
  chainId: z.string().regex(/^\d+$/, 'must be the chain id as a decimal string'),
  meta: z.looseObject({
    createdFromSafeAddress: address,
    capflow: z.strictObject({
      blockNumber: z.string().regex(/^\d+$/),
      input: LivePlanSchema,
      trades: z.array(PlannedTradeSchema),
    }),
  }),
  transactions: z.array(TransactionSchema).min(1, 'the batch has no transactions: the plan had no trade'),
});

/**
 * A validated batch file.
 *
 * @example const batch: LiveBatch = loadConfigFile('batch.json', LiveBatchSchema);
 */
export type LiveBatch = z.output<typeof LiveBatchSchema>;

/**
 * One venue's planned and re-planned trade (USD, > 0 into the venue).
 *
 * @example const d: VenueDrift = { venue: 'aave', plannedUsd: 1000, nowUsd: 1200, driftUsd: 200 };
 */
export interface VenueDrift {
  venue: string;
  plannedUsd: number;
  nowUsd: number;
  driftUsd: number;
}

/**
 * How far a fresh plan's trades moved from the planned ones: per venue |now − planned| (a
 * venue's trades summed), and their total.
 *
 * @example tradeDrift([{ venue: 'a', deltaUsd: 100 }], [{ venue: 'a', deltaUsd: 90 }]).driftUsd // 10
 */
export function tradeDrift(planned: readonly { venue: string; deltaUsd: number }[], now: readonly { venue: string; deltaUsd: number }[]): { driftUsd: number; venues: VenueDrift[] } {
  const sums = new Map<string, { plannedUsd: number; nowUsd: number }>();
  const at = (venue: string) => sums.get(venue) ?? sums.set(venue, { plannedUsd: 0, nowUsd: 0 }).get(venue)!;
  for (const t of planned) at(t.venue).plannedUsd += t.deltaUsd;
  for (const t of now) at(t.venue).nowUsd += t.deltaUsd;
  const venues = [...sums].map(([venue, s]) => ({ venue, ...s, driftUsd: Math.abs(s.nowUsd - s.plannedUsd) }));
  return { driftUsd: venues.reduce((sum, v) => sum + v.driftUsd, 0), venues };
}
