/**
 * What a fund scenario run produces: daily series per run, per-venue series, the sleeve's PnL
 * split, the yield manager's decisions, and per-run summary numbers for Monte Carlo studies.
 * This is the contract between the fund model (src/scenarios/fund/) and the report
 * (src/report/fundReport.ts); the DuckDB result file stores the same data as tables.
 *
 * All USD series are float64, one value per day from day 0 (inception, before any flow) to
 * day N inclusive, so arrays have N + 1 entries.
 */
import type { VenueKind } from '../../venues/types.ts';

/** One yield venue's daily series in one run. */
export interface FundVenueSeries {
  /** Venue name as in the scenario file. */
  name: string;
  /** `credit_supply` (Aave-like reserve), `vault` (ERC-4626) or `async_vault` (ERC-7540). */
  kind: VenueKind;
  /** Value of the fund's position at the end of each day, USD. */
  valueUsd: Float64Array;
  /** Interest / yield earned since inception (cumulative), USD. */
  yieldEarnedUsd: Float64Array;
  /** The venue's supply APY that day (0..1 fractions). */
  apy: Float64Array;
  /** The largest position the rules allowed that day (min of the caps), USD. */
  capUsd: Float64Array;
  /** Money that could not leave the venue that day (beyond its instant liquidity, or queued), USD; the position may exceed capUsd by this much. */
  lockedUsd: Float64Array;
  /** The venue's TVL including the fund's position, USD. */
  tvlUsd: Float64Array;
  /** Net money the fund moved into the venue that day, USD (+ in, − out). */
  flowUsd: Float64Array;
  /** Costs the fund paid that day for its trades in this venue (entry, exit, gas), USD. */
  costUsd: Float64Array;
  /** Days a redemption request takes to pay out (ERC-7540); 0 for instant venues, absent when unknown. */
  withdrawDelayDays?: number;
}

/** The delta-neutral sleeve's cumulative PnL split, USD, one value per day. */
export interface FundSleeveSeries {
  /** Sleeve value (LP value + short equity), USD. */
  valueUsd: Float64Array;
  /** LP value change excluding fees (includes impermanent loss), USD, cumulative. */
  poolPnlUsd: Float64Array;
  /** Short PnL (mark-to-market), USD, cumulative. */
  shortPnlUsd: Float64Array;
  /** Pool fees earned, USD, cumulative. */
  feesUsd: Float64Array;
  /** Funding paid (negative) or received, USD, cumulative. */
  fundingUsd: Float64Array;
  /** Trading fees and rebalance costs paid, USD, cumulative (negative). */
  costsUsd: Float64Array;
  /** Estimated loss-versus-rebalancing (σ²/8 · pool value · dt), USD, cumulative (negative). */
  lvrUsd: Float64Array;
}

/** One yield-manager decision row (one venue on one day). */
export interface FundDecisionRow {
  day: number;
  venue: string;
  askedUsd: number;
  /** Which cap bound: concentration, poolParticipation, maxUsd, remainder, liquidity, breakEven (or '' when none). */
  boundBy: string;
  acceptedUsd: number;
  existingUsd: number;
  deltaUsd: number;
  /** supply / withdraw / deposit / redeem / request redeem / none. */
  action: string;
  /** The binding cap (asked, pool participation, maxUsd or remainder), USD. */
  capUsd: number;
  /** Money that could not leave the venue this day, USD. */
  lockedUsd: number;
  /** Redemption request sent to a delayed vault, USD (0 for none). */
  redeemRequestUsd: number;
  /** Why there is no trade although deltaUsd ≠ 0: tolerance, breakEven, or ''. */
  noTradeReason: string;
}

/** Everything one run recorded, day by day. */
export interface FundRunSeries {
  run: number;
  /** ISO dates (YYYY-MM-DD), N + 1 of them. */
  dates: string[];
  navUsd: Float64Array;
  /** NAV per share, USD per share. */
  sharePrice: Float64Array;
  /** Share supply in share units. */
  totalShares: Float64Array;
  /** Idle cash, USD. */
  cashUsd: Float64Array;
  /** Cash the rules keep (always-in-cash + buffer), USD. */
  bufferUsd: Float64Array;
  /** Redemptions requested but not yet paid, USD. */
  pendingRedemptionsUsd: Float64Array;
  /** Deposits received that day, USD. */
  depositsUsd: Float64Array;
  /** Redemptions paid that day, USD. */
  redemptionsPaidUsd: Float64Array;
  /** Redemptions due that day that cash and withdrawable positions could not cover, USD. */
  shortfallUsd: Float64Array;
  /** Share price before fund fees: the net price with each day's fee dilution added back (chain-linked). */
  grossSharePrice: Float64Array;
  /** Costs the fund paid that day (venue entry/exit costs, gas, the sleeve's fixed costs), USD. */
  costsUsd: Float64Array;
  /** Management fee taken that day (value of the shares minted to the fee receiver), USD. */
  managementFeesUsd: Float64Array;
  /** Performance fee crystallised that day, USD. */
  performanceFeesUsd: Float64Array;
  venues: FundVenueSeries[];
  sleeve: FundSleeveSeries;
  decisions: FundDecisionRow[];
  /** The yield trades the fund executed, in execution order (detail runs only). */
  trades: FundTradeRow[];
}

