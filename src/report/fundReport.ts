/**
 * The fund report: turns a {@link FundResult} into the HTML document, the `summary.json`
 * object, the terminal summary rows and the main chart (for the PNG).
 *
 * Returns are measured on the share price (what an investor earns), not on NAV, which moves
 * with deposits and redemptions.
 */
import { summarize, type Summary } from '../market/stats.ts';
import type { FundResult, FundRunSeries } from '../scenarios/fund/result.ts';
import { fanChartSvg, histogramSvg, lineChartSvg, type LineSeries } from './charts.ts';
import { renderReportHtml, type ReportChart, type ReportDocument, type ReportMetric } from './html.ts';
import { drawdownSeries, periodReturns, returnMetrics, type ReturnMetrics } from './metrics.ts';
import { svgToPng } from './png.ts';
import { formatNumber } from './table.ts';

/** Days in a year for annualising daily series (the Aave and QuantStats convention). */
export const DAYS_PER_YEAR = 365;

/** The machine-readable summary written as summary.json. */
export interface FundSummary extends ReturnMetrics {
  name: string;
  seed: number;
  runs: number;
  days: number;
  startDate: string;
  endDate: string;
  initialNavUsd: number;
  finalNavUsd: number;
  initialSharePrice: number;
  finalSharePrice: number;
  finalShares: number;
  /** Time-weighted realised yield per venue (annualised, 0..1). */
  realisedYieldByVenue: Record<string, number>;
  /** Yield earned per venue over the horizon, USD. */
  yieldEarnedByVenueUsd: Record<string, number>;
  /** Days on which redemptions due could not be paid in full. */
  shortfallDays: number;
  totalDepositsUsd: number;
  totalRedemptionsPaidUsd: number;
  /** The delta-neutral sleeve's final PnL split, USD. */
  sleevePnlUsd: { pool: number; short: number; fees: number; funding: number; costs: number; lvr: number; total: number };
  /** Across runs (Monte Carlo); present when runs > 1. */
  monteCarlo?: { totalReturn: Summary; maxDrawdown: Summary; finalNavUsd: Summary; shortfallDays: Summary };
}

const last = (xs: Float64Array): number => xs[xs.length - 1];

/**
 * Realised yield of a position: earned / (time-weighted average value × years), annualised
 * simply (no compounding). 0 when the position was never held.
 *
 * @example realisedYield(Float64Array.of(0, 1, 2), Float64Array.of(100, 100, 100), 365) // ≈ 3.65
 */
export function realisedYield(yieldEarnedUsd: Float64Array, valueUsd: Float64Array, daysPerYear = DAYS_PER_YEAR): number {
  const days = valueUsd.length - 1;
  if (days <= 0) return 0;
  let capitalDays = 0;
  for (let d = 0; d < days; d++) capitalDays += valueUsd[d]; // value held over day d → d+1
  if (capitalDays <= 0) return 0;
  return (last(yieldEarnedUsd) - yieldEarnedUsd[0]) / (capitalDays / daysPerYear);
}

function countPositive(xs: Float64Array): number {
  let n = 0;
  for (let i = 0; i < xs.length; i++) if (xs[i] > 1e-9) n++;
  return n;
}

function sum(xs: Float64Array): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s;
}

/**
 * The summary of a fund result (the detailed run's metrics, plus Monte Carlo statistics).
 *
 * @example const summary = fundSummary(result); summary.sharpe
 */
export function fundSummary(result: FundResult): FundSummary {
  const d = result.detail;
  const days = d.sharePrice.length - 1;
  const metrics = returnMetrics(periodReturns(d.sharePrice), DAYS_PER_YEAR, days / DAYS_PER_YEAR);
  const s = d.sleeve;
  const sleeve = { pool: last(s.poolPnlUsd), short: last(s.shortPnlUsd), fees: last(s.feesUsd), funding: last(s.fundingUsd), costs: last(s.costsUsd), lvr: last(s.lvrUsd) };
  const summary: FundSummary = {
    name: result.name,
    seed: result.seed,
    runs: result.runs,
    days,
    startDate: d.dates[0],
    endDate: d.dates[days],
    initialNavUsd: d.navUsd[0],
    finalNavUsd: last(d.navUsd),
    initialSharePrice: d.sharePrice[0],
    finalSharePrice: last(d.sharePrice),
    finalShares: last(d.totalShares),
    ...metrics,
    realisedYieldByVenue: Object.fromEntries(d.venues.map((v) => [v.name, realisedYield(v.yieldEarnedUsd, v.valueUsd)])),
    yieldEarnedByVenueUsd: Object.fromEntries(d.venues.map((v) => [v.name, last(v.yieldEarnedUsd) - v.yieldEarnedUsd[0]])),
    shortfallDays: countPositive(d.shortfallUsd),
    totalDepositsUsd: sum(d.depositsUsd),
    totalRedemptionsPaidUsd: sum(d.redemptionsPaidUsd),
    sleevePnlUsd: { ...sleeve, total: sleeve.pool + sleeve.short + sleeve.fees + sleeve.funding + sleeve.costs },
  };
  if (result.runs > 1) {
    const r = result.summaries;
    summary.monteCarlo = {
      totalReturn: summarize(r.totalReturn),
      maxDrawdown: summarize(r.maxDrawdown),
      finalNavUsd: summarize(r.finalNavUsd),
      shortfallDays: summarize(r.shortfallDays),
    };
  }
  return summary;
}

