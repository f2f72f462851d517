/**
 * One fund run's state as plain data: its books, its venues (each a module with its own
 * terms, market path and state), the investors, the fees, the policy's reusable workspace and
 * the recorded series. Built by {@link createFundRun}; a day is run by `runFundDay`.
 */
import type { Seed } from '../../core/rng.ts';
import { createYieldState, createYieldWorkspace, type YieldState, type YieldWorkspace } from '../../strategies/yieldManager.ts';
import { deltaNeutralSleeve } from '../../venues/deltaNeutralSleeve.ts';
import type { AnyVenueModule, VenueTerms } from '../../venues/types.ts';
import type { DataFlag } from '../../market/history/quality.ts';
import { createBooks, type FundBooks } from './books.ts';
import { createFees, type FeeState } from './fees.ts';
import { createInvestors, type Investors } from './investors.ts';
import { sampleFundMarket } from './market.ts';
import { createFundRunSeries, type FundRunSeries } from './result.ts';
import type { FundSetup } from './setup.ts';
import { fundVenueKind } from './venueKinds.ts';

/**
 * A venue the fund holds: its module, terms, market path and the fund's state in it; and
 * what moved through it today.
 *
 * @example run.venues[0].mod.value(v.terms, v.market, v.state, day)
 */
export interface FundVenue {
  readonly mod: AnyVenueModule;
  readonly terms: VenueTerms;
  readonly market: unknown;
  /** The day's data flag of the venue's market (history only), or null without flags. */
  readonly dataFlags: readonly (DataFlag | null)[] | null;
  state: unknown;
  /** The state the books were last marked at (a venue whose state is still this one needs no new mark). */
  markedState: unknown;
  /** Net money moved in today (base units, + in / − out). */
  flowUnits: bigint;
  /** Costs paid today for trades in this venue (base units). */
  costUnits: bigint;
  /** Market value changes booked since inception (base units). */
  earnedUnits: bigint;
}

/**
 * A fund run.
 *
 * @example const run = createFundRun(setup, 42, 0, { detail: true });
 */
export interface FundRun {
  readonly setup: FundSetup;
  readonly books: FundBooks;
  /** Yield venues in rule order. */
  readonly venues: FundVenue[];
  /** The delta-neutral sleeve, or null without one. */
  readonly sleeve: FundVenue | null;
  readonly investors: Investors;
  readonly fees: FeeState;
  readonly yieldState: YieldState;
  readonly ws: YieldWorkspace;
  readonly series: FundRunSeries;
  readonly detail: boolean;
  /** Whether the venues' and the sleeve's daily series are recorded (else they stay 0: a study keeps only the fund's daily columns of its runs after run 0). */
  readonly venueSeries: boolean;
  /** Gas per transaction, base units. */
  readonly gasUnits: bigint;
  /** Costs paid today, base units. */
  costsUnits: bigint;
}

function venueOf(mod: AnyVenueModule, terms: VenueTerms, market: unknown, dataFlags: readonly (DataFlag | null)[] | null = null): FundVenue {
  const state = mod.empty(terms);
  return { mod, terms, market, dataFlags, state, markedState: state, flowUnits: 0n, costUnits: 0n, earnedUnits: 0n };
}

/**
 * What a run keeps: `detail`, every event and decision; `venueSeries` (default true), the
 * venues' and the sleeve's daily series beside the fund's own.
 *
 * @example const opts: FundRunOptions = { detail: false, venueSeries: false }; // a study's run after run 0
 */
export interface FundRunOptions {
  detail: boolean;
  venueSeries?: boolean;
}

/**
 * Run `run` of master seed `seed`, before day 0 (see {@link FundRunOptions}).
 *
 * @example const run = createFundRun(setup, 42, 0, { detail: false });
 */
export function createFundRun(setup: FundSetup, seed: Seed, run: number, opts: FundRunOptions): FundRun {
  const market = sampleFundMarket(setup, seed, run);
  const venues = setup.venues.map((p, i) => venueOf(fundVenueKind(p).module, setup.venueTerms[i], market.venues[i], market.dataFlags[i]));
  const sleeve = setup.sleeve === null || market.sleeve === null ? null : venueOf(deltaNeutralSleeve, setup.sleeve, market.sleeve);
  const n = venues.length;
  const series = createFundRunSeries(setup.days, setup.policy.venues.map((v) => ({ name: v.venue, kind: v.kind, withdrawDelayDays: v.withdrawDelayDays })), run, setup.dates);
  return {
    setup,
    books: createBooks(opts.detail),
    venues,
    sleeve,
    investors: createInvestors(seed, run),
    fees: createFees(),
    yieldState: createYieldState(n),
    ws: createYieldWorkspace(n),
    series,
    detail: opts.detail,
    venueSeries: opts.venueSeries ?? true,
    gasUnits: BigInt(Math.round(setup.params.gasPerTxUsd * 1e6)),
    costsUnits: 0n,
  };
}
