import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it, type TestContext } from 'node:test';
import { chromium } from 'playwright-core';
import { generateReport } from '../../src/report/generate-report.js';
import { renderReportHtml } from '../../src/report/render-report-html.js';
import { tempDir } from '../helpers/temp-dir.js';
import { createTables, simulate, streamOnce, testConfig } from './simulated-lake.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Like requireTrino: under CI a missing browser fails the test; elsewhere the test is skipped with a note. */
function requireChromium(t: TestContext): boolean {
  if (existsSync(CHROMIUM)) return true;
  const message = `${CHROMIUM} is missing; install it with: apt-get install -y chromium`;
  if (process.env.CI) throw new Error(message);
  t.skip(message);
  return false;
}

describe('the HTML report in headless Chromium', () => {
  it('draws every chart from the inlined library, with the numbers beside it, and sends no request but the page', async (t) => {
    if (!requireChromium(t)) return;
    const dataDir = tempDir();
    const simulation = await simulate(dataDir, 7, 300, 42);
    await streamOnce(dataDir);
    await createTables(testConfig(dataDir));
    const report = await generateReport(testConfig(dataDir), simulation.firstDay);
    const page = join(dataDir, 'report.html');
    writeFileSync(page, renderReportHtml(report));
    const pageUrl = pathToFileURL(page).href;
    const screenshot = process.env.GAMEPIPE_REPORT_SCREENSHOT ?? join(dataDir, 'report.png');

    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    try {
      const tab = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const requests: string[] = [];
      await tab.route('**', (route) => {
        requests.push(route.request().url());
        return route.request().url() === pageUrl ? route.continue() : route.abort();
      });
      const errors: string[] = [];
      tab.on('pageerror', (error) => errors.push(error.message));
      tab.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
      await tab.goto(pageUrl, { waitUntil: 'load' });
      await tab.screenshot({ path: screenshot, fullPage: true });

      const charts = await tab.evaluate(() =>
        [...document.querySelectorAll('canvas')].map((canvas) => {
          const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
          let painted = 0;
          for (let i = 3; i < pixels.length; i += 4) if (pixels[i]! > 0) painted++;
          return {
            id: canvas.id,
            width: canvas.width,
            height: canvas.height,
            painted,
            numbers: canvas.closest('.row')?.querySelectorAll('.numbers td').length ?? 0,
          };
        }),
      );
      assert.deepEqual(errors, [], 'no script error');
      assert.deepEqual(requests, [pageUrl], 'no request leaves the page');
      assert.deepEqual(
        charts.map((c) => c.id),
        [
          'active-players',
          'new-players',
          'retention',
          'revenue-per-day',
          'arpdau',
          'revenue-by-item',
          'revenue-by-quality',
          'paying-players',
          'first-purchase-funnel',
          'guild-sizes',
          'guild-growth',
        ],
      );
      for (const chart of charts) {
        assert.ok(chart.width > 200 && chart.height > 200, `${chart.id} has a size`);
        assert.ok(chart.painted > 2000, `${chart.id} is drawn (${chart.painted} pixels painted)`);
        assert.ok(chart.numbers > 0, `${chart.id} has its numbers beside it`);
      }
      const text = await tab.textContent('body');
      assert.ok(
        text?.includes(report.summary.revenue.toLocaleString('en-US', { minimumFractionDigits: 2 })),
        'the revenue figure is on the page',
      );
    } finally {
      await browser.close();
    }
    assert.ok(existsSync(screenshot));
  });
});
