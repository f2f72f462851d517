/**
 * The fund report's charts: each an echarts option (drawn with tooltips in the page) and its
 * static SVG. Single-path charts show the detailed run; the Monte Carlo charts all runs.
 */
import type { EChartsCoreOption } from 'echarts';
import type { FundResult, FundRunSeries } from '../scenarios/fund/result.ts';
import { rollingReturn, rollingVolatility } from './calendar.ts';
import { CHART_HEIGHT, CHART_WIDTH, HISTOGRAM_HEIGHT, chartSvg, fanChartOption, histogramOption, lineChartOption, type LineSeries } from './charts.ts';
import { fundBenchmarkSeries, riskFreeSeries } from './fundBenchmark.ts';
import { DAYS_PER_YEAR } from '../core/time.ts';
import { ROLLING_WINDOW_DAYS } from './fundSummary.ts';
import type { ReportChart } from './html.ts';
import { LIQUIDITY_HORIZONS_DAYS, liquiditySeries } from './liquidity.ts';
import { drawdownSeries } from './metrics.ts';
import { usd } from './fundRows.ts';
import { growthCurve } from './relative.ts';

/** " (run 0)" for a Monte Carlo study, whose single-path charts and cards show its first run; "" otherwise. */
export function detailTag(result: FundResult): string {
  return result.runs > 1 ? ` (run ${result.detail.run})` : '';
}

function chart(id: string, title: string, caption: string | undefined, option: EChartsCoreOption, height = CHART_HEIGHT): ReportChart {
  return { id, title, caption, option, height, svg: chartSvg({ option, width: CHART_WIDTH, height }) };
}

function cumulative(xs: Float64Array): Float64Array {
  const out = new Float64Array(xs.length);
  let s = 0;
  for (let i = 0; i < xs.length; i++) out[i] = s += xs[i];
  return out;
}

const scaled = (xs: Float64Array, by: number): Float64Array => Float64Array.from(xs, (x) => x * by);
const share = (xs: Float64Array, nav: Float64Array): Float64Array => Float64Array.from(xs, (x, i) => (nav[i] > 0 ? x / nav[i] : NaN));

function venueSeries(run: FundRunSeries, pick: (v: FundRunSeries['venues'][number]) => Float64Array): LineSeries[] {
  return run.venues.map((v) => ({ name: v.name, values: pick(v) }));
}

function hasSleeve(d: FundRunSeries): boolean {
  return d.sleeve.valueUsd.some((x) => x !== 0);
}

/** NAV and share price; the fund against its benchmark; gross vs net share price; fees and costs. */
function performanceCharts(result: FundResult, tag: string): ReportChart[] {
  const d = result.detail;
  const x = d.dates;
  const out = [
    chart('chart-nav', 'NAV and share price', 'NAV moves with deposits, redemptions and returns; the share price moves only with returns.', lineChartOption({ title: `NAV and share price${tag}`, x, yName: 'NAV (USD)', y2Name: 'USD / share', unit: 'usd', series: [{ name: 'NAV', values: d.navUsd, area: true }, { name: 'share price', values: d.sharePrice, rightAxis: true, unit: 'price' }] })),
  ];
  const bench = fundBenchmarkSeries(d, result.report);
  if (bench !== null) {
    const rf = riskFreeSeries(d.sharePrice.length - 1, result.report, bench);
    const series: LineSeries[] = [
      { name: 'fund (net)', values: scaled(d.sharePrice, 1 / d.sharePrice[0]) },
      { name: `benchmark: ${bench.name}`, values: growthCurve(bench.returns) },
      ...(result.report?.riskFreeRate === undefined ? [] : [{ name: `risk-free: ${rf.name}`, values: growthCurve(rf.returns), dashed: true }]),
    ];
    out.push(chart('chart-benchmark', 'Fund against its benchmark', `Growth of 1 USD in the fund's share price and in the benchmark (${bench.description}).`, lineChartOption({ title: `Fund vs benchmark, growth of 1 USD${tag}`, x, yName: 'USD', unit: 'price', series })));
  }
  out.push(
    chart('chart-fees', 'Gross vs net share price', 'The share price before fund fees (management and performance fee dilution added back) and after them (one line when the scenario charges no fees); costs are in both.', lineChartOption({ title: `Gross vs net share price${tag}`, x, yName: 'USD / share', unit: 'price', series: [{ name: 'gross (before fund fees)', values: d.grossSharePrice }, { name: 'net', values: d.sharePrice }] })),
    chart('chart-costs', 'Fees and costs', 'Cumulative management fees, performance fees and trading costs (venue entry and exit costs, gas, the sleeve’s fixed costs).', lineChartOption({ title: `Fees and costs (cumulative)${tag}`, x, yName: 'USD', unit: 'usd', series: [{ name: 'management fees', values: cumulative(d.managementFeesUsd) }, { name: 'performance fees', values: cumulative(d.performanceFeesUsd) }, { name: 'costs', values: cumulative(d.costsUsd) }] })),
  );
  return out;
}

