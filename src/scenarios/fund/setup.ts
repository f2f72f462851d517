/**
 * A fund scenario compiled for simulation: the yield manager's policy, venues in rule order,
 * the flow source (seeded process or a JSON-lines feed grouped by day), the sleeve's exact
 * parameters, dates. Built once per parameter set (in each worker), shared by every run.
 */
import { relocateError } from '../../core/errors.ts';
import { checkNumber } from '../../core/validate.ts';
import { readFeedFile } from '../../ledger/feed.ts';
import type { FlowSpec } from '../../market/flows.ts';
import { EXACT_DEFAULTS, type ExactParams } from '../../strategies/deltaNeutral/exact.ts';
import type { YieldPolicy } from '../../strategies/yieldManager.ts';
import { yieldRulesOf, yieldVenueRule } from '../../strategies/yieldManager/snapshot.ts';
import type { SleeveResizeRule } from '../../strategies/sleeveResize.ts';
import type { SleeveTerms } from '../../venues/deltaNeutralSleeve.ts';
import type { VenueTerms } from '../../venues/types.ts';
import type { FundParams, FundSleeveParams, FundVenueParams } from './schema.ts';
import { fundVenueKind } from './venueKinds.ts';
import { loadFundHistory, type FundHistory } from './history.ts';
import { DAYS_PER_YEAR } from '../../core/time.ts';

/** Investor flows of one day read from a feed (base units). */
export interface FeedDay {
  /** deposits: assets (vault-asset base units) and owner */
  deposits: { assets: bigint; owner: string }[];
  /** redemption requests (feed `redeem_request` and `redeem`): shares (share base units) and owner */
  requests: { shares: bigint; owner: string }[];
}

/** Flows from a JSON-lines feed: one entry per day 0…days, and what was left out. */
export interface FeedFlows {
  path: string;
  days: FeedDay[];
  /** feed events used */
  used: number;
  /** events of other kinds (the fund settles and accrues itself) or outside the horizon */
  skipped: number;
}

/** A compiled fund scenario. */
export interface FundSetup {
  params: FundParams;
  days: number;
  /** The yield manager's static policy, venues in rule order. */
  policy: YieldPolicy;
  /** Venue parameters in rule order (index i is policy.venues[i]). */
  venues: FundVenueParams[];
  /** Venue terms (name, costs, delays) in rule order. */
  venueTerms: VenueTerms[];
  /** Seeded flow process, or null when flows come from a feed. */
  flowSpec: FlowSpec | null;
  feed: FeedFlows | null;
  /** The sleeve's terms (its exact-accounting parameters; capital set when it opens), or null without a sleeve. */
  sleeve: SleeveTerms | null;
  /** The sleeve's sizing rule, or null without a sleeve. */
  sleeveRule: SleeveResizeRule | null;
  /** The history the market follows (market.source: history), or null for generated paths. */
  history: FundHistory | null;
  /** ISO dates of days 0…days (the history's, with a history market). */
  dates: string[];
}

const DAY_MS = 86_400_000;

/**
 * The ISO date `day` days after `start`.
 *
 * @example addDays('2025-01-01', 31) // '2025-02-01'
 */
export function addDays(start: string, day: number): string {
  return new Date(Date.parse(`${start}T00:00:00Z`) + day * DAY_MS).toISOString().slice(0, 10);
}

/** Where a fund scenario names its flow feed. */
const FEED_FIELD = 'params.flows.feed';

/**
 * Reads a feed file and groups its investor flows by day of the horizon. Deposits keep their
 * assets (the fund prices the shares itself); `redeem_request` and `redeem` become
 * redemption requests of their shares. Errors name `params.flows.feed`.
 *
 * @example readFeedFlows('flows.jsonl', '2025-01-01', 365).days[0].deposits.length
 */
export function readFeedFlows(path: string, startDate: string, days: number): FeedFlows {
  let events;
  try {
    events = readFeedFile(path, FEED_FIELD).events;
  } catch (e) {
    throw relocateError(e, (field) => (field === FEED_FIELD ? FEED_FIELD : `${FEED_FIELD} (${field})`));
  }
  const out: FeedDay[] = Array.from({ length: days + 1 }, () => ({ deposits: [], requests: [] }));
  const startMs = Date.parse(`${startDate}T00:00:00Z`);
  let used = 0;
  let skipped = 0;
  for (const { event } of events) {
    const day = Math.floor((Date.parse(event.timestamp) - startMs) / DAY_MS);
    const inHorizon = day >= 0 && day <= days;
    if (inHorizon && event.kind === 'deposit') out[day].deposits.push({ assets: event.assets, owner: event.owner });
    else if (inHorizon && (event.kind === 'redeem_request' || event.kind === 'redeem')) out[day].requests.push({ shares: event.shares, owner: event.owner });
    else {
      skipped++;
      continue;
    }
    used++;
  }
  return { path, days: out, used, skipped };
}