const pct = (x: number, digits = 2): string => (Number.isFinite(x) ? `${(x * 100).toFixed(digits)}%` : String(x));
const usd = (x: number): string => `${formatNumber(Math.round(x))} USD`;
const ratio = (x: number): string => (Number.isFinite(x) ? x.toFixed(2) : String(x));

/** Metric rows with their definitions, as the report's metrics table shows them. */
export function fundMetricRows(summary: FundSummary, tag = ''): ReportMetric[] {
  const rows: ReportMetric[] = [
    { label: `Total return${tag}`, value: pct(summary.totalReturn), definition: 'Share price at the end / share price at the start − 1 (flows do not count as return).' },
    { label: `CAGR${tag}`, value: pct(summary.cagr), definition: `(1 + total return)^(1/years) − 1 over ${formatNumber(summary.years, 4)} years (${summary.days} days / 365).` },
    { label: `Volatility${tag}`, value: pct(summary.volatility), definition: 'Standard deviation of daily share-price returns (n − 1) × √365.' },
    { label: `Sharpe${tag}`, value: ratio(summary.sharpe), definition: 'Mean daily return / its standard deviation × √365, risk-free rate 0.' },
    { label: `Sortino${tag}`, value: ratio(summary.sortino), definition: 'Mean daily return / √(Σ min(r, 0)² / n) × √365.' },
    { label: `Max drawdown${tag}`, value: pct(summary.maxDrawdown), definition: 'Deepest fall of the share price from its running peak.' },
    { label: `Calmar${tag}`, value: ratio(summary.calmar), definition: 'CAGR / |max drawdown|.' },
    { label: `Days with a redemption shortfall${tag}`, value: String(summary.shortfallDays), definition: 'Days on which redemptions due could not be paid in full from cash and withdrawable positions.' },
  ];
  for (const [venue, y] of Object.entries(summary.realisedYieldByVenue)) {
    rows.push({
      label: `Realised yield: ${venue}${tag}`,
      value: pct(y),
      definition: `Yield earned (${usd(summary.yieldEarnedByVenueUsd[venue])}) / time-weighted average position value, annualised without compounding.`,
    });
  }
  return rows;
}

function venueSeries(run: FundRunSeries, pick: (v: FundRunSeries['venues'][number]) => Float64Array, extra: LineSeries[] = []): LineSeries[] {
  return [...run.venues.map((v) => ({ name: v.name, values: pick(v) })), ...extra];
}

/** " (run 0)" for a Monte Carlo study, whose single-path charts and cards show its first run; "" otherwise. */
export function detailTag(result: FundResult): string {
  return result.runs > 1 ? ` (run ${result.detail.run})` : '';
}

