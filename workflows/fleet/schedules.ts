import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { ConfigError, type FleetConfig } from '../../infra/config/env';
import type { TemporalConfig } from '../../temporal.config';
import type { RetentionPolicy } from './types';
import { retentionWorkflow } from './workflows';

export const PARTITION_DAYS_AHEAD = 7;

export function retentionPolicyOf(config: FleetConfig): RetentionPolicy {
  return {
    telemetryDays: config.FLEET_RETENTION_TELEMETRY_DAYS,
    eventsDays: config.FLEET_RETENTION_EVENTS_DAYS,
    partitionDaysAhead: PARTITION_DAYS_AHEAD,
  };
}

/** One schedule per deployment (task queue prefix), so deployments sharing a namespace do not collide. */
export function retentionScheduleId(config: FleetConfig): string {
  return `${config.FLEET_TEMPORAL_TASK_QUEUE_PREFIX}-retention`;
}

/**
 * Creates the retention schedule, or brings an existing one in line with the current settings
 * (cron, retention days): the worker calls this at every start, so changing a setting and
 * restarting is all it takes.
 */
export async function ensureRetentionSchedule(client: Client, temporal: TemporalConfig, config: FleetConfig): Promise<'created' | 'updated'> {
  const scheduleId = retentionScheduleId(config);
  const definition = {
    spec: { cronExpressions: [config.FLEET_RETENTION_CRON] },
    action: {
      type: 'startWorkflow' as const,
      workflowType: retentionWorkflow,
      workflowId: scheduleId,
      taskQueue: temporal.taskQueues.fleet,
      args: [retentionPolicyOf(config)] as [RetentionPolicy],
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
  };
  try {
    try {
      await client.schedule.create({ scheduleId, ...definition });
      return 'created';
    } catch (err) {
      if (!(err instanceof ScheduleAlreadyRunning)) throw err;
      await client.schedule.getHandle(scheduleId).update((previous) => ({ ...previous, ...definition }));
      return 'updated';
    }
  } catch (err) {
    if (/cron/i.test((err as Error).message)) {
      throw new ConfigError(`FLEET_RETENTION_CRON=${JSON.stringify(config.FLEET_RETENTION_CRON)}: Temporal refused it (${(err as Error).message})`);
    }
    throw err;
  }
}