/** APY per venue, allocation as % of NAV, yield per venue, the sleeve. */
function venueCharts(result: FundResult, tag: string): ReportChart[] {
  const d = result.detail;
  const x = d.dates;
  const b = result.report?.benchmark;
  const constant: LineSeries[] = typeof b === 'number' ? [{ name: 'benchmark rate', values: new Float64Array(x.length).fill(b), dashed: true }] : [];
  const alloc: LineSeries[] = [...venueSeries(d, (v) => share(v.valueUsd, d.navUsd)), ...(hasSleeve(d) ? [{ name: 'delta-neutral sleeve', values: share(d.sleeve.valueUsd, d.navUsd) }] : []), { name: 'cash', values: share(d.cashUsd, d.navUsd) }];
  const out = [
    chart('chart-apy', 'APY per venue', 'Each venue’s supply APY on each day (what the yield manager saw).', lineChartOption({ title: `APY per venue${tag}`, x, percent: true, yName: 'APY', series: [...venueSeries(d, (v) => v.apy), ...constant] })),
    chart('chart-allocation', 'Allocation as % of NAV', 'End-of-day value in each venue, the delta-neutral sleeve and cash as a share of NAV (stacked).', lineChartOption({ title: `Allocation as % of NAV${tag}`, x, percent: true, yName: '% of NAV', series: alloc.map((s) => ({ ...s, stack: 'alloc' })) })),
    chart('chart-yield', 'Yield earned per venue', 'Cumulative interest and vault yield earned in each venue since inception.', lineChartOption({ title: `Yield earned per venue (cumulative)${tag}`, x, yName: 'USD', unit: 'usd', series: venueSeries(d, (v) => v.yieldEarnedUsd) })),
  ];
  if (hasSleeve(d)) {
    const s = d.sleeve;
    out.push(
      chart('chart-sleeve', 'Delta-neutral sleeve: PnL split', 'Pool value change (incl. impermanent loss), short PnL, pool fees, funding, trading costs, and the LVR estimate σ²/8 of pool value per unit time — the convexity cost that rebalancing cannot remove.', lineChartOption({
        title: `Delta-neutral sleeve PnL (cumulative)${tag}`,
        x,
        yName: 'USD',
        unit: 'usd',
        series: [
          { name: 'pool', values: s.poolPnlUsd },
          { name: 'short', values: s.shortPnlUsd },
          { name: 'fees', values: s.feesUsd },
          { name: 'funding', values: s.fundingUsd },
          { name: 'costs', values: s.costsUsd },
          { name: 'LVR estimate', values: s.lvrUsd, dashed: true },
        ],
      })),
    );
  }
  return out;
}

/** Rolling return and volatility, drawdown. */
function riskCharts(result: FundResult, tag: string): ReportChart[] {
  const d = result.detail;
  const x = d.dates;
  return [
    chart('chart-rolling', `Rolling ${ROLLING_WINDOW_DAYS}-day return and volatility`, `Share price / share price ${ROLLING_WINDOW_DAYS} days earlier − 1, and the standard deviation of the trailing ${ROLLING_WINDOW_DAYS} daily returns × √365 (from day ${ROLLING_WINDOW_DAYS}).`, lineChartOption({
      title: `Rolling ${ROLLING_WINDOW_DAYS}-day return and volatility${tag}`,
      x,
      percent: true,
      series: [
        { name: `${ROLLING_WINDOW_DAYS}-day return`, values: rollingReturn(d.sharePrice, ROLLING_WINDOW_DAYS) },
        { name: `${ROLLING_WINDOW_DAYS}-day volatility (annualised)`, values: rollingVolatility(d.sharePrice, ROLLING_WINDOW_DAYS, DAYS_PER_YEAR), dashed: true },
      ],
    })),
    chart('chart-drawdown', 'Drawdown', 'Share price relative to its running peak.', lineChartOption({ title: `Share-price drawdown${tag}`, x, percent: true, series: [{ name: 'drawdown', values: drawdownSeries(d.sharePrice), area: true }] })),
  ];
}

