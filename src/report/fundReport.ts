/**
 * The fund report: turns a {@link FundResult} into the HTML document, the `summary.json`
 * object, the terminal summary rows and the main chart (for the PNG).
 *
 * Returns are measured on the share price (what an investor earns), not on NAV, which moves
 * with deposits and redemptions.
 */
import type { FundResult } from '../scenarios/fund/result.ts';
import { detailTag, fundDetailCharts, fundMonteCarloCharts } from './fundCharts.ts';
import { fundMetricRows, fundSummaryRows, pct, ratio, usd } from './fundRows.ts';
import { fundSummary, type FundSummary } from './fundSummary.ts';
import { renderReportHtml, type ReportDocument, type ReportTable } from './html.ts';
import { liquidityProfile } from './liquidity.ts';
import { svgToPng } from './png.ts';
import { formatNumber } from './table.ts';

export { ROLLING_WINDOW_DAYS, fundSummary, realisedYield, type FundSummary } from './fundSummary.ts';
export { fundMetricRows, fundSummaryRows } from './fundRows.ts';
export { detailTag, fundDetailCharts, fundMonteCarloCharts } from './fundCharts.ts';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * A cell colour for a return: green for gains, red for losses, stronger with size (full at
 * ±`full`).
 *
 * @example returnColor(0.01) // 'rgba(22, 163, 74, 0.35)'
 */
export function returnColor(r: number | null, full = 0.02): string | null {
  if (r === null || !Number.isFinite(r) || r === 0) return null;
  const alpha = Math.min(1, Math.abs(r) / full) * 0.35 + 0.05;
  return r > 0 ? `rgba(22, 163, 74, ${alpha.toFixed(2)})` : `rgba(220, 38, 38, ${alpha.toFixed(2)})`;
}

/**
 * Monthly returns as a calendar table (year × month, then the year's return). A partial
 * month (the horizon starts or ends inside it) is marked with `*`.
 *
 * @example monthlyReturnsTable(fundSummary(result)).rows[0][1] // '0.52%'
 */
export function monthlyReturnsTable(summary: FundSummary, tag = ''): ReportTable {
  const rows = summary.monthlyReturns.map((r) => [String(r.year), ...r.months.map((m, i) => (m === null ? '' : `${pct(m)}${r.partialMonths.includes(i) ? '*' : ''}`)), pct(r.yearReturn)]);
  const cellColors = summary.monthlyReturns.map((r) => [null, ...r.months.map((m) => returnColor(m)), returnColor(r.yearReturn, 0.1)]);
  return {
    id: 'table-monthly',
    title: `Monthly returns${tag}`,
    caption: 'Share-price return of each calendar month (last value of the month / last value of the month before − 1) and of each year. * = a month the horizon covers only in part.',
    headers: ['year', ...MONTHS, 'year'],
    rows,
    cellColors,
  };
}

function shortfallTable(result: FundResult, tag: string): ReportTable {
  const d = result.detail;
  const rows: string[][] = [];
  d.shortfallUsd.forEach((s, t) => {
    if (s > 1e-9) rows.push([d.dates[t], formatNumber(s, 2), formatNumber(d.pendingRedemptionsUsd[t], 2), formatNumber(d.cashUsd[t], 2)]);
  });
  return {
    id: 'table-shortfall',
    title: `Days with a redemption shortfall${tag}`,
    caption: rows.length === 0 ? 'None: every redemption due was paid on its day.' : 'Redemptions due that cash and withdrawable positions could not pay that day; they stay in the queue.',
    headers: ['date', 'shortfall (USD)', 'redemption queue (USD)', 'cash (USD)'],
    rows,
  };
}

function liquidityTable(result: FundResult, tag: string): ReportTable {
  const d = result.detail;
  const t = d.navUsd.length - 1;
  const p = liquidityProfile(d, t);
  const venueRows = d.venues.map((v) => {
    const delay = v.withdrawDelayDays === undefined ? 'unknown' : v.withdrawDelayDays === 0 ? 'instant' : `${v.withdrawDelayDays} days`;
    return [v.name, formatNumber(v.valueUsd[t], 2), formatNumber(v.lockedUsd[t], 2), delay];
  });
  return {
    id: 'table-liquidity',
    title: `Liquidity profile on ${d.dates[t]}${tag}`,
    caption: `Share of NAV withdrawable now ${pct(p.withdrawablePct[0])}, within 1 day ${pct(p.withdrawablePct[1])}, within 7 days ${pct(p.withdrawablePct[2])}, within 30 days ${pct(p.withdrawablePct[3])}. Cash ${formatNumber(d.cashUsd[t], 2)} USD and the sleeve ${formatNumber(d.sleeve.valueUsd[t], 2)} USD are withdrawable now; locked value of an instant venue (beyond its available liquidity) counts in no horizon.`,
    headers: ['venue', 'value (USD)', 'locked (USD)', 'withdrawal delay'],
    rows: venueRows,
  };
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
      ...(summary.benchmark === null ? [] : [{ label: `Excess vs ${summary.benchmark.name}${tag}`, value: pct(summary.benchmark.excessReturn) }]),
      { label: `Sharpe over rf ${pct(summary.riskFree.annualRate)}${tag}`, value: ratio(summary.sharpe) },
      { label: `Max drawdown${tag}`, value: pct(summary.maxDrawdown) },
      { label: `Fees and costs${tag}`, value: usd(summary.managementFeesUsd + summary.performanceFeesUsd + summary.costsUsd) },
      { label: `Withdrawable now${tag}`, value: pct(summary.liquidity.withdrawablePct[0]) },
      { label: `Shortfall days${tag}`, value: String(summary.shortfallDays) },
      ...(mc ? [{ label: `Median return (${result.runs} runs)`, value: pct(mc.totalReturn.p50) }, { label: '5% worst return', value: pct(mc.totalReturn.p5) }] : []),
    ],
    charts: [...fundDetailCharts(result), ...(result.runs > 1 ? fundMonteCarloCharts(result) : [])],
    metrics: fundMetricRows(summary, tag),
    tables: [
      monthlyReturnsTable(summary, tag),
      shortfallTable(result, tag),
      liquidityTable(result, tag),
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
    footer: `Generated by capflow from scenario "${result.name}" with seed ${result.seed}: the same seed gives the same numbers. Returns are daily share-price returns, net of fees and costs; metrics follow QuantStats conventions with 365 periods a year; Sharpe and Sortino are measured over ${summary.riskFree.description}. Hover a chart for exact values.`,
  };
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
