/**
 * The fund scenario's parameters (`params:` of a `model: fund` scenario file), validated by a
 * strict zod schema, and the cross-field checks that need the whole file (the README's "fund
 * scenario" section documents every field with its default).
 */
import * as z from '../../core/zod.ts';
import { formatPath } from '../../core/config.ts';
import { UserError } from '../../core/errors.ts';
import { USDC_RATE_STRATEGY, maxShortLeverage } from '../../protocols/aave.ts';
import { checkFlowSpec } from '../../market/flows.ts';
import type { RateProcess } from '../../market/processes.ts';
import { EXACT_DEFAULTS } from '../../strategies/deltaNeutral/exact.ts';
import { YieldRuleSchema, yieldRuleListIssues } from '../../strategies/yieldManager/snapshot.ts';
import { RateProcessSchema } from '../schemas.ts';

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const usd = finite.refine((x) => x >= 0, 'must be >= 0');
const fraction = finite.refine((x) => x >= 0 && x <= 1, 'must be in [0, 1]');
const positive = finite.refine((x) => x > 0, 'must be > 0');
const days = z.number().int().min(0);

/** Venue names double as ledger positions and token symbols. */
const RESERVED_POSITIONS = ['reserve', 'claims', 'pending', 'sleeve'];
const venueName = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,32}$/, 'must be 1-32 letters, digits, "_" or "-"')
  .refine((n) => !RESERVED_POSITIONS.includes(n), `is a ledger position name (${RESERVED_POSITIONS.join(', ')}); pick another`);

const StrategySchema = z.strictObject({
  baseVariableBorrowRate: usd.default(USDC_RATE_STRATEGY.baseVariableBorrowRate),
  variableRateSlope1: usd.default(USDC_RATE_STRATEGY.variableRateSlope1),
  variableRateSlope2: usd.default(USDC_RATE_STRATEGY.variableRateSlope2),
  optimalUsageRatio: finite.refine((x) => x > 0 && x < 1, 'must be in (0, 1)').default(USDC_RATE_STRATEGY.optimalUsageRatio),
  reserveFactor: fraction.default(USDC_RATE_STRATEGY.reserveFactor),
});

const costs = {
  /** Fixed USD cost of one deposit/supply (gas, fees): booked as a cost, and weighed by the break-even gate. */
  entryCostUsd: usd.default(0),
  /** Cost of a withdrawal as a fraction of the amount: booked as a cost, and weighed by the break-even gate. */
  exitCostPct: fraction.default(0),
};

/** A stored history's name (`capflow data import --venue/--asset`). */
const seriesName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be a stored series name: 1-64 letters, digits, ".", "_" or "-"');

/** With `market.source: history`, a venue's market is the history `series` names; else its processes. */
const CreditSupplySchema = z.strictObject({
  kind: z.literal('credit_supply'),
  strategy: StrategySchema.default(StrategySchema.parse({})),
  utilisation: RateProcessSchema.optional(),
  tvlUsd: RateProcessSchema.optional(),
  series: seriesName.optional(),
  ...costs,
});

const VaultSchema = z.strictObject({
  kind: z.literal('vault'),
  apy: RateProcessSchema.optional(),
  tvlUsd: RateProcessSchema.optional(),
  series: seriesName.optional(),
  initialSharePrice: positive.default(1),
  ...costs,
});

const AsyncVaultSchema = z.strictObject({
  kind: z.literal('async_vault'),
  apy: RateProcessSchema.optional(),
  tvlUsd: RateProcessSchema.optional(),
  series: seriesName.optional(),
  initialSharePrice: positive.default(1),
  /** Days a redemption request takes to settle and pay (ERC-7540). */
  withdrawDelayDays: z.number().int().min(1),
  /** The share of the vault's TVL that can be redeemed at once. */
  instantLiquidityPct: fraction.default(0),
  ...costs,
});

const VenueSchema = z.discriminatedUnion('kind', [CreditSupplySchema, VaultSchema, AsyncVaultSchema]);

const RulesSchema = z.strictObject({
  /** Share of NAV always kept in cash (the yield manager's cashBufferPct, as in `capflow plan`). */
  cashBufferPct: fraction.default(0.03),
  /** Haircut on cash expected from the sleeve's sells (the yield manager's sellHaircutPct). */
  sellHaircutPct: finite.refine((x) => x > 0 && x <= 1, 'must be in (0, 1]').default(0.01),
  cashChangeToleranceUsd: positive.default(500),
  horizonDays: positive.optional(),
  /** Days over which the yield plan converges to its targets (as `capflow plan`'s rules.convergenceDays); absent: full speed. */
  convergenceDays: positive.optional(),
  weights: z.array(YieldRuleSchema).min(1, 'at least one rule is needed'),
});

