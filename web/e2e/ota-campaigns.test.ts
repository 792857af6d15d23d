import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rolloutProgress } from '../../workflows/ota/client';
import { fillOperator, openWorkflowPage, repoRoot, resultsDir, startWorkflowPlatform, type WorkflowPageSession, type WorkflowPlatform } from './platform';

/**
 * An OTA campaign started from the page, end to end: `fleet pki init` and `fleet ota publish`
 * sign real firmware, `fleet sim --register` puts a parked fleet in the registry and on MQTT
 * (its devices trust the fleet root), the ingress carries commands and downloads, `fleet worker`
 * runs the rollout, and the page shows it wave by wave.
 */
const VEHICLES = 4;
const run = Math.random().toString(36).slice(2, 8);
const region = `e2e-${run}`;
const manifestId = `fw-e2e-${run}`;
/** Ids apart from the other browser tests' fleets: twins outlive a test file in the run's NATS. */
const firstVehicle = 600_000 + Math.floor(Math.random() * 300_000);
const dataDir = mkdtempSync(path.join(tmpdir(), 'web-ota-'));
let platform: WorkflowPlatform;
let client: Client;
let session: WorkflowPageSession | undefined;
let page: Page;
let pageProblems: string[] = [];

function fleet(args: string[]): string {
  return execFileSync(process.execPath, ['bin/fleet.mjs', ...args], { cwd: repoRoot, env: { ...process.env, ...platform.env }, encoding: 'utf8' });
}

beforeAll(async () => {
  platform = await startWorkflowPlatform('web-ota', { FLEET_DATA_DIR: dataDir });
  fleet(['pki', 'init']);
  const image = path.join(dataDir, 'fw.bin');
  writeFileSync(image, `FT-GPS 9.1.0 e2e `.repeat(200));
  fleet(['ota', 'publish', image, '--version', '9.1.0', '--models', 'FT-GPS', '--id', manifestId]);
  platform.start('ingress', ['ingress', '--instance', `web-ota-${run}`, '--connections', '1']);
  // Parked all day (first shifts a day away), so the maintenance window lets every van update;
  // JSON trackers only (campaigns leave binary Teltonika trackers out), so every van is a target.
  platform.start('sim', ['sim', '--vehicles', String(VEHICLES), '--seed', `web-ota-${run}`, '--first-vehicle', String(firstVehicle), '--register', '--region', region, '--shift-start-within', '86400', '--teltonika-share', '0', '--duration', '900', '--ota-failure-rate', '0', '--ota-rollback-rate', '0']);
  session = await openWorkflowPage({ width: 1440, height: 1000 });
  ({ client, page, problems: pageProblems } = session);
}, 300_000);

afterAll(async () => {
  await session?.close();
  await platform?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the OTA campaigns page', { timeout: 360_000 }, () => {
  it('an OTA campaign started from the page shows its progress by wave, and a pause sent from it reaches its workflow', async () => {
    await page.goto(`${platform.baseUrl}/ota`, { waitUntil: 'domcontentloaded' });
    await fillOperator(page, 'ana-e2e');
    await page.getByTestId('new-campaign').click();
    const form = page.getByTestId('campaign-form');
    await form.getByTestId('manifest').locator(`option[value="${manifestId}"]`).waitFor({ state: 'attached', timeout: 20_000 });
    await form.getByTestId('manifest').selectOption(manifestId);
    await form.getByTestId('models').fill('FT-GPS');
    await form.getByTestId('regions').fill(region);
    await form.getByTestId('waves').fill('50, 100');

    // The sim registers its fleet as it starts; the rollout needs the devices in the registry.
    await expect
      .poll(async () => (await platform.db.pool.query(`SELECT count(*)::int AS n FROM devices WHERE hardware_model = 'FT-GPS'`)).rows[0].n, { timeout: 60_000 })
      .toBe(VEHICLES);
    // ... and their twins parked and online, or the window check puts the batch off for minutes.
    const parked = async () => {
      const { vehicles } = (await (await fetch(`${platform.baseUrl}/api/fleet`)).json()) as { vehicles: Array<{ motion: string; connectivity: string }> };
      return vehicles.filter((v) => v.motion === 'parked' && v.connectivity === 'online').length;
    };
    await expect.poll(parked, { timeout: 60_000, interval: 500 }).toBe(VEHICLES);
    await form.getByTestId('start-campaign').click();

    const detail = page.getByTestId('campaign-detail');
    await detail.waitFor({ timeout: 15_000 });
    const campaignId = (await detail.locator('h2 code').textContent())!;
    expect(await detail.getByTestId('temporal-link').getAttribute('href')).toMatch(
      new RegExp(`^http://127\\.0\\.0\\.1:${process.env.FLEET_TEMPORAL_UI_PORT}/namespaces/default/workflows/ota-${campaignId}$`),
    );
    // Two waves of two devices each; the first wave's devices are offered and update.
    await expect.poll(() => detail.getByTestId('wave-row').count(), { timeout: 30_000 }).toBe(2);
    await detail.locator('[data-testid="campaign-status"]', { hasText: 'running' }).waitFor({ timeout: 60_000 });
    await detail.getByText(/[1-9] updating now/).waitFor({ timeout: 60_000 });
    await page.screenshot({ path: path.join(resultsDir, 'web-ota-running.png') });
    const progress = await rolloutProgress(client, campaignId);
    expect(progress).toMatchObject({ status: 'running', version: '9.1.0', totalDevices: VEHICLES, withoutOta: 0, currentWave: 0 });
    expect(progress.inFlight).toBeGreaterThan(0);

    // Pause from the page reaches the workflow: it holds before its next batch (running ones finish;
    // the simulated updates take ~45 s a device, so the rollout's end is left to workflows/ota/ota.test.ts).
    await detail.getByTestId('pause').click();
    await expect.poll(async () => (await rolloutProgress(client, campaignId)).reason, { timeout: 20_000 }).toBe('paused by ana-e2e');
    await detail.getByText('(paused by ana-e2e)').waitFor({ timeout: 10_000 });
    // The list shows it too, once visibility caught up.
    await page.locator(`[data-testid="campaign-row"][data-id="${campaignId}"]`).waitFor({ timeout: 20_000 });
    expect(pageProblems).toEqual([]);
  });

  it('a campaign the API refuses shows the reason in the form', async () => {
    await page.getByTestId('new-campaign').click();
    const form = page.getByTestId('campaign-form');
    await form.getByTestId('manifest').selectOption(manifestId);
    await form.getByTestId('models').fill('FT-GPS');
    await form.getByTestId('waves').fill('50, 10');
    await form.getByTestId('start-campaign').click();
    const error = form.getByTestId('campaign-form-error');
    await error.waitFor({ timeout: 10_000 });
    expect(await error.textContent()).toMatch(/waves/);
  });
});

