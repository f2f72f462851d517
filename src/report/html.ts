/**
 * The HTML report: one self-contained file (inline CSS and SVG charts, no script, no network).
 */

/** A chart with its heading and an optional caption. */
export interface ReportChart {
  /** Stable id (used as the element id, e.g. `chart-nav`). */
  id: string;
  title: string;
  /** An SVG document string (from src/report/charts.ts). */
  svg: string;
  caption?: string;
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
 * Escapes text for HTML element content and attribute values.
 *
 * @example escapeHtml('<a & b>') // '&lt;a &amp; b&gt;'
 */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
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
section.chart .svg { overflow-x: auto; }
section.chart svg { display: block; max-width: 100%; height: auto; }
.caption { color: #475569; font-size: 12.5px; margin: 4px 8px 6px; }
table { border-collapse: collapse; width: 100%; background: #fff; font-size: 13px; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid #e2e8f0; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
th { background: #f1f5f9; font-weight: 600; }
h2.section { font-size: 17px; margin: 28px 0 10px; }
.tablewrap { border: 1px solid #e2e8f0; border-radius: 8px; overflow: auto; max-height: 520px; }
footer { color: #64748b; font-size: 12px; margin-top: 32px; white-space: pre-wrap; }
`;

const NUMERIC_CELL = /^[-+−]?[$]?[\d,.]+(e[-+]?\d+)?\s*(%|USD|x|bp|days?)?$/i;

function tableHtml(table: ReportTable): string {
  const head = table.headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = table.rows
    .map((row) => `<tr>${row.map((c) => `<td${NUMERIC_CELL.test(c) ? ' class="num"' : ''}>${escapeHtml(c)}</td>`).join('')}</tr>`)
    .join('\n');
  const caption = table.caption ? `<p class="caption">${escapeHtml(table.caption)}</p>` : '';
  return `<h2 class="section">${escapeHtml(table.title)}</h2>${caption}<div class="tablewrap"><table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>`;
}

/**
 * Renders a {@link ReportDocument} as one HTML page.
 *
 * @example renderReportHtml({ title: 'Fund', subtitle: '365 days', cards: [], charts: [], metrics: [], tables: [], footer: '' })
 */
export function renderReportHtml(doc: ReportDocument): string {
  const cards = doc.cards.map((c) => `<div class="card"><div class="label">${escapeHtml(c.label)}</div><div class="value">${escapeHtml(c.value)}</div></div>`).join('');
  const charts = doc.charts
    .map(
      (c) =>
        `<section class="chart" id="${escapeHtml(c.id)}" aria-label="${escapeHtml(c.title)}"><div class="svg">${c.svg}</div>${c.caption ? `<p class="caption">${escapeHtml(c.caption)}</p>` : ''}</section>`,
    )
    .join('\n');
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
</body>
</html>
`;
}
