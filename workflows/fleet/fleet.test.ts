import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { NatsConnection } from '@nats-io/transport-node';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../infra/config/env';
import { migrate, readMigrations } from '../../infra/db/migrate';
import { createScratchDatabase, type ScratchDatabase } from '../../infra/db/scratch-database';
import { DAY_MS, partitionName, dayOf } from '../../infra/db/telemetry-partitions';
import { loadTemporalConfig, type TemporalConfig } from '../../temporal.config';
import { connectNats } from '../../twins/bus/connect';
import { STREAM_EVENTS, STREAM_TELEMETRY } from '../../twins/bus/subjects';
import { ensureStreamsForTest } from '../../twins/recorder/fixtures/test-streams';
import { EventWriter, TelemetryWriter } from '../../twins/recorder/writers';
import { readRecordedHistory } from '../testing/recorded-history';
import { startTestTemporal } from '../testing/temporal-env';
import { createActivities } from './activities';
import { runFleetHealthCheck } from './client';
import { ensureRetentionSchedule, retentionScheduleId } from './schedules';
import { fleetWorker } from './worker';
import { fleetHealthCheckWorkflow, retentionProgressQuery, retentionWorkflow } from './workflows';

const run = randomBytes(3).toString('hex');
const baseConfig = loadConfig();
const workflowsPath = fleetWorker.workflowsPath;

let env: TestWorkflowEnvironment;
let db: ScratchDatabase;
let nc: NatsConnection;
let removeStreams = async () => {};

/** Nothing listens on port 1: connecting there is refused at once. */
const CLOSED_PORT = 1;

/** Settings of a deployment of its own (task queue prefix) on the test's Temporal and database. */
function deployment(label: string, extra: Record<string, string> = {}) {
  const vars = {
    ...process.env,
    FLEET_TEMPORAL_ADDRESS: env.address,
    FLEET_TEMPORAL_NAMESPACE: env.namespace ?? 'default',
    FLEET_TEMPORAL_TASK_QUEUE_PREFIX: `test-${run}-${label}`,
    FLEET_DATABASE_URL: db.url,
    ...extra,
  };
  const config = loadConfig(vars);
  return { env: vars, config, temporal: loadTemporalConfig(config) };
}

function worker(temporal: TemporalConfig, activities = createActivities({ pool: db.pool, databaseUrl: db.url, natsUrl: baseConfig.FLEET_NATS_URL })) {
  return Worker.create({
    connection: env.nativeConnection,
    namespace: temporal.namespace,
    taskQueue: temporal.taskQueues.fleet,
    workflowsPath,
    activities,
  });
}

beforeAll(async () => {
  env = await startTestTemporal();
  db = await createScratchDatabase(baseConfig.FLEET_DATABASE_URL, 'workflows');
  await migrate(db.pool);
  nc = await connectNats(baseConfig.FLEET_NATS_URL, 'workflows-test');
  removeStreams = await ensureStreamsForTest(nc);
});

afterAll(async () => {
  await removeStreams();
  await nc?.close();
  await db?.drop();
  await env?.teardown();
});

describe('fleetHealthCheckWorkflow', () => {
  it('runs on a real Worker against the dev server and reports the streams and the applied migrations', async () => {
    const { temporal } = deployment('health');
    const w = await worker(temporal);
    const workflowId = `health-${run}`;
    const report = await w.runUntil(
      env.client.workflow.execute(fleetHealthCheckWorkflow, { taskQueue: temporal.taskQueues.fleet, workflowId }),
    );
    expect(report.ok).toBe(true);
    expect(report.nats).toMatchObject({ ok: true, jetstream: true });
    expect(report.nats.streams[STREAM_TELEMETRY]?.present).toBe(true);
    expect(report.nats.streams[STREAM_EVENTS]?.present).toBe(true);
    expect(report.postgres).toMatchObject({ ok: true, applied: (await readMigrations()).length, pending: [] });

    // The history this run just wrote replays against the same code without a determinism error.
    const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
    await Worker.runReplayHistory({ workflowsPath }, history, workflowId);
  });

  it('replays the recorded histories of earlier runs (health check and retention) without non-determinism', async () => {
    for (const name of ['fleet-health-check', 'retention']) {
      const history = await readRecordedHistory(fileURLToPath(new URL(`./histories/${name}.binpb`, import.meta.url)));
      await Worker.runReplayHistory({ workflowsPath }, history, name);
    }
  });

  it('reports an unreachable NATS and pending migrations as findings, not as a failed workflow', async () => {
    const fresh = await createScratchDatabase(baseConfig.FLEET_DATABASE_URL, 'unmigrated');
    try {
      const activities = createActivities({ pool: fresh.pool, databaseUrl: fresh.url, natsUrl: `nats://user:pw@127.0.0.1:${CLOSED_PORT}` });
      const nats = await activities.checkNats();
      expect(nats).toMatchObject({ ok: false, jetstream: false });
      expect(nats.servers).not.toContain('pw');
      expect(nats.error).toBeTruthy();
      const postgres = await activities.checkPostgres();
      expect(postgres).toMatchObject({ ok: false, applied: 0, error: 'migrations pending: run `fleet db migrate`' });
      expect(postgres.pending).toEqual((await readMigrations()).map((m) => m.file));
    } finally {
      await fresh.drop();
    }
  });
});

