/**
 * `capflow/report`: what people read — return metrics (CAGR, Sharpe, drawdowns), terminal
 * tables, SVG line/fan/histogram charts, the fund's summary and its self-contained HTML
 * report, and SVG → PNG.
 *
 * To add a public module of this layer: one `export` line below.
 *
 * @example
 * import { formatNumber, renderTable, returnMetrics } from 'capflow/report';
 * formatNumber(1234567.891);                          // '1,234,567.891'
 * renderTable(['venue', 'amount (USD)'], [['aave', 6365]]);
 * returnMetrics([0.02, -0.01, 0.015, 0.005, -0.02], 365).sharpe; // ≈ 2.2734
 *
 * @packageDocumentation
 */
export * from './charts.ts';
export * from './fundReport.ts';
export * from './html.ts';
export * from './metrics.ts';
export * from './png.ts';
export * from './relative.ts';
export * from './calendar.ts';
export * from './liquidity.ts';
export * from './table.ts';
