/**
 * The fund summary as rows: the report's metrics table (value and definition) and the
 * terminal summary table (value and unit). Both carry the same figures.
 */
import type { FundSummary } from './fundSummary.ts';
import type { ReportMetric } from './html.ts';
import { formatNumber } from './table.ts';

/**
 * A fraction as a percentage (`NaN`/`Infinity` as words).
 *
 * @example pct(0.01234) // '1.23%'
 */
export const pct = (x: number, digits = 2): string => (Number.isFinite(x) ? `${(x * 100).toFixed(digits)}%` : String(x));
/** @example usd(1234.5) // '1,235 USD' */
export const usd = (x: number): string => `${formatNumber(Math.round(x))} USD`;
/** @example ratio(1.234) // '1.23' */
export const ratio = (x: number): string => (Number.isFinite(x) ? x.toFixed(2) : String(x));

const HORIZON_LABELS = ['now', 'within 1 day', 'within 7 days', 'within 30 days'];

/**
 * Metric rows with their definitions, as the report's metrics table shows them.
 *
 * @example fundMetricRows(fundSummary(result)).find((m) => m.label === 'Sharpe')?.definition
 */
export function fundMetricRows(summary: FundSummary, tag = ''): ReportMetric[] {
  const rf = summary.riskFree;
  const rfText = `rf = ${rf.description}; ${pct(rf.annualRate)} a year over the horizon`;
  const rows: ReportMetric[] = [
    { label: `Total return${tag}`, value: pct(summary.totalReturn), definition: 'Share price at the end / share price at the start − 1, net of fees and costs (flows do not count as return).' },
    { label: `CAGR${tag}`, value: pct(summary.cagr), definition: `(1 + total return)^(1/years) − 1 over ${formatNumber(summary.years, 4)} years (${summary.days} days / 365).` },
    { label: `Volatility${tag}`, value: pct(summary.volatility), definition: 'Standard deviation of daily share-price returns (n − 1) × √365.' },
    { label: `Risk-free rate${tag}`, value: pct(rf.annualRate), definition: `What Sharpe and Sortino are measured over: ${rf.description}. Shown as its compound yearly rate over the horizon.` },
    { label: `Sharpe${tag}`, value: ratio(summary.sharpe), definition: `mean(r − rf) / std(r − rf) (n − 1) × √365, r = daily share-price returns; ${rfText}.` },
    { label: `Sortino${tag}`, value: ratio(summary.sortino), definition: `mean(r − rf) / √(Σ min(r − rf, 0)² / n) × √365; ${rfText}.` },
    { label: `Max drawdown${tag}`, value: pct(summary.maxDrawdown), definition: 'Deepest fall of the share price from its running peak.' },
    { label: `Calmar${tag}`, value: ratio(summary.calmar), definition: 'CAGR / |max drawdown|.' },
  ];
  const b = summary.benchmark;
  if (b !== null) {
    rows.push(
      { label: `Benchmark return${tag}`, value: pct(b.benchmarkTotalReturn), definition: `Total return of the benchmark: ${b.description}.` },
      { label: `Excess return${tag}`, value: pct(b.excessReturn), definition: `Fund total return − benchmark total return (CAGR ${pct(summary.cagr)} − ${pct(b.benchmarkCagr)} = ${pct(b.excessCagr)} a year).` },
      { label: `Tracking error${tag}`, value: pct(b.trackingError), definition: 'std(r − b) (n − 1) × √365, r and b the daily returns of the fund and the benchmark.' },
      { label: `Information ratio${tag}`, value: ratio(b.informationRatio), definition: 'mean(r − b) / std(r − b) (n − 1) × √365.' },
    );
  }
  const r30 = summary.rolling30d;
  rows.push(
    { label: `30-day return: last / worst / best${tag}`, value: `${pct(r30.lastReturn)} / ${pct(r30.worstReturn)} / ${pct(r30.bestReturn)}`, definition: 'Share price / share price 30 days earlier − 1, on each day from day 30.' },
    { label: `30-day volatility: last / highest${tag}`, value: `${pct(r30.lastVolatility)} / ${pct(r30.maxVolatility)}`, definition: 'Standard deviation (n − 1) of the trailing 30 daily returns × √365.' },
    { label: `Gross return${tag}`, value: pct(summary.grossTotalReturn), definition: `Return of the share price before fund fees (management and performance fees added back), final ${summary.finalGrossSharePrice.toFixed(6)} vs net ${summary.finalSharePrice.toFixed(6)} USD/share.` },
    { label: `Management fees${tag}`, value: usd(summary.managementFeesUsd), definition: 'Value of the shares minted to the fee receiver for the yearly management fee, accrued daily.' },
    { label: `Performance fees${tag}`, value: usd(summary.performanceFeesUsd), definition: 'Value of the shares minted for the performance fee above the high-water mark, at each crystallisation.' },
    { label: `Costs${tag}`, value: usd(summary.costsUsd), definition: 'Money paid out of the fund for its own trades: venue entry and exit costs, gas, the sleeve’s fixed costs.' },
    { label: `Deposits / redemptions paid${tag}`, value: `${usd(summary.totalDepositsUsd)} / ${usd(summary.totalRedemptionsPaidUsd)}`, definition: 'Investor money in and out over the horizon.' },
    { label: `Longest redemption queue${tag}`, value: usd(summary.maxRedemptionQueueUsd), definition: 'Most redemptions requested and not yet paid on any day.' },
    { label: `Days with a redemption shortfall${tag}`, value: String(summary.shortfallDays), definition: `Days on which redemptions due could not be paid in full from cash and withdrawable positions (${usd(summary.totalShortfallUsd)} in all).` },
  );
  summary.liquidity.horizonsDays.forEach((_, i) => {
    rows.push({
      label: `Withdrawable ${HORIZON_LABELS[i]}${tag}`,
      value: pct(summary.liquidity.withdrawablePct[i]),
      definition: `Share of NAV on the last day (${usd(summary.liquidity.withdrawableUsd[i])}) that cash, the sleeve and the venues could pay ${HORIZON_LABELS[i]}: value not locked, plus locked value of venues whose redemptions settle in time.`,
    });
  });
  for (const [venue, y] of Object.entries(summary.realisedYieldByVenue)) {
    rows.push({
      label: `Realised yield: ${venue}${tag}`,
      value: pct(y),
      definition: `Yield earned (${usd(summary.yieldEarnedByVenueUsd[venue])}) / time-weighted average position value, annualised without compounding.`,
    });
  }
  return rows;
}