/** The single-path charts of the detailed run (NAV and share price first: the main chart). */
export function fundDetailCharts(result: FundResult): ReportChart[] {
  const d = result.detail;
  const tag = detailTag(result);
  const x = d.dates;
  const s = d.sleeve;
  return [
    {
      id: 'chart-nav',
      title: 'NAV and share price',
      caption: 'NAV moves with deposits, redemptions and returns; the share price moves only with returns.',
      svg: lineChartSvg({ title: `NAV and share price${tag}`, x, yName: 'NAV (USD)', y2Name: 'USD / share', series: [{ name: 'NAV', values: d.navUsd, area: true }, { name: 'share price', values: d.sharePrice, rightAxis: true }] }),
    },
    {
      id: 'chart-allocation',
      title: 'Allocation by venue',
      caption: 'End-of-day value held in each venue, the delta-neutral sleeve and cash (stacked).',
      svg: lineChartSvg({
        title: `Allocation by venue${tag}`,
        x,
        yName: 'USD',
        series: [...venueSeries(d, (v) => v.valueUsd), { name: 'delta-neutral sleeve', values: s.valueUsd }, { name: 'cash', values: d.cashUsd }].map((v) => ({ ...v, stack: 'alloc' })),
      }),
    },
    {
      id: 'chart-cash',
      title: 'Cash, buffer and pending redemptions',
      caption: 'Idle cash against the cash the rules keep and the redemptions waiting to be paid.',
      svg: lineChartSvg({
        title: `Cash, buffer and pending redemptions${tag}`,
        x,
        yName: 'USD',
        series: [
          { name: 'cash', values: d.cashUsd, area: true },
          { name: 'buffer target', values: d.bufferUsd, dashed: true },
          { name: 'pending redemptions', values: d.pendingRedemptionsUsd },
        ],
      }),
    },
    {
      id: 'chart-yield',
      title: 'Yield earned by venue',
      caption: 'Cumulative interest and vault yield earned since inception.',
      svg: lineChartSvg({ title: `Yield earned by venue (cumulative)${tag}`, x, yName: 'USD', series: venueSeries(d, (v) => v.yieldEarnedUsd) }),
    },
    {
      id: 'chart-sleeve',
      title: 'Delta-neutral sleeve: PnL split',
      caption: 'Pool value change (incl. impermanent loss), short PnL, pool fees, funding, trading costs, and the LVR estimate σ²/8 of pool value per unit time — the convexity cost that rebalancing cannot remove.',
      svg: lineChartSvg({
        title: `Delta-neutral sleeve PnL (cumulative)${tag}`,
        x,
        yName: 'USD',
        series: [
          { name: 'pool', values: s.poolPnlUsd },
          { name: 'short', values: s.shortPnlUsd },
          { name: 'fees', values: s.feesUsd },
          { name: 'funding', values: s.fundingUsd },
          { name: 'costs', values: s.costsUsd },
          { name: 'LVR estimate', values: s.lvrUsd, dashed: true },
        ],
      }),
    },
    {
      id: 'chart-drawdown',
      title: 'Drawdown',
      caption: 'Share price relative to its running peak.',
      svg: lineChartSvg({ title: `Share-price drawdown${tag}`, x, percent: true, series: [{ name: 'drawdown', values: drawdownSeries(d.sharePrice), area: true }] }),
    },
  ];
}

/** The Monte Carlo charts: share-price fan and histograms of final return and max drawdown. */
export function fundMonteCarloCharts(result: FundResult): ReportChart[] {
  const x = result.detail.dates;
  return [
    {
      id: 'chart-fan',
      title: `Share price across ${result.runs} runs`,
      caption: 'Median with the 25–75% and 5–95% bands of the share price on each day.',
      svg: fanChartSvg({ title: `Share price percentiles (${result.runs} runs)`, x, bands: result.sharePriceBands, yName: 'USD / share' }),
    },
    {
      id: 'chart-nav-fan',
      title: `NAV across ${result.runs} runs`,
      caption: 'Median with the 25–75% and 5–95% bands of NAV on each day.',
      svg: fanChartSvg({ title: `NAV percentiles (${result.runs} runs)`, x, bands: result.navBands, yName: 'USD' }),
    },
    {
      id: 'chart-return-hist',
      title: 'Final return',
      svg: histogramSvg({ title: 'Distribution of the final share-price return', values: result.summaries.totalReturn, percent: true }),
    },
    {
      id: 'chart-drawdown-hist',
      title: 'Max drawdown',
      svg: histogramSvg({ title: 'Distribution of the max drawdown', values: result.summaries.maxDrawdown, percent: true }),
    },
  ];
}

/** How many decision rows the HTML shows (the DuckDB results keep them all). */
export const DECISION_ROWS_SHOWN = 400;

/**
 * The whole report document for a fund result.
 *
 * @example writeFileSync('report.html', renderReportHtml(fundReportDocument(result, fundSummary(result))));
 */
