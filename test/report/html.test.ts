import { describe, expect, it } from 'vitest';
import { escapeHtml, renderReportHtml } from '../../src/report/html.ts';
import { svgToPng } from '../../src/report/png.ts';
import { lineChartOption, lineChartSvg } from '../../src/report/charts.ts';
import { FORMATTERS, resolveFormatters } from '../../src/report/formatters.ts';
import { scriptJson } from '../../src/report/runtime.ts';

describe('HTML report', () => {
  it('escapes text', () => {
    expect(escapeHtml(`<a href="x">&'`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&#39;');
  });

  it('renders a self-contained page with cards, charts, metrics and tables', () => {
    const html = renderReportHtml({
      title: 'Fund <test>',
      subtitle: '365 days',
      cards: [{ label: 'Final NAV', value: '1,050,000 USD' }],
      charts: [{ id: 'chart-nav', title: 'NAV', svg: '<svg xmlns="http://www.w3.org/2000/svg"></svg>', caption: 'daily' }],
      metrics: [{ label: 'Sharpe', value: '1.2', definition: 'mean/std·√365' }],
      tables: [{ title: 'Decisions', headers: ['day', 'venue'], rows: [['1', 'aave']] }],
      footer: 'seed 42',
    });
    expect(html).toContain('<title>Fund &lt;test&gt;</title>');
    expect(html).toContain('id="chart-nav"');
    expect(html).toContain('mean/std·√365');
    expect(html).not.toMatch(/<script|(src|href)="https?:|url\(https?:|@import/); // no chart option: no runtime
  });

  it('inlines the chart runtime and each chart option when a chart has one, with no network reference', () => {
    const option = lineChartOption({ title: 'NAV </script><!--', x: ['a', 'b'], series: [{ name: 'NAV', values: [1, 2] }], unit: 'usd' });
    const html = renderReportHtml({ title: 'T', subtitle: '', cards: [], charts: [{ id: 'chart-nav', title: 'NAV', svg: '<svg></svg>', option }], metrics: [], tables: [], footer: '' });
    expect(html).not.toMatch(/<script[^>]+src=|(src|href)="https?:|url\(https?:|@import/);
    expect((html.match(/<\/script>/g) ?? []).length).toBe(3); // the option, echarts, the runtime
    expect(html).toContain('\\u003c/script>\\u003c!--'); // the title cannot end the JSON element
    expect(html).toContain('window.echarts');
  });

  it('names formatters in options and resolves them to the shared code', () => {
    const option = lineChartOption({ title: 'x', x: ['a'], series: [{ name: 's', values: [1], unit: 'price' }], percent: true });
    expect(JSON.stringify(option)).toContain('"@percent"');
    const resolved = resolveFormatters(option) as any;
    expect(resolved.yAxis.axisLabel.formatter(0.123)).toBe('12.3%');
    expect(resolved.series[0].tooltip.valueFormatter(1.23456789)).toBe('1.234568');
    expect(resolved.tooltip.valueFormatter(0.0123456)).toBe('1.2346%');
    expect(FORMATTERS.usd(-1234567.891)).toBe('−1,234,567.89 USD');
    expect(FORMATTERS.usd(NaN)).toBe('–');
    expect(scriptJson({ a: '</script>' })).toBe('{"a":"\\u003c/script>"}');
  });

  it('rasterises a chart to PNG', () => {
    const png = svgToPng(lineChartSvg({ title: 'NAV', x: ['a', 'b', 'c'], series: [{ name: 'NAV', values: [1, 2, 3] }] }), 800);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.readUInt32BE(16)).toBe(800); // IHDR width
  });
});
