/**
 * Charts as self-contained SVG strings, drawn by echarts' server-side renderer (no DOM, no
 * network, no script in the output). Every chart is static: animation off.
 */
import { createRequire } from 'node:module';
import type * as EChartsModule from 'echarts';
import type { EChartsCoreOption } from 'echarts';

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
  width?: number;
  height?: number;
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
  if (percent) {
    const p = value * 100;
    return Math.abs(p) >= 10 ? `${p.toFixed(1)}%` : `${Number(p.toPrecision(3))}%`;
  }
  const abs = Math.abs(value);
  if (abs >= 1e9) return `${(value / 1e9).toFixed(2)}B`;
  if (abs >= 1e6) return `${(value / 1e6).toFixed(2)}M`;
  if (abs >= 1e4) return `${(value / 1e3).toFixed(1)}k`;
  if (abs >= 100) return value.toFixed(0);
  return String(Number(value.toPrecision(4)));
}

function render(option: EChartsCoreOption, width: number, height: number): string {
  const chart = echartsLib().init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ animation: false, color: PALETTE, textStyle: { fontFamily: 'DejaVu Sans, Helvetica, Arial, sans-serif' }, ...option });
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
  };
}

/**
 * A line or stacked-area chart as an SVG string.
 *
 * @example lineChartSvg({ title: 'NAV', x: ['2025-01-01', '2025-01-02'], series: [{ name: 'NAV', values: [100, 101] }], yName: 'USD' })
 */
export function lineChartSvg(spec: LineChartSpec): string {
  const hasRight = spec.series.some((s) => s.rightAxis);
  const axis = (name: string | undefined, percent: boolean): EChartsCoreOption => ({
    type: 'value',
    name,
    scale: true,
    nameTextStyle: { fontSize: 11 },
    axisLabel: { formatter: (v: number) => compactNumber(v, percent), fontSize: 11 },
    splitLine: { lineStyle: { color: '#e5e7eb' } },
  });
  return render(
    {
      ...baseLayout(spec.title, spec.series.length > 1),
      xAxis: { type: 'category', data: [...spec.x], boundaryGap: false, axisLabel: { fontSize: 11 } },
      yAxis: hasRight ? [axis(spec.yName, spec.percent ?? false), { ...axis(spec.y2Name, false), splitLine: { show: false } }] : axis(spec.yName, spec.percent ?? false),
      series: spec.series.map((s) => ({
        type: 'line',
        name: s.name,
        data: toArray(s.values),
        showSymbol: false,
        stack: s.stack,
        areaStyle: s.area || s.stack ? { opacity: s.stack ? 0.85 : 0.25 } : undefined,
        lineStyle: { width: s.stack ? 0.5 : 1.8, type: s.dashed ? 'dashed' : 'solid' },
        yAxisIndex: s.rightAxis ? 1 : 0,
      })),
    },
    spec.width ?? CHART_WIDTH,
    spec.height ?? CHART_HEIGHT,
  );
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
 * A fan chart: the 5–95% and 25–75% bands shaded, the median as a line.
 *
 * @example fanChartSvg({ title: 'NAV', x: ['d0', 'd1'], bands: { p5: [1, 0.9], p25: [1, 0.95], p50: [1, 1], p75: [1, 1.05], p95: [1, 1.1] } })
 */
export function fanChartSvg(spec: { title: string; x: readonly string[]; bands: FanBands; yName?: string; width?: number; height?: number }): string {
  const b = spec.bands;
  const diff = (hi: ArrayLike<number>, lo: ArrayLike<number>): number[] => Array.from(hi, (v, i) => v - lo[i]);
  const band = (name: string, stack: string, values: number[], opacity: number): EChartsCoreOption => ({
    type: 'line',
    name,
    stack,
    data: values,
    showSymbol: false,
    lineStyle: { width: 0 },
    areaStyle: { opacity, color: '#2563eb' },
    itemStyle: { color: `rgba(37, 99, 235, ${Math.min(1, opacity * 2)})` }, // the legend swatch matches the band
  });
  return render(
    {
      ...baseLayout(spec.title, true),
      xAxis: { type: 'category', data: [...spec.x], boundaryGap: false },
      yAxis: { type: 'value', scale: true, name: spec.yName, axisLabel: { formatter: (v: number) => compactNumber(v) } },
      series: [
        { ...band('p5', 'outer', toArray(b.p5), 0), legendHoverLink: false },
        band('5–95%', 'outer', diff(b.p95, b.p5), 0.18),
        { ...band('p25', 'inner', toArray(b.p25), 0), legendHoverLink: false },
        band('25–75%', 'inner', diff(b.p75, b.p25), 0.3),
        { type: 'line', name: 'median', data: toArray(b.p50), showSymbol: false, lineStyle: { width: 2, color: '#1e3a8a' }, itemStyle: { color: '#1e3a8a' } },
      ],
      legend: { bottom: 4, left: 'center', itemGap: 22, itemWidth: 18, data: ['5–95%', '25–75%', 'median'] },
    },
    spec.width ?? CHART_WIDTH,
    spec.height ?? CHART_HEIGHT,
  );
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

/**
 * A histogram of a sample as a bar chart (bins labelled by their centre).
 *
 * @example histogramSvg({ title: 'Final return', values: [0.01, 0.02, 0.05], percent: true })
 */
export function histogramSvg(spec: { title: string; values: ArrayLike<number>; bins?: number; percent?: boolean; xName?: string; width?: number; height?: number }): string {
  const { edges, counts } = histogram(spec.values, spec.bins ?? 30);
  const labels = counts.map((_, i) => compactNumber((edges[i] + edges[i + 1]) / 2, spec.percent ?? false));
  return render(
    {
      ...baseLayout(spec.title, false),
      xAxis: { type: 'category', data: labels, name: spec.xName, nameLocation: 'middle', nameGap: 24, axisLabel: { fontSize: 10 } },
      yAxis: { type: 'value', name: 'runs' },
      series: [{ type: 'bar', data: counts, barCategoryGap: '5%' }],
    },
    spec.width ?? CHART_WIDTH,
    spec.height ?? 280,
  );
}
