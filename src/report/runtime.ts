/**
 * The report page's chart runtime: echarts' own minified browser bundle (from the installed
 * `echarts` package, inlined: no network) and a small script that draws each chart's option
 * into its section with hover tooltips, in place of the static SVG, and keeps the charts the
 * width of the page (on resize and before printing).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { FORMATTERS_SOURCE, RESOLVE_SOURCE } from './formatters.ts';

let bundle: string | undefined;

/**
 * echarts' browser bundle (`echarts/dist/echarts.min.js`, defines `window.echarts`).
 *
 * @example echartsBrowserBundle().length // ≈ 1.1 MB
 */
export function echartsBrowserBundle(): string {
  if (bundle === undefined) {
    const text = readFileSync(createRequire(import.meta.url).resolve('echarts/dist/echarts.min.js'), 'utf8');
    // Inside <script> the HTML parser only looks for "</script" (and "<!--"): neither may occur.
    if (/<\/script|<!--/i.test(text)) throw new Error('the echarts bundle contains "</script" or "<!--" and cannot be inlined');
    bundle = text;
  }
  return bundle;
}

/** The script that draws the charts (ES5; it reads `window.echarts`). @example `<script>${CHART_RUNTIME}</script>` */
export const CHART_RUNTIME = `(function () {
  'use strict';
  var F = ${FORMATTERS_SOURCE};
  ${RESOLVE_SOURCE}
  var charts = [];
  var sections = document.querySelectorAll('section.chart');
  for (var i = 0; i < sections.length; i++) {
    var section = sections[i];
    var data = section.querySelector('script.chart-option');
    var holder = section.querySelector('.svg');
    if (!data || !holder || !window.echarts) continue;
    var box = document.createElement('div');
    box.className = 'ec';
    box.style.height = (section.getAttribute('data-height') || '340') + 'px';
    holder.parentNode.replaceChild(box, holder);
    var chart = window.echarts.init(box, null, { renderer: 'svg' });
    chart.setOption(resolveFormatters(JSON.parse(data.textContent), F));
    charts.push(chart);
  }
  // A viewBox lets the drawn SVG scale with its box (print pages are narrower than the screen).
  function frame() {
    for (var j = 0; j < charts.length; j++) {
      var svg = charts[j].getDom().querySelector('svg');
      if (svg) svg.setAttribute('viewBox', '0 0 ' + charts[j].getWidth() + ' ' + charts[j].getHeight());
    }
  }
  function resize() { for (var j = 0; j < charts.length; j++) charts[j].resize(); frame(); }
  frame();
  window.addEventListener('resize', resize);
  window.addEventListener('beforeprint', resize);
  window.addEventListener('afterprint', resize);
  window.capflowCharts = charts;
})();`;

/**
 * JSON for a `<script type="application/json">` element: `<` escaped so no `</script>` or
 * `<!--` can end or confuse the element.
 *
 * @example scriptJson({ a: '</script>' }) // '{"a":"\\u003c/script>"}'
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}
