import { mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fundReportFiles } from '../../src/report/fundReport.ts';
import { liquidityProfile } from '../../src/report/liquidity.ts';
import { ROOT } from '../helpers/cli.ts';
import { syntheticFundResult } from '../helpers/fundResult.ts';
import { drawnCharts, launchChromium, openReport, tooltipText } from './chromium.ts';

// Browser globals inside page.evaluate callbacks (the project's tsconfig has no DOM lib).
declare const window: any;
declare const document: any;
declare function getComputedStyle(element: unknown): any;

const SCREENSHOTS = join(ROOT, 'out', 'test-screenshots');

const CHARTS = [
  'chart-nav',
  'chart-benchmark',
  'chart-fees',
  'chart-costs',
  'chart-apy',
  'chart-allocation',
  'chart-yield',
  'chart-sleeve',
  'chart-rolling',
  'chart-drawdown',
  'chart-flows',
  'chart-queue',
  'chart-liquidity',
  'chart-fan',
  'chart-nav-fan',
  'chart-return-hist',
  'chart-drawdown-hist',
];

/** Exact formats, written out independently of src/report/formatters.ts. */
const usd = (x: number): string => `${x.toFixed(2).replace(/\B(?=(\d{3})+(?!\d))/g, ',')} USD`;
const pct4 = (x: number): string => `${(x * 100).toFixed(4)}%`;

