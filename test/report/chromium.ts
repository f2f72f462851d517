import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM } from '../helpers/browser.ts';

// Browser globals inside page.evaluate callbacks (the project's tsconfig has no DOM lib).
declare const window: any;
declare const document: any;
declare function getComputedStyle(element: unknown): any;

/** A page of a report opened in headless chromium, with every problem it reported. */
export interface OpenReport {
  page: Page;
  /** Console errors, page errors, and any request that left file:// (all aborted). */
  problems: string[];
}

/** Launches Debian's chromium (installed by .ci/run), offline. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`chromium not found at ${CHROMIUM}: apt-get install -y chromium (.ci/run does this)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
}

/** Opens `htmlPath` at the given viewport; any network request is recorded as a problem and aborted. */
export async function openReport(browser: Browser, htmlPath: string, viewport: { width: number; height: number }): Promise<OpenReport> {
  const page = await browser.newPage({ viewport });
  const problems: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(msg.text());
  });
  page.on('pageerror', (err) => problems.push(err.message));
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:')) return route.continue();
    problems.push(`network request: ${url}`);
    return route.abort();
  });
  await page.goto(pathToFileURL(htmlPath).href, { waitUntil: 'load' });
  return { page, problems };
}

/** Per chart section: id, whether the runtime drew it, its drawn SVG's box and path count. */
export interface DrawnChart {
  id: string;
  interactive: boolean;
  left: number;
  right: number;
  width: number;
  height: number;
  top: number;
  bottom: number;
  sectionLeft: number;
  sectionRight: number;
  sectionTop: number;
  sectionBottom: number;
  paths: number;
  breakInside: string;
}

/** Measures every `section.chart` of the page. */
export async function drawnCharts(page: Page): Promise<DrawnChart[]> {
  return page.$$eval('section.chart', (sections) =>
    sections.map((s) => {
      const svg = s.querySelector('svg');
      const box = svg?.getBoundingClientRect();
      const outer = s.getBoundingClientRect();
      const drawn = svg ? (Array.from(svg.querySelectorAll('path')) as Array<{ getAttribute(name: string): string | null }>) : [];
      return {
        id: s.id,
        interactive: s.querySelector('.ec svg') !== null,
        left: box?.left ?? 0,
        right: box?.right ?? 0,
        width: box?.width ?? 0,
        height: box?.height ?? 0,
        top: box?.top ?? 0,
        bottom: box?.bottom ?? 0,
        sectionLeft: outer.left,
        sectionRight: outer.right,
        sectionTop: outer.top,
        sectionBottom: outer.bottom,
        paths: drawn.filter((p) => (p.getAttribute('d') ?? '').length > 10).length,
        breakInside: getComputedStyle(s as never).breakInside,
      };
    }),
  );
}

/**
 * Shows the tooltip of chart section `id` at x index `dataIndex` (echarts' own showTip action,
 * as a hover does) and returns its text.
 */
export async function tooltipText(page: Page, id: string, dataIndex: number): Promise<string> {
  return page.evaluate(
    async ([chartId, index]) => {
      const w = window as unknown as { capflowCharts: Array<{ getDom(): { closest(s: string): { id: string } | null }; dispatchAction(a: object): void }> };
      const chart = w.capflowCharts.find((c) => c.getDom().closest('section.chart')?.id === chartId);
      if (chart === undefined) return `no interactive chart ${chartId}`;
      chart.dispatchAction({ type: 'showTip', seriesIndex: 0, dataIndex: index });
      await new Promise((r) => setTimeout(r, 50));
      const tip = document.querySelector(`#${chartId} .cf-tooltip`) as { innerText: string } | null;
      const text = tip?.innerText ?? '';
      chart.dispatchAction({ type: 'hideTip' });
      return text;
    },
    [id, dataIndex] as const,
  );
}