describe('retentionWorkflow', () => {
  it('deletes events and telemetry older than the policy, keeps the rest, and returns the counts', async () => {
    const now = Date.now();
    const streamCreatedAt = new Date();
    const event = (i: number, ageDays: number) => ({
      eventId: `e${i}`, vehicleId: `ret-${run}`, kind: 'motion', at: now - ageDays * DAY_MS, payload: '{}', streamSeq: i,
    });
    await new EventWriter(db.pool).write([event(1, 400), event(2, 400), event(3, 366), event(4, 10), event(5, 0)], { streamCreatedAt });
    const reading = (seq: number, ageDays: number) => ({
      vehicleId: `ret-${run}`, deviceId: `ret-${run}-d`, seq, deviceTime: now - ageDays * DAY_MS, receivedAt: now, record: '{}',
    });
    await new TelemetryWriter(db.pool).write([reading(1, 40), reading(2, 40), reading(3, 35), reading(4, 1), reading(5, 0)]);

    const { temporal } = deployment('retention');
    const w = await worker(temporal);
    const workflowId = `retention-${run}`;
    const report = await w.runUntil(async () => {
      const handle = await env.client.workflow.start(retentionWorkflow, {
        taskQueue: temporal.taskQueues.fleet,
        workflowId,
        args: [{ telemetryDays: 30, eventsDays: 365, partitionDaysAhead: 3 }],
      });
      const result = await handle.result();
      expect(await handle.query(retentionProgressQuery)).toEqual({ step: 'done', report: result });
      return result;
    });

    expect(report.eventsDeleted).toBe(3);
    expect(report.telemetryRowsDeleted).toBe(3);
    expect(report.telemetryPartitionsDropped.sort()).toEqual([partitionName(dayOf(now - 40 * DAY_MS)), partitionName(dayOf(now - 35 * DAY_MS))].sort());
    const { rows } = await db.pool.query(
      `SELECT (SELECT array_agg(event_id ORDER BY event_id) FROM events WHERE vehicle_id = $1) AS events,
              (SELECT array_agg(seq::int ORDER BY seq) FROM telemetry_history WHERE vehicle_id = $1) AS readings`,
      [`ret-${run}`],
    );
    expect(rows[0]).toEqual({ events: ['e4', 'e5'], readings: [4, 5] });
    // Today's partition existed (reading 5); the next three days' are made ready.
    const ahead = [1, 2, 3].map((d) => partitionName(dayOf(report.ranAt) + d));
    expect(report.telemetryPartitionsCreated).toEqual(ahead);
  });

  it('the retention schedule is created once and brought in line with changed settings on the next start', async () => {
    const first = deployment('schedule', { FLEET_RETENTION_CRON: '30 2 * * *', FLEET_RETENTION_TELEMETRY_DAYS: '30' });
    const scheduleId = retentionScheduleId(first.config);
    try {
      expect(await ensureRetentionSchedule(env.client, first.temporal, first.config)).toBe('created');
      const second = deployment('schedule', { FLEET_RETENTION_CRON: '15 4 * * *', FLEET_RETENTION_TELEMETRY_DAYS: '10' });
      expect(await ensureRetentionSchedule(env.client, second.temporal, second.config)).toBe('updated');
      const described = await env.client.schedule.getHandle(scheduleId).describe();
      expect(described.action).toMatchObject({ workflowType: 'retentionWorkflow', taskQueue: second.temporal.taskQueues.fleet });
      expect((described.action as { args: unknown[] }).args).toEqual([{ telemetryDays: 10, eventsDays: 365, partitionDaysAhead: 7 }]);
      expect(described.spec.calendars).toEqual([expect.objectContaining({ hour: [{ start: 4, end: 4, step: 1 }], minute: [{ start: 15, end: 15, step: 1 }] })]);
    } finally {
      await env.client.schedule.getHandle(scheduleId).delete().catch(() => {});
    }
  });
});

describe('fleet worker (the process)', () => {
  const fleetBin = fileURLToPath(new URL('../../bin/fleet.mjs', import.meta.url));

  it('polls the fleet task queue so a health check started by a client completes, and stops cleanly on SIGTERM', async () => {
    const { env: childEnv, config, temporal } = deployment('process', { FLEET_LOG_FORMAT: 'json' });
    const child = spawn(process.execPath, [fleetBin, 'worker'], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const report = await runFleetHealthCheck(env.client, temporal, 60_000);
      expect(report.ok).toBe(true);
      expect(output).toContain('workers polling');
    } finally {
      child.kill('SIGTERM');
      await env.client.schedule.getHandle(retentionScheduleId(config)).delete().catch(() => {});
    }
    expect(await exited).toBe(0);
    expect(output).toContain('"state":"STOPPED"');
  }, 90_000);

  it('an unreachable Temporal is one clear line naming the address and `fleet up`, exit code 1', async () => {
    const { env: childEnv } = deployment('unreachable', { FLEET_TEMPORAL_ADDRESS: `127.0.0.1:${CLOSED_PORT}` });
    const child = spawn(process.execPath, [fleetBin, 'worker'], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    expect(code).toBe(1);
    expect(stderr.trim()).toMatch(new RegExp(`^fleet worker: Temporal at 127\\.0\\.0\\.1:${CLOSED_PORT} \\(namespace .*\\) is unreachable \\(.*\\)\\. Start the local stack with \`fleet up\``));
  }, 30_000);
});
