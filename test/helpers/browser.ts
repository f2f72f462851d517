import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

/** Debian's chromium, installed by .ci/run when missing. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** What the page showed: console errors, and per chart its size and drawn-path count. */
export interface PageCheck {
  consoleErrors: string[];
  charts: Array<{ id: string; width: number; height: number; paths: number }>;
  title: string;
}

/**
 * Opens an HTML file in headless chromium, collects console errors and page errors, measures
 * every `section.chart` (its SVG's box and the non-empty paths drawn in it) and saves a
 * full-page screenshot.
 */
export async function checkPageInChromium(htmlPath: string, screenshotPath: string): Promise<PageCheck> {
  if (!existsSync(CHROMIUM)) throw new Error(`chromium not found at ${CHROMIUM}: apt-get install -y chromium (.ci/run does this)`);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const consoleErrors: string[] = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error') consoleErrors.push(msg.text());
    });
    page.on('pageerror', (err) => consoleErrors.push(err.message));
    page.on('requestfailed', (req) => consoleErrors.push(`request failed: ${req.url()}`));
    await page.goto(pathToFileURL(htmlPath).href, { waitUntil: 'load' });
    const charts = await page.$$eval('section.chart', (sections) =>
      sections.map((s) => {
        const svg = s.querySelector('svg');
        const box = svg?.getBoundingClientRect();
        const drawn = svg ? (Array.from(svg.querySelectorAll('path')) as Array<{ getAttribute(name: string): string | null }>) : [];
        const paths = drawn.filter((p) => (p.getAttribute('d') ?? '').length > 10).length;
        return { id: s.id, width: box?.width ?? 0, height: box?.height ?? 0, paths };
      }),
    );
    await page.screenshot({ path: screenshotPath, fullPage: true });
    return { consoleErrors, charts, title: await page.title() };
  } finally {
    await browser.close();
  }
}