/** Flows, the redemption queue, the liquidity profile. */
function liquidityCharts(result: FundResult, tag: string): ReportChart[] {
  const d = result.detail;
  const x = d.dates;
  const labels = ['now', 'within 1 day', 'within 7 days', 'within 30 days'];
  return [
    chart('chart-flows', 'Deposits and redemptions per day', `Deposits received (up), redemptions paid (down) and redemptions due that could not be paid that day (shortfall, down, red). Day 0's seed deposit (${usd(d.depositsUsd[0])}) is left out so the daily flows can be read.`, lineChartOption({
      title: `Deposits and redemptions per day${tag}`,
      x,
      yName: 'USD',
      unit: 'usd',
      series: [
        { name: 'deposits', values: Float64Array.from(d.depositsUsd, (v, t) => (t === 0 ? NaN : v)), bar: true, color: '#16a34a' },
        { name: 'redemptions paid', values: scaled(d.redemptionsPaidUsd, -1), bar: true, stack: 'out', color: '#2563eb' },
        { name: 'shortfall', values: scaled(d.shortfallUsd, -1), bar: true, stack: 'out', color: '#dc2626' },
      ],
    })),
    chart('chart-queue', 'Redemption queue and cash', 'Redemptions requested and not yet paid, against idle cash and the cash the rules keep.', lineChartOption({
      title: `Redemption queue and cash${tag}`,
      x,
      yName: 'USD',
      unit: 'usd',
      series: [
        { name: 'redemption queue', values: d.pendingRedemptionsUsd, area: true },
        { name: 'cash', values: d.cashUsd },
        { name: 'buffer target', values: d.bufferUsd, dashed: true },
      ],
    })),
    chart('chart-liquidity', 'Liquidity profile', 'Share of NAV that could be withdrawn now and within 1, 7 and 30 days: cash, the sleeve and venue value not locked, plus locked value of venues whose redemptions settle in time.', lineChartOption({
      title: `Share of NAV withdrawable${tag}`,
      x,
      percent: true,
      yName: '% of NAV',
      // alternate dashes: horizons that free the same money draw one over the other
      series: liquiditySeries(d).map((values, i) => ({ name: labels[i] ?? `${LIQUIDITY_HORIZONS_DAYS[i]} days`, values, dashed: i % 2 === 1 })),
    })),
  ];
}

/**
 * The single-path charts of the detailed run (NAV and share price first: the main chart).
 *
 * @example fundDetailCharts(result).map((c) => c.id) // ['chart-nav', 'chart-benchmark', …]
 */
export function fundDetailCharts(result: FundResult): ReportChart[] {
  const tag = detailTag(result);
  return [...performanceCharts(result, tag), ...venueCharts(result, tag), ...riskCharts(result, tag), ...liquidityCharts(result, tag)];
}

/**
 * The Monte Carlo charts: share-price and NAV fans, histograms of final return and max drawdown.
 *
 * @example fundMonteCarloCharts(result).map((c) => c.id) // ['chart-fan', 'chart-nav-fan', 'chart-return-hist', 'chart-drawdown-hist']
 */
export function fundMonteCarloCharts(result: FundResult): ReportChart[] {
  const x = result.detail.dates;
  return [
    chart('chart-fan', `Share price across ${result.runs} runs`, 'Median with the 25–75% and 5–95% bands of the share price on each day.', fanChartOption({ title: `Share price percentiles (${result.runs} runs)`, x, bands: result.sharePriceBands, yName: 'USD / share', unit: 'price' })),
    chart('chart-nav-fan', `NAV across ${result.runs} runs`, 'Median with the 25–75% and 5–95% bands of NAV on each day.', fanChartOption({ title: `NAV percentiles (${result.runs} runs)`, x, bands: result.navBands, yName: 'USD', unit: 'usd' })),
    chart('chart-return-hist', 'Final return', undefined, histogramOption({ title: 'Distribution of the final share-price return', values: result.summaries.totalReturn, percent: true }), HISTOGRAM_HEIGHT),
    chart('chart-drawdown-hist', 'Max drawdown', undefined, histogramOption({ title: 'Distribution of the max drawdown', values: result.summaries.maxDrawdown, percent: true }), HISTOGRAM_HEIGHT),
  ];
}