/**
 * One yield trade the fund executed: `amountUsd` > 0, `action` as `capflow plan` names it
 * (`supply`/`withdraw`, `deposit`/`redeem`, `request redeem`).
 *
 * @example const t: FundTradeRow = { day: 3, venue: 'aave-usdc', action: 'supply', amountUsd: 12_500 };
 */
export interface FundTradeRow {
  day: number;
  venue: string;
  action: string;
  amountUsd: number;
}

/** Per-run summary numbers of a Monte Carlo study, one entry per run. */
export interface FundRunSummaries {
  finalNavUsd: Float64Array;
  /** Share-price return over the horizon. */
  totalReturn: Float64Array;
  /** Max drawdown of the share price (negative fraction). */
  maxDrawdown: Float64Array;
  /** Days with a redemption shortfall. */
  shortfallDays: Float64Array;
}

/** Percentile bands of a daily series across runs. */
export interface FundBands {
  p5: Float64Array;
  p25: Float64Array;
  p50: Float64Array;
  p75: Float64Array;
  p95: Float64Array;
}

/**
 * What the report compares the fund with (the scenario's `params.report`).
 *
 * @example const r: FundReportSettings = { benchmark: 'aave-usdc', riskFreeRate: 0.04 };
 */
export interface FundReportSettings {
  /** A venue of the fund (its quoted APY compounded daily) or a constant yearly rate (0..1). */
  benchmark?: string | number;
  /** Yearly risk-free rate (0..1) for Sharpe and Sortino; default: the benchmark's return (0 without one). */
  riskFreeRate?: number;
}

/** The result of `capflow run <fund scenario>`. */
export interface FundResult {
  /** Scenario name (from the file). */
  name: string;
  /** Master seed. */
  seed: number;
  runs: number;
  days: number;
  /** Start date, ISO. */
  startDate: string;
  /** The first run in full detail (the report's single-path charts). */
  detail: FundRunSeries;
  summaries: FundRunSummaries;
  /** Share-price bands across runs, per day (N + 1 entries); for runs = 1 every band is the path. */
  sharePriceBands: FundBands;
  /** NAV bands across runs, per day. */
  navBands: FundBands;
  /** Benchmark and risk-free rate of the report (from the scenario), when set. */
  report?: FundReportSettings;
}

/**
 * Percentile bands of `n` days, all zero.
 *
 * @example createFundBands(366).p50.length // 366
 */
export function createFundBands(n: number): FundBands {
  return { p5: new Float64Array(n), p25: new Float64Array(n), p50: new Float64Array(n), p75: new Float64Array(n), p95: new Float64Array(n) };
}

/**
 * Zeroed day-by-day series for one run of `days` days (N + 1 entries each), one
 * {@link FundVenueSeries} per venue (in the given order), no decisions yet.
 *
 * @example createFundRunSeries(365, [{ name: 'aave', kind: 'credit_supply' }]).venues[0].valueUsd.length // 366
 */
export function createFundRunSeries(days: number, venues: readonly Pick<FundVenueSeries, 'name' | 'kind' | 'withdrawDelayDays'>[], run = 0, dates: string[] = []): FundRunSeries {
  const n = days + 1;
  const f = (): Float64Array => new Float64Array(n);
  return {
    run,
    dates,
    navUsd: f(),
    sharePrice: f(),
    totalShares: f(),
    cashUsd: f(),
    bufferUsd: f(),
    pendingRedemptionsUsd: f(),
    depositsUsd: f(),
    redemptionsPaidUsd: f(),
    shortfallUsd: f(),
    grossSharePrice: f(),
    costsUsd: f(),
    managementFeesUsd: f(),
    performanceFeesUsd: f(),
    venues: venues.map((v) => ({ name: v.name, kind: v.kind, ...(v.withdrawDelayDays === undefined ? {} : { withdrawDelayDays: v.withdrawDelayDays }), valueUsd: f(), yieldEarnedUsd: f(), apy: f(), capUsd: f(), lockedUsd: f(), tvlUsd: f(), flowUsd: f(), costUsd: f() })),
    sleeve: { valueUsd: f(), poolPnlUsd: f(), shortPnlUsd: f(), feesUsd: f(), fundingUsd: f(), costsUsd: f(), lvrUsd: f() },
    decisions: [],
    trades: [],
  };
}
