/**
 * Charts as echarts options (plain JSON: formatters are named `'@name'`, see formatters.ts)
 * and as self-contained SVG strings drawn from those options by echarts' server-side renderer
 * (no DOM, no network, no script in the SVG). The report page draws the same options again
 * with the inline echarts runtime for hover tooltips; the SVG is what shows without script
 * and what the PNG is made of. Animation is off.
 */
import { createRequire } from 'node:module';
import type * as EChartsModule from 'echarts';
import type { EChartsCoreOption } from 'echarts';
import { FORMATTERS, resolveFormatters, type FormatterName } from './formatters.ts';

let echartsModule: typeof EChartsModule | undefined;

/** echarts, loaded on first use (it costs ~0.4 s to load, which commands without charts skip). */
function echartsLib(): typeof EChartsModule {
  echartsModule ??= createRequire(import.meta.url)('echarts') as typeof EChartsModule;
  return echartsModule;
}

/** Default chart size in CSS pixels. */
export const CHART_WIDTH = 880;
export const CHART_HEIGHT = 340;

const PALETTE = ['#2563eb', '#16a34a', '#f59e0b', '#db2777', '#7c3aed', '#0891b2', '#dc2626', '#65a30d', '#475569'];

/** One line (or stacked area) of a chart. */
export interface LineSeries {
  /** Legend name. */
  name: string;
  /** One value per x label. */
  values: ArrayLike<number>;
  /** Series with the same stack id are stacked (an allocation chart). */
  stack?: string;
  /** Fill the area under the line. */
  area?: boolean;
  /** Draw against the right-hand axis. */
  rightAxis?: boolean;
  /** Dashed line (a limit or reference). */
  dashed?: boolean;
  /** Draw as bars (daily flows) instead of a line. */
  bar?: boolean;
  /** How the tooltip shows this series' exact values (default: the chart's `unit`). */
  unit?: FormatterName;
  /** A fixed CSS colour (else the palette's next). */
  color?: string;
}

/** A line / area chart over labelled x positions (usually dates). */
export interface LineChartSpec {
  title: string;
  x: readonly string[];
  series: readonly LineSeries[];
  /** Left axis name, with its unit. */
  yName?: string;
  /** Right axis name, with its unit (used when a series has `rightAxis`). */
  y2Name?: string;
  /** Format the left axis as percentages of 1. */
  percent?: boolean;
  /** How the tooltip shows exact values (default `pct` with `percent`, else `num`). */
  unit?: FormatterName;
  width?: number;
  height?: number;
}

/**
 * A chart option (JSON) with the size to draw it at.
 *
 * @example const c: ChartSpec = { option: lineChartOption(spec), width: 880, height: 340 };
 */
export interface ChartSpec {
  option: EChartsCoreOption;
  width: number;
  height: number;
}

function toArray(values: ArrayLike<number>): number[] {
  return Array.from(values, (v) => (Number.isFinite(v) ? v : NaN));
}

/**
 * Compact axis label: 1.2M, 35k, 0.9871, 12% (with `percent`).
 *
 * @example compactNumber(1234567) // '1.23M'
 */
export function compactNumber(value: number, percent = false): string {
  return percent ? FORMATTERS.percent(value) : FORMATTERS.compact(value);
}

/** Options shared by every chart: palette, font, no animation. */
const COMMON = { animation: false, color: PALETTE, textStyle: { fontFamily: 'DejaVu Sans, Helvetica, Arial, sans-serif' } };

/**
 * Narrow screens (a phone): smaller title, scrolling legend, tighter margins.
 * echarts applies it by the chart's own width, in the page and in SSR alike.
 */
const NARROW_MEDIA = [{ query: { maxWidth: 560 }, option: { title: { textStyle: { fontSize: 12 } }, legend: { type: 'scroll' }, grid: { left: 52, right: 52 } } }];

/**
 * The option as the page's runtime takes it: the chart's option with the common style and the
 * narrow-screen rule (`baseOption` + `media`).
 *
 * @example JSON.stringify(pageOption(lineChartOption(spec)))
 */
export function pageOption(option: EChartsCoreOption): EChartsCoreOption {
  return { baseOption: { ...COMMON, ...option }, media: NARROW_MEDIA };
}

/**
 * Draws a chart option as an SVG string (formatters resolved).
 *
 * @example chartSvg({ option: lineChartOption(spec), width: 880, height: 340 })
 */
export function chartSvg(spec: ChartSpec): string {
  return render(resolveFormatters(pageOption(spec.option)), spec.width, spec.height);
}

