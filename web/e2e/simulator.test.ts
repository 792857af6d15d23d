import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLivePage, resultsDir, type LivePageSession } from './platform';

/**
 * QA's simulator page in a real browser: the page starts a real `fleet sim` (the web server's
 * child process) against the test run's broker, an ingress and a twin host carry its readings,
 * and the page shows the devices connected and the rates until it is stopped from the page.
 */
const run = Math.random().toString(36).slice(2, 8);
let session: LivePageSession;
let baseUrl: string;
let page: Page;
let pageProblems: string[];

beforeAll(async () => {
  session = await openLivePage(`web-sim-${run}`);
  ({ baseUrl, page, problems: pageProblems } = session);
}, 300_000);

afterAll(async () => {
  await session?.close();
});

/**
 * The page has hydrated once its first poll of /api/sim is on screen; typing before that is lost
 * (React resets the inputs, so the default 50 vehicles would start). The server-rendered page
 * already says "NATS unreachable" (no poll yet), so only the polled figure proves hydration.
 */
async function openSimPage(): Promise<void> {
  await page.goto(`${baseUrl}/sim`, { waitUntil: 'domcontentloaded' });
  await page.getByTestId('sim-rates').filter({ hasText: /simulator process/ }).waitFor({ timeout: 30_000 });
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
    pageProblems.length = 0; // the refused run above logged its 400
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