describe('the KPI and simulator pages on the same platform', { timeout: 120_000 }, () => {
  it('the KPI page shows every KPI beside its target for the registered fleet', async () => {
    await page.goto(`${platform.baseUrl}/kpis`, { waitUntil: 'domcontentloaded' });
    const kpis = page.getByTestId('kpis');
    await kpis.waitFor({ timeout: 30_000 });
    for (const kpi of ['uptime', 'otaSuccess', 'safetyScore', 'idleShare', 'fuelPer100Km']) {
      expect(await page.getByTestId(`kpi-${kpi}`).textContent()).toMatch(/target/);
    }
    expect(await page.getByTestId('kpi-uptime').textContent()).toContain('> 95 %');
    await page.screenshot({ path: path.join(resultsDir, 'web-kpis.png') });
  });

  it('the simulator page counts the running simulator and the twin hosts applying its readings', async () => {
    await page.goto(`${platform.baseUrl}/sim`, { waitUntil: 'domcontentloaded' });
    const rates = page.getByTestId('sim-rates');
    await rates.filter({ hasText: '1 simulator process' }).waitFor({ timeout: 30_000 });
    await expect.poll(async () => (await rates.textContent()) ?? '', { timeout: 30_000 }).toMatch(new RegExp(`${VEHICLES * 4} / ${VEHICLES * 4}`));
    await page.screenshot({ path: path.join(resultsDir, 'web-sim.png') });
  });
});

describe('the what-if page on the same platform', { timeout: 240_000 }, () => {
  it('runs the baseline against a changed policy through the worker and charts every KPI with its interval', async () => {
    await page.goto(`${platform.baseUrl}/whatif`, { waitUntil: 'domcontentloaded' });
    await page.getByTestId('whatif-base').waitFor({ timeout: 30_000 });
    await page.getByTestId('whatif-base').selectOption('baseline.yaml');
    await page.getByTestId('whatif-name').fill('predictive, 1 day');
    await page.getByTestId('whatif-policy').selectOption('predictive');
    // The variation as a file of its own, extending the base with only what changed.
    const saved = page.getByTestId('whatif-save-variant');
    expect(await saved.getAttribute('download')).toBe('predictive-1-day.yaml');
    expect(decodeURIComponent((await saved.getAttribute('href'))!.split(',').slice(1).join(','))).toBe(
      'extends: baseline.yaml\nname: predictive, 1 day\nmaintenance:\n  policy: predictive\n',
    );
    // A planner's month takes minutes; a day of the same fleet keeps the test short.
    await page.getByTestId('whatif-horizon').fill('1');
    await page.getByTestId('whatif-seeds').fill('2');
    await page.getByTestId('whatif-run').click();
    const result = page.getByTestId('whatif-result');
    await result.waitFor({ timeout: 200_000 });
    expect(await result.textContent()).toContain('predictive, 1 day');
    expect(await page.getByTestId('whatif-kpi-uptimePct').textContent()).toMatch(/change [+-]?\d/);
    expect(await page.getByTestId('whatif-kpi-uptimePct').locator('rect').count()).toBe(2);
    const csv = await page.request.get(new URL((await page.getByTestId('whatif-csv').getAttribute('href'))!, platform.baseUrl).href);
    expect(csv.headers()['content-type']).toMatch(/^text\/csv/);
    expect(await csv.text()).toContain('predictive, 1 day');
    await page.screenshot({ path: path.join(resultsDir, 'web-whatif.png'), fullPage: true });
    expect(pageProblems).toEqual([]);
  });

  it('shows why a run is refused instead of starting it', async () => {
    await page.getByTestId('whatif-seeds').fill('1');
    await page.getByTestId('whatif-run').click();
    expect(await page.getByTestId('whatif-error').textContent({ timeout: 10_000 })).toMatch(/seeds/);
  });

  it('cancels a month-long run from the page once it is under way', async () => {
    await page.getByTestId('whatif-horizon').fill('30');
    await page.getByTestId('whatif-seeds').fill('2');
    await page.getByTestId('whatif-run').click();
    // Progress comes from the activity's heartbeat: the seeds are at work.
    await page.getByTestId('whatif-progress').getByText(/% ·/).waitFor({ timeout: 60_000 });
    await page.getByTestId('whatif-cancel').click();
    await page.getByTestId('whatif-cancelled').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('whatif-run').isEnabled()).toBe(true);
    expect(pageProblems).toEqual([]);
  });
});