function render(option: EChartsCoreOption, width: number, height: number): string {
  const chart = echartsLib().init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption(option);
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

function baseLayout(title: string, legend: boolean): EChartsCoreOption {
  return {
    title: { text: title, left: 8, top: 6, textStyle: { fontSize: 14, fontWeight: 600 } },
    // The legend sits under the plot, clear of the title and the axis names above it.
    legend: legend ? { bottom: 4, left: 'center', type: 'plain', itemGap: 22, itemWidth: 18, textStyle: { fontSize: 11 } } : undefined,
    grid: { left: 70, right: 70, top: 58, bottom: legend ? 62 : 36 },
    tooltip: { trigger: 'axis', confine: true, className: 'cf-tooltip', valueFormatter: '@num' },
  };
}

/**
 * A line, bar or stacked-area chart's option.
 *
 * @example lineChartOption({ title: 'NAV', x: ['2025-01-01', '2025-01-02'], series: [{ name: 'NAV', values: [100, 101] }], yName: 'USD', unit: 'usd' })
 */
export function lineChartOption(spec: LineChartSpec): EChartsCoreOption {
  const hasRight = spec.series.some((s) => s.rightAxis);
  const percent = spec.percent ?? false;
  const unit = spec.unit ?? (percent ? 'pct' : 'num');
  const axis = (name: string | undefined, pctAxis: boolean): EChartsCoreOption => ({
    type: 'value',
    name,
    scale: true,
    nameTextStyle: { fontSize: 11 },
    axisLabel: { formatter: pctAxis ? '@percent' : '@compact', fontSize: 11 },
    splitLine: { lineStyle: { color: '#e5e7eb' } },
  });
  const layout = baseLayout(spec.title, spec.series.length > 1);
  return {
    ...layout,
    tooltip: { ...(layout.tooltip as object), valueFormatter: `@${unit}` },
    xAxis: { type: 'category', data: [...spec.x], boundaryGap: spec.series.some((s) => s.bar), axisLabel: { fontSize: 11 } },
    yAxis: hasRight ? [axis(spec.yName, percent), { ...axis(spec.y2Name, false), splitLine: { show: false } }] : axis(spec.yName, percent),
    series: spec.series.map((s) => ({
      type: s.bar ? 'bar' : 'line',
      name: s.name,
      data: toArray(s.values),
      ...(s.bar ? { barGap: '-100%', barCategoryGap: '10%' } : { showSymbol: false, lineStyle: { width: s.stack ? 0.5 : 1.8, type: s.dashed ? 'dashed' : 'solid' } }),
      stack: s.stack,
      areaStyle: !s.bar && (s.area || s.stack) ? { opacity: s.stack ? 0.85 : 0.25 } : undefined,
      yAxisIndex: s.rightAxis ? 1 : 0,
      ...(s.unit ? { tooltip: { valueFormatter: `@${s.unit}` } } : {}),
      ...(s.color ? { itemStyle: { color: s.color }, lineStyle: { color: s.color, width: s.stack ? 0.5 : 1.8, type: s.dashed ? 'dashed' : 'solid' } } : {}),
    })),
  };
}

/**
 * A line or stacked-area chart as an SVG string.
 *
 * @example lineChartSvg({ title: 'NAV', x: ['2025-01-01', '2025-01-02'], series: [{ name: 'NAV', values: [100, 101] }], yName: 'USD' })
 */
export function lineChartSvg(spec: LineChartSpec): string {
  return chartSvg({ option: lineChartOption(spec), width: spec.width ?? CHART_WIDTH, height: spec.height ?? CHART_HEIGHT });
}

/** Percentile bands of many paths at each x position. */
export interface FanBands {
  p5: ArrayLike<number>;
  p25: ArrayLike<number>;
  p50: ArrayLike<number>;
  p75: ArrayLike<number>;
  p95: ArrayLike<number>;
}

/**
 * A fan chart's option: the 5–95% and 25–75% bands shaded, the median as a line; the
 * tooltip lists each percentile's exact value (`unit`, default `num`).
 *
 * @example fanChartOption({ title: 'NAV', x: ['d0', 'd1'], bands: { p5: [1, 0.9], p25: [1, 0.95], p50: [1, 1], p75: [1, 1.05], p95: [1, 1.1] } })
 */
export function fanChartOption(spec: { title: string; x: readonly string[]; bands: FanBands; yName?: string; unit?: FormatterName }): EChartsCoreOption {
  const b = spec.bands;
  const fmt = FORMATTERS[spec.unit ?? 'num'];
  const points = (values: ArrayLike<number>, base: ArrayLike<number> | null, label: string): Array<{ value: number; tip: string }> =>
    Array.from(values, (v, i) => ({ value: base === null ? v : v - base[i], tip: `${label}: ${fmt(v)}` }));
  const band = (name: string, stack: string, data: Array<{ value: number; tip: string }>, opacity: number): EChartsCoreOption => ({
    type: 'line',
    name,
    stack,
    data,
    showSymbol: false,
    lineStyle: { width: 0 },
    areaStyle: { opacity, color: '#2563eb' },
    itemStyle: { color: `rgba(37, 99, 235, ${Math.min(1, opacity * 2)})` }, // the legend swatch matches the band
  });
  const layout = baseLayout(spec.title, true);
  return {
    ...layout,
    tooltip: { ...(layout.tooltip as object), formatter: '@tips' },
    xAxis: { type: 'category', data: [...spec.x], boundaryGap: false },
    yAxis: { type: 'value', scale: true, name: spec.yName, axisLabel: { formatter: '@compact' } },
    series: [
      { ...band('p5', 'outer', points(b.p5, null, 'p5'), 0), legendHoverLink: false },
      band('5–95%', 'outer', points(b.p95, b.p5, 'p95'), 0.18),
      { ...band('p25', 'inner', points(b.p25, null, 'p25'), 0), legendHoverLink: false },
      band('25–75%', 'inner', points(b.p75, b.p25, 'p75'), 0.3),
      { type: 'line', name: 'median', data: points(b.p50, null, 'median'), showSymbol: false, lineStyle: { width: 2, color: '#1e3a8a' }, itemStyle: { color: '#1e3a8a' } },
    ],
    legend: { bottom: 4, left: 'center', itemGap: 22, itemWidth: 18, data: ['5–95%', '25–75%', 'median'] },
  };
}

/**
 * A fan chart as an SVG string.
 *
 * @example fanChartSvg({ title: 'NAV', x: ['d0', 'd1'], bands: { p5: [1, 0.9], p25: [1, 0.95], p50: [1, 1], p75: [1, 1.05], p95: [1, 1.1] } })
 */
export function fanChartSvg(spec: { title: string; x: readonly string[]; bands: FanBands; yName?: string; unit?: FormatterName; width?: number; height?: number }): string {
  return chartSvg({ option: fanChartOption(spec), width: spec.width ?? CHART_WIDTH, height: spec.height ?? CHART_HEIGHT });
}

/**
 * Bin edges and counts of a sample (equal-width bins between its min and max).
 *
 * @example histogram([0, 1, 1, 2], 2) // { edges: [0, 1, 2], counts: [1, 3] }
 */
export function histogram(values: ArrayLike<number>, bins: number): { edges: number[]; counts: number[] } {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    if (values[i] < lo) lo = values[i];
    if (values[i] > hi) hi = values[i];
  }
  if (!(hi > lo)) {
    lo = Number.isFinite(lo) ? lo - 0.5 : 0;
    hi = lo + 1;
  }
  const width = (hi - lo) / bins;
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < values.length; i++) {
    const k = Math.min(bins - 1, Math.floor((values[i] - lo) / width));
    if (k >= 0) counts[k]++;
  }
  return { edges: Array.from({ length: bins + 1 }, (_, i) => lo + i * width), counts };
}

