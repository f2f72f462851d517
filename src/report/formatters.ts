/**
 * The number formatters of the charts, written once as browser JavaScript so the same code
 * labels the axes of the static SVG (in Node) and the tooltips of the interactive chart (in
 * the report page). A chart option names a formatter as `'@name'`; {@link resolveFormatters}
 * swaps the names for the functions.
 *
 * - `compact`: axis labels (1.23M, 35.0k, 0.9877); `percent`: 12.3%, 1.5%
 * - exact tooltip values: `usd` (1,234,567.89 USD), `pct` (1.2345%), `price` (1.012345),
 *   `num` (10 significant digits)
 * - `tips`: a tooltip listing each point's `tip` text (fan charts, histograms)
 */

/** The formatters as a JavaScript expression (ES5: it runs in any browser as it is). @example new Function(`return ${FORMATTERS_SOURCE}`)().pct(0.01) // '1.0000%' */
export const FORMATTERS_SOURCE = `({
  compact: function (v) {
    if (typeof v !== 'number' || !isFinite(v)) return String(v);
    var a = Math.abs(v);
    if (a >= 1e9) return (v / 1e9).toFixed(2) + 'B';
    if (a >= 1e6) return (v / 1e6).toFixed(2) + 'M';
    if (a >= 1e4) return (v / 1e3).toFixed(1) + 'k';
    if (a >= 100) return v.toFixed(0);
    return String(Number(v.toPrecision(4)));
  },
  percent: function (v) {
    if (typeof v !== 'number' || !isFinite(v)) return String(v);
    var p = v * 100;
    return Math.abs(p) >= 10 ? p.toFixed(1) + '%' : Number(p.toPrecision(3)) + '%';
  },
  usd: function (v) {
    if (typeof v !== 'number' || !isFinite(v)) return '–';
    var s = Math.abs(v).toFixed(2).split('.');
    return (v < 0 ? '−' : '') + s[0].replace(/\\B(?=(\\d{3})+(?!\\d))/g, ',') + '.' + s[1] + ' USD';
  },
  pct: function (v) {
    if (typeof v !== 'number' || !isFinite(v)) return '–';
    return (v * 100).toFixed(4) + '%';
  },
  price: function (v) {
    if (typeof v !== 'number' || !isFinite(v)) return '–';
    return v.toFixed(6);
  },
  num: function (v) {
    if (typeof v !== 'number' || !isFinite(v)) return '–';
    return String(Number(v.toPrecision(10)));
  },
  tips: function (ps) {
    if (!Array.isArray(ps)) ps = [ps];
    var out = [ps.length > 0 && ps[0].axisValueLabel ? ps[0].axisValueLabel : ''];
    for (var i = 0; i < ps.length; i++) if (ps[i].data && ps[i].data.tip) out.push((ps[i].marker || '') + ps[i].data.tip);
    return out.join('<br>');
  }
})`;

/** The name of a formatter. @example const u: FormatterName = 'usd'; */
export type FormatterName = 'compact' | 'percent' | 'usd' | 'pct' | 'price' | 'num' | 'tips';

/** The formatters, compiled from {@link FORMATTERS_SOURCE} (the code the browser runs). @example FORMATTERS.usd(1234.5) // '1,234.50 USD' */
export const FORMATTERS = new Function(`return ${FORMATTERS_SOURCE};`)() as Record<FormatterName, (v: unknown) => string>;

/** The resolver, as JavaScript (the report page's runtime embeds it). @example `${RESOLVE_SOURCE}; resolveFormatters(option, F)` */
export const RESOLVE_SOURCE = `function resolveFormatters(o, F) {
  if (Array.isArray(o)) return o.map(function (x) { return resolveFormatters(x, F); });
  if (o === null || typeof o !== 'object') return o;
  var out = {};
  for (var k in o) {
    var v = o[k];
    out[k] = (k === 'formatter' || k === 'valueFormatter') && typeof v === 'string' && v.charAt(0) === '@' && F[v.slice(1)] ? F[v.slice(1)] : resolveFormatters(v, F);
  }
  return out;
}`;

const resolver = new Function(`${RESOLVE_SOURCE}; return resolveFormatters;`)() as (o: unknown, f: typeof FORMATTERS) => unknown;

/**
 * A copy of a chart option with every `formatter`/`valueFormatter` named `'@name'` replaced by
 * that formatter.
 *
 * @example resolveFormatters({ axisLabel: { formatter: '@compact' } }) // { axisLabel: { formatter: [Function] } }
 */
export function resolveFormatters<T>(option: T): T {
  return resolver(option, FORMATTERS) as T;
}
