import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebBuild, launchChromium, resultsDir, startFleet, startWebApp, type PlatformProcess } from './platform';

/**
 * QA's simulator page in a real browser: the page starts a real `fleet sim` (the web server's
 * child process) against the test run's broker, an ingress and a twin host carry its readings,
 * and the page shows the devices connected and the rates until it is stopped from the page.
 */
const run = Math.random().toString(36).slice(2, 8);
const processes: PlatformProcess[] = [];
let baseUrl: string;
let browser: Browser;
let page: Page;
const pageProblems: string[] = [];

beforeAll(async () => {
  ensureWebBuild();
  processes.push(startFleet('web-e2e-sim-twin-host', ['twin-host', '--host-id', `web-sim-${run}`], { FLEET_METRICS_PORT: '0' }));
  processes.push(startFleet('web-e2e-sim-ingress', ['ingress', '--instance', `web-sim-${run}`, '--connections', '1']));
  const web = await startWebApp();
  processes.push(web.app);
  baseUrl = web.baseUrl;
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on('pageerror', (err) => pageProblems.push(err.message));
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all(processes.map((p) => p.stop()));
});

/** The page has hydrated once its first poll of /api/sim is on screen; typing before that is lost. */
async function openSimPage(): Promise<void> {
  await page.goto(`${baseUrl}/sim`, { waitUntil: 'domcontentloaded' });
  await page.getByTestId('sim-rates').filter({ hasText: /simulator process|NATS unreachable/ }).waitFor({ timeout: 30_000 });
}

describe('the simulator page', { timeout: 120_000 }, () => {
  it('refuses a run with a bad vehicle count and says why; nothing starts', async () => {
    await openSimPage();
    await page.getByTestId('sim-vehicles').fill('0');
    await page.getByTestId('sim-start').click();
    await expect.poll(() => page.getByTestId('sim-error').textContent(), { timeout: 10_000 }).toMatch(/vehicles/);
    expect(await page.getByTestId('sim-stop').isDisabled()).toBe(true);
  });

  it('a run started from the page connects its devices, shows readings per second, and stops from the page', async () => {
    await openSimPage();
    await page.getByTestId('sim-vehicles').fill('2');
    await page.getByTestId('sim-start').click();
    await page.getByTestId('sim-run').filter({ hasText: 'running' }).waitFor({ timeout: 15_000 });
    const rates = page.getByTestId('sim-rates');
    // 2 vehicles × 4 devices, each its own MQTT connection.
    await rates.filter({ hasText: '8 / 8' }).waitFor({ timeout: 60_000 });
    await expect.poll(async () => Number((await rates.locator('.kpi-value').nth(1).textContent())?.replace(/[^\d.]/g, '') || 0), { timeout: 30_000 }).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(resultsDir, 'web-simulator.png') });
    await page.getByTestId('sim-stop').click();
    await page.getByTestId('sim-run').filter({ hasText: 'ended' }).waitFor({ timeout: 30_000 });
    expect(pageProblems).toEqual([]);
  });
});