/** A histogram's terms. @example const h: HistogramSpec = { title: 'Final return', values: [0.01, 0.02], percent: true }; */
export interface HistogramSpec {
  title: string;
  values: ArrayLike<number>;
  bins?: number;
  percent?: boolean;
  xName?: string;
  width?: number;
  height?: number;
}

/** Default histogram height in CSS pixels. @example histogramSvg({ title: 'x', values, height: HISTOGRAM_HEIGHT }) */
export const HISTOGRAM_HEIGHT = 280;

/**
 * A histogram of a sample as a bar chart's option (bins labelled by their centre; the tooltip
 * gives the bin's edges and its count).
 *
 * @example histogramOption({ title: 'Final return', values: [0.01, 0.02, 0.05], percent: true })
 */
export function histogramOption(spec: HistogramSpec): EChartsCoreOption {
  const { edges, counts } = histogram(spec.values, spec.bins ?? 30);
  const percent = spec.percent ?? false;
  const exact = FORMATTERS[percent ? 'pct' : 'num'];
  const labels = counts.map((_, i) => compactNumber((edges[i] + edges[i + 1]) / 2, percent));
  const layout = baseLayout(spec.title, false);
  return {
    ...layout,
    tooltip: { ...(layout.tooltip as object), formatter: '@tips' },
    xAxis: { type: 'category', data: labels, name: spec.xName, nameLocation: 'middle', nameGap: 24, axisLabel: { fontSize: 10 } },
    yAxis: { type: 'value', name: 'runs' },
    series: [{ type: 'bar', name: 'runs', data: counts.map((c, i) => ({ value: c, tip: `${exact(edges[i])} to ${exact(edges[i + 1])}: ${c} runs` })), barCategoryGap: '5%' }],
  };
}

/**
 * A histogram of a sample as an SVG bar chart.
 *
 * @example histogramSvg({ title: 'Final return', values: [0.01, 0.02, 0.05], percent: true })
 */
export function histogramSvg(spec: HistogramSpec): string {
  return chartSvg({ option: histogramOption(spec), width: spec.width ?? CHART_WIDTH, height: spec.height ?? HISTOGRAM_HEIGHT });
}