describe('the fund report in headless chromium', () => {
  const result = syntheticFundResult(20, 120);
  const d = result.detail;
  const dir = mkdtempSync(join(tmpdir(), 'capflow-fund-browser-'));
  const htmlPath = join(dir, 'report.html');
  let browser: Browser;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    writeFileSync(htmlPath, fundReportFiles(result).html);
    mkdirSync(SCREENSHOTS, { recursive: true });
    browser = await launchChromium();
    ({ page, problems } = await openReport(browser, htmlPath, { width: 1100, height: 900 }));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('draws every chart with the inline runtime, offline and with no error', async () => {
    const charts = await drawnCharts(page);
    expect(problems).toEqual([]);
    expect(charts.map((c) => c.id)).toEqual(CHARTS);
    for (const c of charts) {
      expect(c.interactive, c.id).toBe(true);
      expect(c.width, c.id).toBeGreaterThan(600);
      expect(c.height, c.id).toBeGreaterThan(150);
      expect(c.paths, c.id).toBeGreaterThan(3);
    }
    await page.screenshot({ path: join(SCREENSHOTS, 'fund-report-desktop.png'), fullPage: true });
  });

  it('shows exact values in hover tooltips', async () => {
    const k = 45;
    const date = d.dates[k];
    const nav = await tooltipText(page, 'chart-nav', k);
    expect(nav).toContain(date);
    expect(nav).toContain(usd(d.navUsd[k]));
    expect(nav).toContain(d.sharePrice[k].toFixed(6));
    const fees = await tooltipText(page, 'chart-fees', k);
    expect(fees).toContain(d.grossSharePrice[k].toFixed(6));
    expect(fees).toContain(d.sharePrice[k].toFixed(6));
    expect(await tooltipText(page, 'chart-apy', k)).toContain(pct4(d.venues[0].apy[k]));
    expect(await tooltipText(page, 'chart-allocation', k)).toContain(pct4(d.venues[1].valueUsd[k] / d.navUsd[k]));
    expect(await tooltipText(page, 'chart-yield', k)).toContain(usd(d.venues[2].yieldEarnedUsd[k]));
    expect(await tooltipText(page, 'chart-rolling', k)).toContain(pct4(d.sharePrice[k] / d.sharePrice[k - 30] - 1));
    const flowDay = d.depositsUsd.findIndex((x) => x > 0);
    expect(await tooltipText(page, 'chart-flows', flowDay)).toContain(usd(d.depositsUsd[flowDay]));
    expect(await tooltipText(page, 'chart-flows', 10)).toContain(`−${usd(500)}`); // the shortfall day
    expect(await tooltipText(page, 'chart-queue', 6)).toContain(usd(4000));
    expect(await tooltipText(page, 'chart-liquidity', k)).toContain(pct4(liquidityProfile(d, k).withdrawablePct[2]));
    const bench = await tooltipText(page, 'chart-benchmark', k);
    expect(bench).toContain((d.sharePrice[k] / d.sharePrice[0]).toFixed(6));
    let growth = 1;
    for (let t = 1; t <= k; t++) growth *= (1 + d.venues[0].apy[t - 1]) ** (1 / 365);
    expect(bench).toContain(growth.toFixed(6));
    expect(await tooltipText(page, 'chart-fan', k)).toContain(`median: ${result.sharePriceBands.p50[k].toFixed(6)}`);
    expect(await tooltipText(page, 'chart-return-hist', 0)).toMatch(/runs/);
    for (const id of ['chart-costs', 'chart-sleeve', 'chart-drawdown', 'chart-nav-fan', 'chart-drawdown-hist']) {
      expect(await tooltipText(page, id, 5), id).not.toBe('');
    }
  });

  it('shows a tooltip when the mouse is over a chart', async () => {
    const box = await page.locator('#chart-nav .ec').boundingBox();
    if (box === null) throw new Error('no chart box');
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.locator('#chart-nav .cf-tooltip').waitFor({ state: 'visible', timeout: 5000 });
    expect(await page.locator('#chart-nav .cf-tooltip').innerText()).toMatch(/\d{4}-\d{2}-\d{2}[\s\S]*USD/);
  });

  it('has the monthly returns calendar with coloured cells, and the shortfall and liquidity tables', async () => {
    const cells = await page.$$eval('#table-monthly tbody tr', (rows) => rows.map((r) => Array.from(r.querySelectorAll('td'), (td: any) => ({ text: td.textContent ?? '', bg: getComputedStyle(td).backgroundColor }))));
    expect(cells.length).toBe(1);
    expect(cells[0][0].text).toBe('2025');
    const jan = d.sharePrice[30] / d.sharePrice[0] - 1;
    expect(cells[0][1].text).toBe(`${(jan * 100).toFixed(2)}%`);
    expect(cells[0][1].bg).not.toBe('rgba(0, 0, 0, 0)');
    expect(cells[0][6].text).toBe(''); // June: outside the horizon
    expect(await page.locator('#table-shortfall tbody tr').count()).toBe(1);
    expect(await page.locator('#table-liquidity tbody tr').count()).toBe(3);
  });

  it('reads on a 390 px phone screen with nothing wider than the screen', async () => {
    const phone = await openReport(browser, htmlPath, { width: 390, height: 844 });
    try {
      const width = await phone.page.evaluate(() => ({ doc: document.documentElement.scrollWidth, body: document.body.scrollWidth }));
      expect(width.doc).toBeLessThanOrEqual(390);
      expect(width.body).toBeLessThanOrEqual(390);
      for (const c of await drawnCharts(phone.page)) {
        expect(c.interactive, c.id).toBe(true);
        expect(c.right, c.id).toBeLessThanOrEqual(390);
        expect(c.left, c.id).toBeGreaterThanOrEqual(0);
        expect(c.width, c.id).toBeGreaterThan(300);
      }
      expect(phone.problems).toEqual([]);
      await phone.page.screenshot({ path: join(SCREENSHOTS, 'fund-report-phone.png'), fullPage: true });
    } finally {
      await phone.page.close();
    }
  });

  it('prints to PDF with no chart cut: charts fit the page width and are never split', async () => {
    const print = await openReport(browser, htmlPath, { width: 1100, height: 900 });
    try {
      await print.page.emulateMedia({ media: 'print' });
      // Keep the charts as drawn for the screen: the print CSS alone must make them fit.
      await print.page.evaluate(() => (window as unknown as { capflowCharts: Array<{ resize: () => void }> }).capflowCharts.forEach((c) => (c.resize = () => undefined)));
      await print.page.setViewportSize({ width: 718, height: 1000 }); // A4 less 1 cm margins, at 96 dpi
      const pageHeightPx = 1000;
      for (const c of await drawnCharts(print.page)) {
        expect(c.breakInside, c.id).toBe('avoid');
        expect(c.right, c.id).toBeLessThanOrEqual(c.sectionRight + 0.5);
        expect(c.left, c.id).toBeGreaterThanOrEqual(c.sectionLeft - 0.5);
        expect(c.top, c.id).toBeGreaterThanOrEqual(c.sectionTop - 0.5);
        expect(c.bottom, c.id).toBeLessThanOrEqual(c.sectionBottom + 0.5);
        expect(c.height, c.id).toBeLessThan(pageHeightPx);
        expect(c.width, c.id).toBeGreaterThan(500);
        expect(c.height / c.width, c.id).toBeGreaterThan(0.25); // scaled, not squashed or collapsed
      }
      const rowsAvoid = await print.page.$$eval('tr', (rows) => rows.every((r) => getComputedStyle(r).breakInside === 'avoid'));
      expect(rowsAvoid).toBe(true);
      const pdf = await print.page.pdf({ format: 'A4', margin: { top: '1cm', bottom: '1cm', left: '1cm', right: '1cm' } });
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
      expect(pages).toBeGreaterThan(5);
      writeFileSync(join(SCREENSHOTS, 'fund-report.pdf'), pdf);
      expect(statSync(join(SCREENSHOTS, 'fund-report.pdf')).size).toBeGreaterThan(50_000);
      expect(print.problems).toEqual([]);
    } finally {
      await print.page.close();
    }
  });
});