export function fundReportDocument(result: FundResult, summary: FundSummary): ReportDocument {
  const decisions = result.detail.decisions.filter((r) => r.action !== 'none');
  const mc = summary.monteCarlo;
  const tag = detailTag(result);
  return {
    title: `capflow — ${result.name}`,
    subtitle: `${summary.days} days from ${summary.startDate} to ${summary.endDate} · ${result.runs} run${result.runs === 1 ? '' : 's'} · seed ${result.seed}`,
    cards: [
      { label: `Final NAV${tag}`, value: usd(summary.finalNavUsd) },
      { label: `Share price${tag}`, value: `${summary.finalSharePrice.toFixed(4)} USD` },
      { label: `Total return${tag}`, value: pct(summary.totalReturn) },
      { label: `Sharpe${tag}`, value: ratio(summary.sharpe) },
      { label: `Max drawdown${tag}`, value: pct(summary.maxDrawdown) },
      { label: `Shortfall days${tag}`, value: String(summary.shortfallDays) },
      ...(mc ? [{ label: `Median return (${result.runs} runs)`, value: pct(mc.totalReturn.p50) }, { label: '5% worst return', value: pct(mc.totalReturn.p5) }] : []),
    ],
    charts: [...fundDetailCharts(result), ...(result.runs > 1 ? fundMonteCarloCharts(result) : [])],
    metrics: fundMetricRows(summary, tag),
    tables: [
      {
        title: `Yield manager decisions (run ${result.detail.run}, days with a trade)`,
        caption: decisions.length > DECISION_ROWS_SHOWN ? `First ${DECISION_ROWS_SHOWN} of ${decisions.length} rows; the results database has every row.` : undefined,
        headers: ['day', 'venue', 'asked (USD)', 'bound by', 'accepted (USD)', 'existing (USD)', 'delta (USD)', 'action'],
        rows: decisions.slice(0, DECISION_ROWS_SHOWN).map((r) => [
          result.detail.dates[r.day] ?? String(r.day),
          r.venue,
          formatNumber(r.askedUsd, 2),
          r.boundBy,
          formatNumber(r.acceptedUsd, 2),
          formatNumber(r.existingUsd, 2),
          formatNumber(r.deltaUsd, 2),
          r.action,
        ]),
      },
    ],
    footer: `Generated by capflow from scenario "${result.name}" with seed ${result.seed}: the same seed gives the same numbers. Returns are share-price returns; metrics follow QuantStats conventions with 365 periods a year and a zero risk-free rate.`,
  };
}

/** Rows for the terminal summary table: [label, value, unit]. */
export function fundSummaryRows(summary: FundSummary): Array<[string, number | string, string]> {
  const rows: Array<[string, number | string, string]> = [
    ...(summary.runs > 1 ? [['single-path metrics of', 'run 0', `of ${summary.runs} runs (spread across runs at the end)`] as [string, string, string]] : []),
    ['final NAV', Math.round(summary.finalNavUsd * 100) / 100, 'USD'],
    ['final share price', Number(summary.finalSharePrice.toFixed(6)), 'USD/share'],
    ['total return', pct(summary.totalReturn), ''],
    ['CAGR', pct(summary.cagr), ''],
    ['volatility', pct(summary.volatility), 'annualised'],
    ['Sharpe', ratio(summary.sharpe), ''],
    ['Sortino', ratio(summary.sortino), ''],
    ['max drawdown', pct(summary.maxDrawdown), ''],
    ['Calmar', ratio(summary.calmar), ''],
    ['shortfall days', summary.shortfallDays, 'days'],
    ['deposits', Math.round(summary.totalDepositsUsd), 'USD'],
    ['redemptions paid', Math.round(summary.totalRedemptionsPaidUsd), 'USD'],
    ['sleeve PnL', Math.round(summary.sleevePnlUsd.total), 'USD'],
  ];
  for (const [venue, y] of Object.entries(summary.realisedYieldByVenue)) rows.push([`yield ${venue}`, pct(y), 'realised, annualised']);
  if (summary.monteCarlo) {
    const r = summary.monteCarlo.totalReturn;
    rows.push(['return p5 / p50 / p95', `${pct(r.p5)} / ${pct(r.p50)} / ${pct(r.p95)}`, `${summary.runs} runs`]);
    const dd = summary.monteCarlo.maxDrawdown;
    rows.push(['max drawdown p5 / p50', `${pct(dd.p5)} / ${pct(dd.p50)}`, `${summary.runs} runs`]);
  }
  return rows;
}

/** The files of a report directory, ready to write. */
export interface FundReportFiles {
  summary: FundSummary;
  /** report.html */
  html: string;
  /** summary.json */
  summaryJson: string;
  /** nav.png: the main chart (NAV and share price). */
  mainChartPng: Buffer;
}

/**
 * Everything `--report <dir>` writes, computed in memory (the CLI writes it).
 *
 * @example const files = fundReportFiles(result); writeFileSync('report.html', files.html);
 */
export function fundReportFiles(result: FundResult, summary: FundSummary = fundSummary(result)): FundReportFiles {
  const doc = fundReportDocument(result, summary);
  return {
    summary,
    html: renderReportHtml(doc),
    summaryJson: `${JSON.stringify(summary, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 2)}\n`,
    mainChartPng: svgToPng(doc.charts[0].svg),
  };
}
