import { mkdtempSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fanChartSvg, histogramSvg, lineChartSvg } from '../../src/report/charts.ts';
import { renderReportHtml } from '../../src/report/html.ts';
import { checkPageInChromium } from '../helpers/browser.ts';

describe('report in a real browser', () => {
  it('renders every chart with no console error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'capflow-browser-'));
    const x = Array.from({ length: 60 }, (_, i) => `d${i}`);
    const html = renderReportHtml({
      title: 'Chart smoke test',
      subtitle: 'synthetic series',
      cards: [{ label: 'NAV', value: '1.00M USD' }],
      charts: [
        { id: 'chart-line', title: 'Line', svg: lineChartSvg({ title: 'Line', x, series: [{ name: 'a', values: x.map((_, i) => Math.sin(i / 5)) }] }) },
        { id: 'chart-fan', title: 'Fan', svg: fanChartSvg({ title: 'Fan', x, bands: { p5: x.map((_, i) => -i), p25: x.map((_, i) => -i / 2), p50: x.map(() => 0), p75: x.map((_, i) => i / 2), p95: x.map((_, i) => i) } }) },
        { id: 'chart-hist', title: 'Histogram', svg: histogramSvg({ title: 'Histogram', values: x.map((_, i) => Math.sin(i)) }) },
      ],
      metrics: [],
      tables: [],
      footer: '',
    });
    const htmlPath = join(dir, 'report.html');
    writeFileSync(htmlPath, html);
    const shot = join(dir, 'report.png');
    const check = await checkPageInChromium(htmlPath, shot);
    expect(check.consoleErrors).toEqual([]);
    expect(check.title).toBe('Chart smoke test');
    expect(check.charts.map((c) => c.id)).toEqual(['chart-line', 'chart-fan', 'chart-hist']);
    for (const c of check.charts) {
      expect(c.width).toBeGreaterThan(100);
      expect(c.height).toBeGreaterThan(100);
      expect(c.paths).toBeGreaterThan(0);
    }
    expect(statSync(shot).size).toBeGreaterThan(10_000);
  });
});