/**
 * Rows for the terminal summary table: [label, value, unit].
 *
 * @example renderTable(['metric', 'value', 'unit'], fundSummaryRows(summary))
 */
export function fundSummaryRows(summary: FundSummary): Array<[string, number | string, string]> {
  const b = summary.benchmark;
  const r30 = summary.rolling30d;
  const rows: Array<[string, number | string, string]> = [
    ...(summary.runs > 1 ? [['single-path metrics of', 'run 0', `of ${summary.runs} runs (spread across runs at the end)`] as [string, string, string]] : []),
    ['final NAV', Math.round(summary.finalNavUsd * 100) / 100, 'USD'],
    ['final share price', Number(summary.finalSharePrice.toFixed(6)), 'USD/share, net of fees'],
    ['final gross share price', Number(summary.finalGrossSharePrice.toFixed(6)), 'USD/share, before fund fees'],
    ['total return', pct(summary.totalReturn), `gross ${pct(summary.grossTotalReturn)}`],
    ['CAGR', pct(summary.cagr), ''],
    ['volatility', pct(summary.volatility), 'annualised'],
    ['risk-free rate', pct(summary.riskFree.annualRate), summary.riskFree.name],
    ['Sharpe', ratio(summary.sharpe), 'over the risk-free rate, daily, ×√365'],
    ['Sortino', ratio(summary.sortino), 'over the risk-free rate, daily, ×√365'],
    ['max drawdown', pct(summary.maxDrawdown), ''],
    ['Calmar', ratio(summary.calmar), ''],
    ...(b === null
      ? []
      : ([
          ['benchmark return', pct(b.benchmarkTotalReturn), b.name],
          ['excess return', pct(b.excessReturn), `CAGR ${pct(b.excessCagr)} a year`],
          ['tracking error', pct(b.trackingError), 'annualised'],
          ['information ratio', ratio(b.informationRatio), ''],
        ] as Array<[string, string, string]>)),
    ['30-day return last / worst', `${pct(r30.lastReturn)} / ${pct(r30.worstReturn)}`, ''],
    ['30-day volatility last / max', `${pct(r30.lastVolatility)} / ${pct(r30.maxVolatility)}`, 'annualised'],
    ['management fees', Math.round(summary.managementFeesUsd), 'USD'],
    ['performance fees', Math.round(summary.performanceFeesUsd), 'USD'],
    ['costs', Math.round(summary.costsUsd), 'USD'],
    ['deposits', Math.round(summary.totalDepositsUsd), 'USD'],
    ['redemptions paid', Math.round(summary.totalRedemptionsPaidUsd), 'USD'],
    ['longest redemption queue', Math.round(summary.maxRedemptionQueueUsd), 'USD'],
    ['shortfall days', summary.shortfallDays, `days (${Math.round(summary.totalShortfallUsd)} USD)`],
    ['withdrawable now / 1 / 7 / 30 d', summary.liquidity.withdrawablePct.map((p) => pct(p, 1)).join(' / '), 'of NAV, last day'],
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
