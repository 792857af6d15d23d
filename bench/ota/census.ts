import type { Client } from '@temporalio/client';
import type pg from 'pg';
import { rolloutWorkflowId } from '../../workflows/ota/client';

/** How a campaign's workflows sat in Temporal: each run of the rollout and every batch child. */
export interface WorkflowCensus {
  rolloutRuns: number;
  /** Longest history of any run of the rollout (continue-as-new keeps each run short). */
  rolloutHistoryMax: number;
  batches: number;
  batchHistoryMax: number;
}

export async function workflowCensus(client: Client, campaignId: string): Promise<WorkflowCensus> {
  const census: WorkflowCensus = { rolloutRuns: 0, rolloutHistoryMax: 0, batches: 0, batchHistoryMax: 0 };
  for await (const run of client.workflow.list({ query: `WorkflowId = '${rolloutWorkflowId(campaignId)}'` })) {
    census.rolloutRuns++;
    census.rolloutHistoryMax = Math.max(census.rolloutHistoryMax, run.historyLength);
  }
  for await (const batch of client.workflow.list({ query: `WorkflowType = 'otaBatch'` })) {
    if (!batch.workflowId.startsWith(`${rolloutWorkflowId(campaignId)}-`)) continue;
    census.batches++;
    census.batchHistoryMax = Math.max(census.batchHistoryMax, batch.historyLength);
  }
  return census;
}

/** Devices the registry (PostgreSQL) now records on `version`, and the campaign's per-device outcomes. */
export async function registryCensus(pool: pg.Pool, campaignId: string, version: string): Promise<{ onVersion: number; outcomes: Record<string, number> }> {
  const onVersion = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM devices WHERE firmware = $1`, [version]);
  const outcomes = await pool.query<{ state: string; n: string }>('SELECT state, count(*) AS n FROM ota_campaign_devices WHERE campaign_id = $1 GROUP BY state', [campaignId]);
  return { onVersion: Number(onVersion.rows[0]?.n ?? 0), outcomes: Object.fromEntries(outcomes.rows.map((r) => [r.state, Number(r.n)])) };
}