/** Defaults of the seeded flow process. */
const FLOW_DEFAULTS = {
  depositsPerDay: 2,
  depositMeanUsd: 25_000,
  depositSizeVol: 1,
  redemptionsPerDay: 1,
  redemptionMeanPct: 0.005,
  redemptionSizeVol: 1,
  redemptionMaxPct: 0.1,
};

/** Either a feed (`{ feed: path }`) or the flow process's fields (defaults filled in). */
const FlowsSchema = z
  .strictObject({
    feed: z.string().min(1).optional(),
    depositsPerDay: usd.optional(),
    depositMeanUsd: usd.optional(),
    depositSizeVol: usd.optional(),
    redemptionsPerDay: usd.optional(),
    redemptionMeanPct: fraction.optional(),
    redemptionSizeVol: usd.optional(),
    redemptionMaxPct: finite.refine((x) => x > 0 && x <= 1, 'must be in (0, 1]').optional(),
  })
  .superRefine((f, ctx) => {
    if (f.feed === undefined) return;
    for (const key of Object.keys(f)) {
      if (key !== 'feed') ctx.addIssue({ code: 'custom', path: [key], message: 'a feed replaces the flow process: remove this field or the feed' });
    }
  })
  .transform((f): { feed: string } | typeof FLOW_DEFAULTS => (f.feed !== undefined ? { feed: f.feed } : { ...FLOW_DEFAULTS, ...f }));

const SleeveSchema = z.strictObject({
  /** Target share of NAV in the sleeve. */
  sharePct: fraction,
  /** Check the sleeve against its target every this many days. */
  resizeEveryDays: z.number().int().min(1).default(30),
  /** Resize only when |value / target − 1| exceeds this. */
  resizeBandPct: fraction.default(0.1),
  /** With `market.source: history`: the stored price series the sleeve's token follows (replaces `price`). */
  priceSeries: seriesName.optional(),
  price: z
    .strictObject({
      initialPrice: positive.default(3000),
      dailyVol: usd.default(0.035),
      dailyDrift: finite.default(0),
    })
    .default({ initialPrice: 3000, dailyVol: 0.035, dailyDrift: 0 }),
  poolApr: usd.default(0.15),
  funding: RateProcessSchema.default({ kind: 'meanReverting', level: 0.06, speed: 12, vol: 0.3 }),
  makerFeePct: finite.refine((x) => x >= 0 && x < 1, 'must be in [0, 1)').default(0.0002),
  takerFeePct: finite.refine((x) => x >= 0 && x < 1, 'must be in [0, 1)').default(0.0005),
  /** Deliberately 5, not EXACT_DEFAULTS' 0. */
  fixedCostUsd: usd.default(5),
  rebalanceEvery: z.number().int().min(0).default(1),
  band: positive.optional(),
  shortLeverage: positive.default(EXACT_DEFAULTS.shortLeverage),
  liquidationThreshold: finite.refine((x) => x > 0 && x < 1, 'must be in (0, 1)').default(EXACT_DEFAULTS.liquidationThreshold),
  liquidationPenaltyPct: finite.refine((x) => x >= 0 && x < 1, 'must be in [0, 1)').default(EXACT_DEFAULTS.liquidationPenaltyPct),
  reinvestFees: z.boolean().default(EXACT_DEFAULTS.reinvestFees),
});

const isoDate = z.iso.date('must be a calendar date YYYY-MM-DD');

/**
 * Where the venues' markets come from: generated processes (no `market`), or history — a
 * history file from `capflow data import` (`db`), or files imported on the fly with the same
 * checks (`import`) — over the days every named series covers (cut to from/to). `bootstrap`
 * makes each run a seeded stationary block bootstrap of the venues' joint days.
 */