/** Ledger position (and token) of the delta-neutral sleeve. */
export const SLEEVE_POSITION = 'sleeve';

function sleeveTerms(s: FundSleeveParams): SleeveTerms {
  return { name: SLEEVE_POSITION, entryCostUsd: 0, exitCostPct: 0, withdrawDelayDays: 0, exact: exactParams(s) };
}

function exactParams(s: FundSleeveParams): ExactParams {
  return {
    ...EXACT_DEFAULTS,
    capitalUsd: 1,
    dtYears: 1 / DAYS_PER_YEAR,
    poolApr: s.poolApr,
    reinvestFees: s.reinvestFees,
    makerFeePct: s.makerFeePct,
    takerFeePct: s.takerFeePct,
    fixedCostUsd: s.fixedCostUsd,
    rebalanceEvery: s.rebalanceEvery,
    band: s.band ?? Infinity,
    shortLeverage: s.shortLeverage,
    liquidationThreshold: s.liquidationThreshold,
    liquidationPenaltyPct: s.liquidationPenaltyPct,
  };
}

/**
 * What a fund scenario reads outside its file, read once in the parent when the scenario is
 * loaded and handed to workers as data: the feed's flows by day (null without a feed).
 *
 * @example const inputs: FundInputs = { feed: null };
 */
export interface FundInputs {
  feed: FeedFlows | null;
  /** The history a `market.source: history` fund follows (read asynchronously by {@link loadFundHistoryInputs}), else null. */
  history: FundHistory | null;
}

/** Inputs of a fund that reads nothing (flows from the seeded process). */
export const NO_FUND_INPUTS: FundInputs = { feed: null, history: null };

/**
 * Reads what the parameters point to (the flow feed) for a horizon of `days` days. Errors
 * name `params.flows.feed`.
 *
 * @example const inputs = loadFundInputs(params, 365); compileFund(params, 365, inputs);
 */
export function loadFundInputs(params: FundParams, days: number): FundInputs {
  return { feed: 'feed' in params.flows ? readFeedFlows(params.flows.feed, params.startDate, days) : null, history: null };
}

/**
 * Completes the inputs with what asynchronous readers load: the history of a fund whose
 * `market.source` is `history` (and a feed's days counted from the history's first date).
 *
 * @example const inputs = await loadFundHistoryInputs(params, loadFundInputs(params, 365), { timesteps: 365 });
 */
export async function loadFundHistoryInputs(params: FundParams, inputs: FundInputs, ctx: { timesteps: number }): Promise<FundInputs> {
  if (params.market === undefined) return inputs;
  const history = await loadFundHistory(params, ctx.timesteps);
  const feed = 'feed' in params.flows ? readFeedFlows(params.flows.feed, history.dates[0], ctx.timesteps) : null;
  return { feed, history };
}

/**
 * Compiles validated parameters and their inputs ({@link loadFundInputs}) for a horizon of
 * `days` days. Reads no file.
 *
 * @example const setup = compileFund(params, 365);
 */
export function compileFund(params: FundParams, days: number, inputs: FundInputs = NO_FUND_INPUTS): FundSetup {
  checkNumber('timesteps', days, { integer: true, min: 1 });
  const venues = params.rules.weights.map((w) => params.venues[w.venue]);
  const venueTerms = params.rules.weights.map((w, i) => fundVenueKind(venues[i]).terms(w.venue, venues[i]));
  const rules = params.rules.weights.map((w, i) => yieldVenueRule(w, { ...venueTerms[i], kind: venues[i].kind }));
  const policy: YieldPolicy = { rules: yieldRulesOf(params.rules), venues: rules }; // the fund plans daily (dtDays 1)
  const flows = params.flows;
  const feed = 'feed' in flows ? inputs.feed : null;
  if ('feed' in flows && (feed === null || feed.days.length !== days + 1)) throw new Error(`params.flows.feed is not loaded for ${days} days: pass loadFundInputs(params, ${days}) to compileFund`);
  const flowSpec = 'feed' in flows ? null : flows;
  const sleeve = params.sleeve !== undefined && params.sleeve.sharePct > 0 ? sleeveTerms(params.sleeve) : null;
  if (params.market !== undefined && inputs.history === null) throw new Error('params.market is not loaded: pass loadFundHistoryInputs(params, inputs, ctx) to compileFund (loadScenario does)');
  const dates = inputs.history === null ? Array.from({ length: days + 1 }, (_, d) => addDays(params.startDate, d)) : inputs.history.dates.slice(0, days + 1);
  const sleeveRule = sleeve === null || params.sleeve === undefined ? null : { ...params.sleeve, minTradeUsd: params.rules.cashChangeToleranceUsd };
  return { params, days, policy, venues, venueTerms, flowSpec, feed, history: inputs.history, sleeve, sleeveRule, dates };
}
