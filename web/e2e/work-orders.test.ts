import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTemporalConfig, type TemporalConfig } from '../../temporal.config';
import { openWorkOrder, workOrderStatus } from '../../workflows/maintenance/client';
import type { WorkOrderStatus } from '../../workflows/maintenance/types';
import { fillOperator, openWorkflowPage, resultsDir, startWorkflowPlatform, type WorkflowPageSession, type WorkflowPlatform } from './platform';

/**
 * The work-order queue in a real browser: orders are real maintenanceWorkOrder workflows run by
 * `fleet worker` on the test run's Temporal, the twin host keeps the vehicles' maintenance state,
 * and the page's buttons are the only thing that moves the orders on.
 */
const run = Math.random().toString(36).slice(2, 8);
let platform: WorkflowPlatform;
let temporal: TemporalConfig;
let client: Client;
let baseUrl: string;
let session: WorkflowPageSession | undefined;
let page: Page;
let pageProblems: string[] = [];

beforeAll(async () => {
  platform = await startWorkflowPlatform('web-wo');
  await platform.db.pool.query(`INSERT INTO depots (id, name, service_bays, service_slot_minutes) VALUES ('D-E2E', 'e2e depot', 2, 30)`);
  baseUrl = platform.baseUrl;
  temporal = loadTemporalConfig();
  session = await openWorkflowPage({ width: 1440, height: 900 });
  ({ client, page, problems: pageProblems } = session);
}, 300_000);

afterAll(async () => {
  await session?.close();
  await platform?.stop();
});

async function openOrder(vehicleId: string): Promise<string> {
  const { workflowId } = await openWorkOrder(client, temporal, {
    vehicleId,
    component: 'cooling',
    trigger: { origin: 'dtc', triggerId: `e2e-${vehicleId}`, reason: 'P0217 engine over temperature', risk: 0.6, at: Date.now() },
    // Only a person approves; the slot may start at once, so the order reaches the workshop in seconds.
    policy: { autoApproveRisk: 1.01, slaMs: 3_600_000, slotLeadMs: 0 },
  });
  return workflowId;
}

async function phaseOf(workflowId: string): Promise<WorkOrderStatus['phase'] | undefined> {
  return (await workOrderStatus(client, workflowId).catch(() => undefined))?.phase;
}

describe('the work-order queue', { timeout: 120_000 }, () => {
  it('a work order approved in the page advances its workflow, and its outcome closes it', async () => {
    const workflowId = await openOrder(`WOE${run}`);
    await page.goto(`${baseUrl}/workorders`, { waitUntil: 'domcontentloaded' });
    await fillOperator(page, 'ana-e2e');
    const row = page.locator(`[data-testid="workorder-row"][data-id="${workflowId}"]`);
    await row.waitFor({ timeout: 30_000 }); // visibility catches up within a second or two
    expect(await row.getAttribute('data-phase')).toBe('awaiting_approval');

    await row.getByTestId('approve').click();
    await expect.poll(() => phaseOf(workflowId), { timeout: 30_000, interval: 300 }).toMatch(/^(scheduled|in_service)$/);
    const status = await workOrderStatus(client, workflowId);
    expect(status.approval).toMatchObject({ by: 'ana-e2e', auto: false });
    expect(status.slot?.depotId).toBe('D-E2E');
    // The page follows the workflow: the row leaves "awaiting_approval" and offers the outcome.
    await row.getByTestId('complete').waitFor({ timeout: 15_000 });
    await row.locator('button[title="show the order\'s status"]').click();
    await page.getByTestId('workorder-detail').getByText('by ana-e2e', { exact: false }).waitFor({ timeout: 10_000 });
    await page.screenshot({ path: path.join(resultsDir, 'web-workorders-approved.png') });

    await expect.poll(() => phaseOf(workflowId), { timeout: 30_000, interval: 300 }).toBe('in_service');
    await row.getByTestId('outcome').selectOption('not_found');
    await row.getByTestId('technician').fill('T17');
    await row.getByTestId('complete').click();
    await expect.poll(() => phaseOf(workflowId), { timeout: 30_000, interval: 300 }).toBe('closed');
    expect((await workOrderStatus(client, workflowId)).completion).toMatchObject({ outcome: 'not_found', technician: 'T17' });
    await row.waitFor({ state: 'detached', timeout: 15_000 });
    expect(pageProblems).toEqual([]);
  });

  it('a refused action shows its reason in the row instead of breaking the page', async () => {
    const workflowId = await openOrder(`WOF${run}`);
    await page.goto(`${baseUrl}/workorders`, { waitUntil: 'domcontentloaded' });
    const row = page.locator(`[data-testid="workorder-row"][data-id="${workflowId}"]`);
    await row.waitFor({ timeout: 30_000 });
    await row.getByTestId('reject').click(); // no reason given
    const error = row.getByTestId('action-error');
    await error.waitFor({ timeout: 10_000 });
    expect(await error.textContent()).toMatch(/reason/);
    expect(await phaseOf(workflowId)).toBe('awaiting_approval');
  });
});
