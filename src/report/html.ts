/**
 * The HTML report: one self-contained file with no network. Charts are inline SVG (readable
 * without script, in print and in mail clients that strip scripts); when a chart carries its
 * echarts option, the page inlines echarts' browser bundle and redraws it with hover tooltips
 * giving exact values. The layout reads on a phone (nothing wider than the screen: charts
 * scale, tables scroll inside their box) and prints without cutting a chart or a table row.
 */
import type { EChartsCoreOption } from 'echarts';
import { pageOption } from './charts.ts';
import { CHART_RUNTIME, echartsBrowserBundle, scriptJson } from './runtime.ts';
import { escapeControls } from '../core/text.ts';

/** A chart with its heading and an optional caption. */
export interface ReportChart {
  /** Stable id (used as the element id, e.g. `chart-nav`). */
  id: string;
  title: string;
  /** An SVG document string (from src/report/charts.ts). */
  svg: string;
  caption?: string;
  /** The chart's echarts option (JSON, formatters named '@name'): the page redraws it with tooltips. */
  option?: EChartsCoreOption;
  /** Height of the interactive chart, CSS pixels (default 340). */
  height?: number;
}

/** A headline figure shown as a card at the top. */
export interface ReportCard {
  label: string;
  value: string;
}

/** A metric with its value and definition, for the metrics table. */
export interface ReportMetric {
  label: string;
  value: string;
  definition: string;
}

/** A plain table (already formatted cells). */
export interface ReportTable {
  title: string;
  headers: readonly string[];
  rows: ReadonlyArray<readonly string[]>;
  caption?: string;
  /** Element id of the table's section (e.g. `table-monthly`). */
  id?: string;
  /** A background colour per cell (CSS colour or null), same shape as `rows`. */
  cellColors?: ReadonlyArray<ReadonlyArray<string | null>>;
}

/** Everything a report shows, in order. */
export interface ReportDocument {
  title: string;
  subtitle: string;
  cards: readonly ReportCard[];
  charts: readonly ReportChart[];
  metrics: readonly ReportMetric[];
  tables: readonly ReportTable[];
  /** Free text at the bottom: what was run, seeds, where the data came from. */
  footer: string;
}

/**
 * Escapes text for HTML element content and attribute values (control characters become
 * visible `\uXXXX` escapes).
 *
 * @example escapeHtml('<a & b>') // '&lt;a &amp; b&gt;'
 */
