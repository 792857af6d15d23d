import { defineQuery, proxyActivities, setHandler } from '@temporalio/workflow';
// Only the type: activity code never enters the workflow bundle.
import type { FleetActivities } from './activities';
import type { HealthReport, RetentionPolicy, RetentionProgress, RetentionReport } from './types';

const DAY_MS = 86_400_000;

const checks = proxyActivities<FleetActivities>({
  startToCloseTimeout: '20 seconds',
  retry: { initialInterval: '1 second', maximumAttempts: 3 },
});

/** Retention deletes may take long on a big backlog; heartbeats tell a slow one from a dead one. */
const cleanup = proxyActivities<FleetActivities>({
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '30 seconds', backoffCoefficient: 2, maximumAttempts: 5 },
});

export const retentionProgressQuery = defineQuery<RetentionProgress>('retentionProgress');

/** Is the platform's plumbing in place? NATS with its streams, PostgreSQL with its schema. */
export async function fleetHealthCheckWorkflow(): Promise<HealthReport> {
  const [nats, postgres] = await Promise.all([checks.checkNats(), checks.checkPostgres()]);
  return { ok: nats.ok && postgres.ok, checkedAt: Date.now(), nats, postgres };
}

/**
 * Deletes records older than the policy: whole telemetry partitions, then events; then makes sure
 * the coming days' partitions exist. Run by the retention schedule (workflows/fleet/schedules.ts).
 */
export async function retentionWorkflow(policy: RetentionPolicy): Promise<RetentionReport> {
  const ranAt = Date.now();
  const report: Partial<RetentionReport> = {
    ranAt,
    telemetryCutoff: ranAt - policy.telemetryDays * DAY_MS,
    eventsCutoff: ranAt - policy.eventsDays * DAY_MS,
  };
  let progress: RetentionProgress = { step: 'telemetry', report };
  setHandler(retentionProgressQuery, () => progress);

  const telemetry = await cleanup.expireTelemetryBefore(report.telemetryCutoff!);
  report.telemetryPartitionsDropped = telemetry.partitions;
  report.telemetryRowsDeleted = telemetry.rows;
  progress = { step: 'events', report };

  report.eventsDeleted = await cleanup.deleteEventsBefore(report.eventsCutoff!);
  progress = { step: 'partitions', report };

  report.telemetryPartitionsCreated = await checks.createTelemetryPartitionsAhead(ranAt, policy.partitionDaysAhead);
  const done = report as RetentionReport;
  progress = { step: 'done', report: done };
  return done;
}