const MarketSchema = z
  .strictObject({
    source: z.literal('history'),
    db: z.string().min(1).optional(),
    import: z
      .array(
        z.strictObject({
          file: z.string().min(1),
          /** The import's options file (as `capflow data import --config`). */
          config: z.string().min(1).optional(),
          as: z.enum(['venue', 'prices']),
          name: seriesName,
        }),
      )
      .min(1)
      .optional(),
    from: isoDate.optional(),
    to: isoDate.optional(),
    bootstrap: z.strictObject({ meanBlockDays: finite.refine((x) => x >= 1, 'must be >= 1 (days)') }).optional(),
    /** Venue data quality: a day older than maxStaleDays, or an APY more than madMultiple median absolute deviations off its trailing median, takes no new deposits. */
    quality: z.strictObject({ maxStaleDays: z.number().int().min(0).optional(), madMultiple: positive.optional() }).optional(),
  })
  .superRefine((m, ctx) => {
    if ((m.db === undefined) === (m.import === undefined)) ctx.addIssue({ code: 'custom', path: ['db'], message: 'give exactly one of db (a history file) and import (files to import)' });
    if (m.from !== undefined && m.to !== undefined && m.from > m.to) ctx.addIssue({ code: 'custom', path: ['from'], message: `is after to ${m.to}` });
  });

const FEE_DEFAULTS = { managementPct: 0, performancePct: 0, crystallizeEveryDays: 365, receiver: '0x00000000000000000000000000000000000fee00' };

/** Fund fees as vault curators charge them: shares minted to the fee receiver. */
const FeesSchema = z.strictObject({
  /** Yearly management fee on NAV (0..1), accrued daily. */
  managementPct: fraction.default(FEE_DEFAULTS.managementPct),
  /** Share (0..1) of the share price's gain above its high-water mark, crystallised every `crystallizeEveryDays`. */
  performancePct: fraction.default(FEE_DEFAULTS.performancePct),
  crystallizeEveryDays: z.number().int().min(1).default(FEE_DEFAULTS.crystallizeEveryDays),
  /** The fee receiver's address (the owner of the minted shares). */
  receiver: z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'must be 0x + 40 hex digits').default(FEE_DEFAULTS.receiver),
});

/** What the report compares the fund with (see FundReportSettings in result.ts). */
const ReportSchema = z.strictObject({
  /** A venue name of this fund, or a constant yearly rate (0.05 = 5%). */
  benchmark: z.union([z.string().min(1), finite.refine((x) => x > -1 && x < 10, 'must be a yearly rate in (-1, 10)')]).optional(),
  /** Yearly risk-free rate for Sharpe and Sortino; default: the benchmark's return. */
  riskFreeRate: finite.refine((x) => x > -1 && x < 10, 'must be a yearly rate in (-1, 10)').optional(),
});

/**
 * `params` of a `model: fund` scenario file (strict: unknown keys are errors).
 *
 * @example parseConfig(FundParamsSchema, yamlDoc.params, 'fund.yaml')
 */
export const FundParamsSchema = z.strictObject({
  name: z.string().min(1).max(200).default('capflow fund'),
  /** A calendar date `YYYY-MM-DD` (month 01–12, a day the month has). */
  startDate: z.iso.date('must be a calendar date YYYY-MM-DD').default('2025-01-01'),
  initialDepositUsd: usd.default(5_000_000),
  flows: FlowsSchema.default(FLOW_DEFAULTS),
  redemptions: z.strictObject({ settlementDays: days.default(1) }).default({ settlementDays: 1 }),
  rules: RulesSchema,
  venues: z.record(venueName, VenueSchema).refine((v) => Object.keys(v).length > 0, 'declare at least one venue'),
  sleeve: SleeveSchema.optional(),
  /** Gas paid per transaction the fund sends to a venue (deposit, withdrawal, redemption request, claim), USD. */
  gasPerTxUsd: usd.default(0),
  market: MarketSchema.optional(),
  fees: FeesSchema.default(FEE_DEFAULTS),
  report: ReportSchema.optional(),
});

/**
 * Validated fund parameters (defaults filled in).
 *
 * @example const p: FundParams = parseConfig(FundParamsSchema, doc.params);
 */
export type FundParams = z.output<typeof FundParamsSchema>;
/** One venue's validated terms. @example const v: FundVenueParams = params.venues.aave; */
export type FundVenueParams = z.output<typeof VenueSchema>;
/** The sleeve's validated terms. @example const s: FundSleeveParams | undefined = params.sleeve; */
export type FundSleeveParams = z.output<typeof SleeveSchema>;
/** The fees' validated terms. @example const f: FundFeeParams = params.fees; */
export type FundFeeParams = z.output<typeof FeesSchema>;
/** The history market's validated terms. @example const m: FundMarketParams | undefined = params.market; */
export type FundMarketParams = z.output<typeof MarketSchema>;

/** Investor flows one run may expect at most (each is a ledger event of the detail run). */
const MAX_FLOW_EVENTS = 2_000_000;

function fail(field: string, value: unknown, message: string, hint?: string): never {
  throw new UserError({ field: `params.${field}`, value, message, hint });
}