export function escapeHtml(text: string): string {
  return escapeControls(text, true).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const STYLE = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 "DejaVu Sans", Helvetica, Arial, sans-serif; color: #0f172a; background: #f8fafc; }
header { padding: 28px 40px 16px; background: #0f172a; color: #f8fafc; }
header h1 { margin: 0 0 4px; font-size: 24px; }
header p { margin: 0; color: #cbd5e1; }
main { max-width: 960px; margin: 0 auto; padding: 24px 20px 48px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 12px; margin-bottom: 24px; }
.card { background: #fff; border: 1px solid #e2e8f0; border-radius: 8px; padding: 12px 14px; }
.card .label { color: #64748b; font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.card .value { font-size: 20px; font-weight: 600; margin-top: 2px; font-variant-numeric: tabular-nums; }
section.chart { background: #fff; border: 1px solid #e2e8f0; border-radius: 8px; padding: 8px; margin-bottom: 18px; }
section.chart .svg { overflow: hidden; }
section.chart svg { display: block; max-width: 100%; height: auto; }
section.chart .ec { width: 100%; }
.cf-tooltip { font-variant-numeric: tabular-nums; }
.caption { color: #475569; font-size: 12.5px; margin: 4px 8px 6px; }
table { border-collapse: collapse; width: 100%; background: #fff; font-size: 13px; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid #e2e8f0; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
th { background: #f1f5f9; font-weight: 600; }
h2.section { font-size: 17px; margin: 28px 0 10px; }
.tablewrap { border: 1px solid #e2e8f0; border-radius: 8px; overflow: auto; max-height: 520px; }
footer { color: #64748b; font-size: 12px; margin-top: 32px; white-space: pre-wrap; }
section.table { margin-bottom: 8px; }
@media (max-width: 600px) {
  header { padding: 18px 16px 12px; }
  header h1 { font-size: 20px; }
  main { padding: 16px 10px 32px; }
  .cards { grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 8px; }
  .card .value { font-size: 16px; }
  th, td { padding: 5px 6px; }
}
@media print {
  body { background: #fff; }
  header { background: #fff; color: #0f172a; padding: 0 0 8px; }
  header p { color: #334155; }
  main { max-width: none; padding: 0; }
  section.chart, .card, tr, h2.section, .caption { break-inside: avoid; page-break-inside: avoid; }
  h2.section { break-after: avoid; page-break-after: avoid; }
  section.chart .ec { height: auto !important; }
  section.chart .ec > div { width: 100% !important; height: auto !important; }
  section.chart svg { width: 100% !important; height: auto !important; position: static !important; }
  .tablewrap { max-height: none; overflow: visible; }
  .cf-tooltip { display: none !important; }
}
`;

const NUMERIC_CELL = /^[-+−]?[$]?[\d,.]+(e[-+]?\d+)?\s*(%|USD|x|bp|days?)?$/i;

function tableHtml(table: ReportTable): string {
  const head = table.headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const cell = (c: string, color: string | null | undefined): string => {
    const style = color ? ` style="background:${escapeHtml(color)}"` : '';
    return `<td${NUMERIC_CELL.test(c) ? ' class="num"' : ''}${style}>${escapeHtml(c)}</td>`;
  };
  const body = table.rows.map((row, i) => `<tr>${row.map((c, j) => cell(c, table.cellColors?.[i]?.[j])).join('')}</tr>`).join('\n');
  const caption = table.caption ? `<p class="caption">${escapeHtml(table.caption)}</p>` : '';
  const id = table.id ? ` id="${escapeHtml(table.id)}"` : '';
  return `<section class="table"${id}><h2 class="section">${escapeHtml(table.title)}</h2>${caption}<div class="tablewrap"><table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div></section>`;
}

function chartHtml(c: ReportChart): string {
  const option = c.option === undefined ? '' : `<script type="application/json" class="chart-option">${scriptJson(pageOption(c.option))}</script>`;
  const height = c.height === undefined ? '' : ` data-height="${c.height}"`;
  const caption = c.caption ? `<p class="caption">${escapeHtml(c.caption)}</p>` : '';
  return `<section class="chart" id="${escapeHtml(c.id)}" aria-label="${escapeHtml(c.title)}"${height}><div class="svg">${c.svg}</div>${caption}${option}</section>`;
}

/**
 * Renders a {@link ReportDocument} as one HTML page.
 *
 * @example renderReportHtml({ title: 'Fund', subtitle: '365 days', cards: [], charts: [], metrics: [], tables: [], footer: '' })
 */
export function renderReportHtml(doc: ReportDocument): string {
  const cards = doc.cards.map((c) => `<div class="card"><div class="label">${escapeHtml(c.label)}</div><div class="value">${escapeHtml(c.value)}</div></div>`).join('');
  const charts = doc.charts.map(chartHtml).join('\n');
  const runtime = doc.charts.some((c) => c.option !== undefined) ? `<script>${echartsBrowserBundle()}</script>\n<script>${CHART_RUNTIME}</script>\n` : '';
  const metrics =
    doc.metrics.length === 0
      ? ''
      : tableHtml({ title: 'Metrics and their definitions', headers: ['metric', 'value', 'definition'], rows: doc.metrics.map((m) => [m.label, m.value, m.definition]) });
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(doc.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1>${escapeHtml(doc.title)}</h1><p>${escapeHtml(doc.subtitle)}</p></header>
<main>
<div class="cards">${cards}</div>
${charts}
${metrics}
${doc.tables.map(tableHtml).join('\n')}
<footer>${escapeHtml(doc.footer)}</footer>
</main>
${runtime}</body>
</html>
`;
}
