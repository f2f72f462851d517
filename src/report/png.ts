/**
 * SVG → PNG rasterisation (resvg, a native renderer shipped in the npm package; system fonts).
 */
import { Resvg } from '@resvg/resvg-js';

/**
 * Renders an SVG string to PNG bytes on a white background, scaled to `widthPx`.
 *
 * @example writeFileSync('nav.png', svgToPng(lineChartSvg(spec)));
 */
export function svgToPng(svg: string, widthPx = 1600): Buffer {
  const resvg = new Resvg(svg, {
    background: '#ffffff',
    fitTo: { mode: 'width', value: widthPx },
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  });
  return resvg.render().asPng();
}
