import { describe, expect, it } from 'vitest';
import { escapeHtml, renderReportHtml } from '../../src/report/html.ts';
import { svgToPng } from '../../src/report/png.ts';
import { lineChartSvg } from '../../src/report/charts.ts';

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
    expect(html).not.toMatch(/<script|(src|href)="https?:|url\(https?:|@import/);
  });

  it('rasterises a chart to PNG', () => {
    const png = svgToPng(lineChartSvg({ title: 'NAV', x: ['a', 'b', 'c'], series: [{ name: 'NAV', values: [1, 2, 3] }] }), 800);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.readUInt32BE(16)).toBe(800); // IHDR width
  });
});
