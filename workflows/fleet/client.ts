import type { Client } from '@temporalio/client';
import type { TemporalConfig } from '../../temporal.config';
import type { HealthReport, RetentionPolicy, RetentionReport } from './types';
import { fleetHealthCheckWorkflow, retentionWorkflow } from './workflows';

/**
 * Runs the health check on the fleet worker and waits for its report. Concurrent callers share one
 * run (same workflow id); `timeoutMs` bounds the wait when no worker polls the fleet task queue.
 */
export async function runFleetHealthCheck(client: Client, temporal: TemporalConfig, timeoutMs = 15_000): Promise<HealthReport> {
  const handle = await client.workflow.start(fleetHealthCheckWorkflow, {
    taskQueue: temporal.taskQueues.fleet,
    workflowId: `${temporal.taskQueues.fleet}-health-check`,
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowExecutionTimeout: timeoutMs,
  });
  return handle.result();
}

/** Runs retention now (outside its schedule) and waits for the counts. */
export async function runRetention(client: Client, temporal: TemporalConfig, policy: RetentionPolicy): Promise<RetentionReport> {
  return client.workflow.execute(retentionWorkflow, {
    taskQueue: temporal.taskQueues.fleet,
    workflowId: `${temporal.taskQueues.fleet}-retention-now`,
    workflowIdConflictPolicy: 'USE_EXISTING',
    args: [policy],
  });
}
