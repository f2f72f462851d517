import { describe, expect, it } from 'vitest';
import { compactNumber, fanChartSvg, histogram, histogramSvg, lineChartSvg } from '../../src/report/charts.ts';

const x = Array.from({ length: 30 }, (_, i) => `2025-01-${String(i + 1).padStart(2, '0')}`);

describe('charts', () => {
  it('draws a line chart with one path per series', () => {
    const svg = lineChartSvg({
      title: 'NAV and share price',
      x,
      series: [
        { name: 'NAV', values: x.map((_, i) => 1e6 + i * 1000) },
        { name: 'share price', values: x.map((_, i) => 1 + i / 1000), rightAxis: true },
      ],
      yName: 'USD',
      y2Name: 'USD/share',
    });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('NAV and share price');
    expect((svg.match(/<path /g) ?? []).length).toBeGreaterThanOrEqual(2);
    expect(svg).not.toContain('<script');
  });

  it('draws stacked areas, fans and histograms', () => {
    const stacked = lineChartSvg({ title: 'Allocation', x, series: ['a', 'b'].map((name) => ({ name, values: x.map(() => 1), stack: 'alloc' })) });
    expect(stacked).toContain('Allocation');
    const fan = fanChartSvg({ title: 'NAV fan', x, bands: { p5: x.map(() => 0.9), p25: x.map(() => 0.95), p50: x.map(() => 1), p75: x.map(() => 1.05), p95: x.map(() => 1.1) } });
    expect(fan).toContain('median');
    const hist = histogramSvg({ title: 'Final return', values: [0.01, 0.02, 0.02, 0.05], bins: 4, percent: true });
    expect(hist).toContain('Final return');
  });

  it('bins a sample into equal-width bins that count every value', () => {
    const h = histogram([0, 1, 1, 2, 2, 2], 2);
    expect(h.edges).toEqual([0, 1, 2]);
    expect(h.counts).toEqual([1, 5]);
    expect(histogram([3, 3], 4).counts.reduce((a, b) => a + b, 0)).toBe(2);
  });

  it('formats axis numbers compactly', () => {
    expect(compactNumber(1234567)).toBe('1.23M');
    expect(compactNumber(35_000)).toBe('35.0k');
    expect(compactNumber(0.98765)).toBe('0.9877');
    expect(compactNumber(0.123, true)).toBe('12.3%');
    expect(compactNumber(-0.00005, true)).toBe('-0.005%');
    expect(compactNumber(0.015, true)).toBe('1.5%');
    expect(compactNumber(-0.0001, true)).toBe('-0.01%');
  });
});