function checkSeries(field: string, process: RateProcess, timesteps: number): void {
  if (process.kind === 'series' && process.values.length < timesteps + 1) {
    fail(`${field}.values`, process.values.length, `has ${process.values.length} values but ${timesteps} days need ${timesteps + 1} (day 0…${timesteps})`);
  }
}

/** A venue's market: its history series with a history market, else its processes (long enough for the horizon). */
function checkVenueMarket(p: FundParams, name: string, v: FundVenueParams, timesteps: number): void {
  const processes: [string, RateProcess | undefined][] = v.kind === 'credit_supply' ? [['utilisation', v.utilisation], ['tvlUsd', v.tvlUsd]] : [['apy', v.apy], ['tvlUsd', v.tvlUsd]];
  if (p.market !== undefined) {
    if (v.series === undefined) fail(`venues.${name}.series`, undefined, 'is required with market.source: history (the stored venue series this venue follows)');
    for (const [key, process] of processes) if (process !== undefined) fail(`venues.${name}.${key}`, process.kind, 'a venue following history has no generated process', 'remove it');
    return;
  }
  if (v.series !== undefined) fail(`venues.${name}.series`, v.series, 'a history series needs market.source: history', 'remove it, or add a history market');
  for (const [key, process] of processes) {
    if (process === undefined) fail(`venues.${name}.${key}`, undefined, 'is required (a process), or follow a history series with market.source: history');
    checkSeries(`venues.${name}.${key}`, process, timesteps);
  }
}

/**
 * Cross-field checks of a fund scenario: the rule list against the venues (the checks of
 * `capflow plan`'s snapshot, {@link yieldRuleListIssues}), the sleeve and the cash buffer
 * together at most 1, series long enough for the horizon, and the short's leverage below its
 * maximum. Errors name `params.…`; the first problem is reported.
 *
 * @example checkFundParams(params, { timesteps: 365 })
 */
export function checkFundParams(p: FundParams, ctx: { timesteps: number }): void {
  const [ruleIssue] = yieldRuleListIssues(p.rules.weights, Object.keys(p.venues));
  if (ruleIssue !== undefined) fail(formatPath(ruleIssue.path), ruleIssue.value, ruleIssue.message);
  for (const [name, v] of Object.entries(p.venues)) checkVenueMarket(p, name, v, ctx.timesteps);
  if (!('feed' in p.flows)) {
    checkFlowSpec(p.flows, 'params.flows');
    const perRun = (p.flows.depositsPerDay + p.flows.redemptionsPerDay) * ctx.timesteps;
    if (perRun > MAX_FLOW_EVENTS) {
      fail('flows.depositsPerDay', p.flows.depositsPerDay, `(deposits + redemptions per day) × ${ctx.timesteps} days = ${perRun} expected flows per run, above the limit ${MAX_FLOW_EVENTS}`, 'lower the rates or the days');
    }
  }
  const benchmark = p.report?.benchmark;
  if (typeof benchmark === 'string' && !(benchmark in p.venues)) fail('report.benchmark', benchmark, `is not a venue of this fund (${Object.keys(p.venues).join(', ')})`, 'name a venue or give a yearly rate such as 0.05');
  const s = p.sleeve;
  if (s !== undefined) {
    if (s.sharePct + p.rules.cashBufferPct > 1) {
      fail('sleeve.sharePct', s.sharePct, `sleeve share ${s.sharePct} + rules.cashBufferPct ${p.rules.cashBufferPct} is above 1`, 'the sleeve and the cash buffer together can hold at most the whole NAV');
    }
    const maxLeverage = maxShortLeverage(s.liquidationThreshold);
    if (!(s.shortLeverage < maxLeverage)) fail('sleeve.shortLeverage', s.shortLeverage, `must be below the maximum short leverage ${maxLeverage.toFixed(4)} for liquidationThreshold ${s.liquidationThreshold}`);
    if (s.rebalanceEvery === 0 && s.band === undefined) fail('sleeve.rebalanceEvery', 0, 'no schedule and no band: the hedge would never be rebalanced', 'set rebalanceEvery >= 1 or a band');
    checkSeries('sleeve.funding', s.funding, ctx.timesteps);
    if (p.market === undefined && s.priceSeries !== undefined) fail('sleeve.priceSeries', s.priceSeries, 'a price series needs market.source: history', 'remove it, or add a history market');
    if (p.market !== undefined && s.priceSeries === undefined) fail('sleeve.priceSeries', undefined, 'is required with market.source: history (the stored price series the sleeve follows)');
  }
}
