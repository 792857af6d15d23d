import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../infra/config/env';
import { migrate } from '../../infra/db/migrate';
import { createScratchDatabase, type ScratchDatabase } from '../../infra/db/scratch-database';
import { loadTemporalConfig, type TemporalConfig } from '../../temporal.config';
import { EventWriter, TelemetryWriter } from '../../twins/recorder/writers';
import { defaultRolloutPolicy } from '../ota/types';
import { readRecordedHistory } from '../testing/recorded-history';
import { startTestTemporal } from '../testing/temporal-env';
import { createActivities } from './activities';
import { decideFollowOn, pilotReport, pilotStatus, PilotRequestError, startPilot, stopPilot } from './client';
import { matchControls } from './matching';
import type { PilotStatus } from './types';
import { welchDifference } from './welch';
import { pilotWorker } from './worker';

const run = randomBytes(3).toString('hex');
const config = loadConfig();

let env: TestWorkflowEnvironment;
let db: ScratchDatabase;
let temporal: TemporalConfig;
let worker: Worker;
let running: Promise<void>;

const cohort = ['C1', 'C2', 'C3', 'C4'].map((v) => `${v}${run}`);
const others = ['K1', 'K2', 'K3', 'K4', 'K5', 'K6'].map((v) => `${v}${run}`);

/**
 * What the vehicles "did" during the pilot, written as the recorder writes it: OBD readings every
 * 100 ms (1 km and, for the cohort, half the fuel per reading), motion events and OTA reports.
 */
async function seedPilotData(t0: number): Promise<void> {
  const readings = [];
  const events = [];
  for (const [i, v] of [...cohort, ...others].entries()) {
    const isCohort = cohort.includes(v);
    const fuelPerReading = (isCohort ? 0.1 : 0.2) + (i % 3) * 0.01;
    for (let k = 0; k < 40; k++) {
      const at = t0 + 1000 + k * 100;
      const record = { engine: { odometerKm: 10_000 + i * 100 + k, fuelLevelPct: 90 - k * fuelPerReading } };
      readings.push({ vehicleId: v, deviceId: `${v}-obd`, seq: k + 1, deviceTime: at, receivedAt: at, record: JSON.stringify(record) });
    }
    const ota = { ota: { version: '2.0.0', state: isCohort || i % 2 === 0 ? 'done' : 'failed' } };
    readings.push({ vehicleId: v, deviceId: `${v}-gps`, seq: 1, deviceTime: t0 + 3000, receivedAt: t0 + 3000, record: JSON.stringify(ota) });
    // Idle from t0+1000 to the switch, then driving: the cohort idles 1 s, the control 2 s.
    const idleUntil = t0 + 1000 + (isCohort ? 1000 : 2000) + (i % 2) * 100;
    events.push({ eventId: `m1-${v}`, vehicleId: v, kind: 'motion', at: t0 + 1000, payload: JSON.stringify({ to: 'idle' }), streamSeq: events.length + 1 });
    events.push({ eventId: `m2-${v}`, vehicleId: v, kind: 'motion', at: idleUntil, payload: JSON.stringify({ to: 'driving' }), streamSeq: events.length + 1 });
    events.push({ eventId: `m3-${v}`, vehicleId: v, kind: 'motion', at: t0 + 5000, payload: JSON.stringify({ to: 'parked' }), streamSeq: events.length + 1 });
  }
  await new TelemetryWriter(db.pool).write(readings);
  await new EventWriter(db.pool).write(events, { streamCreatedAt: new Date(t0) });
}

async function until<T>(probe: () => Promise<T | undefined | false>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

beforeAll(async () => {
  env = await startTestTemporal();
  db = await createScratchDatabase(config.FLEET_DATABASE_URL, 'pilot');
  await migrate(db.pool);
  await db.pool.query(`INSERT INTO depots (id, name) VALUES ('DA', 'A'), ('DB', 'B')`);
  // Cohort: model X at depot A; the fleet offers exact and near matches to choose from.
  const registry: Array<[string, string, string]> = [
    ...cohort.map((v): [string, string, string] => [v, 'X', 'DA']),
    [others[0]!, 'X', 'DA'], [others[1]!, 'X', 'DA'], [others[2]!, 'X', 'DB'], [others[3]!, 'X', 'DA'], [others[4]!, 'Y', 'DA'], [others[5]!, 'Y', 'DB'],
  ];
  for (const [id, model, depot] of registry) await db.pool.query('INSERT INTO vehicles (id, model, depot_id) VALUES ($1, $2, $3)', [id, model, depot]);
  temporal = loadTemporalConfig(loadConfig({ ...process.env, FLEET_TEMPORAL_TASK_QUEUE_PREFIX: `test-${run}` }));
  worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: temporal.namespace,
    taskQueue: temporal.taskQueues.pilot,
    workflowsPath: pilotWorker.workflowsPath,
    activities: createActivities({ pool: db.pool }),
  });
  running = worker.run();
}, 180_000);

afterAll(async () => {
  worker?.shutdown();
  await running;
  await db?.drop();
  await env?.teardown();
});

describe('pilotProgram', () => {
  it('a pilot with a short duration produces snapshots and a report with Welch intervals', async () => {
    const { pilotId, workflowId } = await startPilot(env.client, temporal, { name: 'eco driving coaching', cohort, durationMs: 6000, snapshotEveryMs: 2000 });
    // The pilot measures from when its workflow started: the data goes in that window.
    await seedPilotData(await until(async () => (await pilotStatus(env.client, pilotId)).startedAt, 'the pilot to start'));
    await expect(pilotReport(env.client, pilotId)).rejects.toThrow(PilotRequestError);
    const done: PilotStatus = await env.client.workflow.getHandle(workflowId).result();

    expect(done.phase).toBe('done');
    expect(done.control).toHaveLength(4);
    expect(done.matches.filter((m) => m.sameModel && m.sameDepot)).toHaveLength(3);
    expect(done.snapshots.map((s) => s.seq)).toEqual([1, 2, 3]);
    expect(done.snapshots[2]!.cohort.fuelPer100Km.n).toBe(4);

    const report = await pilotReport(env.client, pilotId);
    const byKpi = Object.fromEntries(report.differences.map((d) => [d.kpi, d]));
    // Half the fuel per km: about 10 % of a tank per 100 km against about 20 %.
    expect(byKpi.fuelPer100Km!.difference).toBeCloseTo(-10, 0);
    expect(byKpi.fuelPer100Km!.significant).toBe(true);
    expect(byKpi.fuelPer100Km!.ci95![1]).toBeLessThan(0);
    expect(byKpi.idleShare!.difference).toBeLessThan(0);
    expect(byKpi.otaSuccess!.cohort.mean).toBe(1);
    expect(byKpi.uptime!.cohort.mean).toBeGreaterThan(0);

    const { rows } = await db.pool.query(
      `SELECT p.status, p.report IS NOT NULL AS reported, (SELECT count(*)::int FROM pilot_kpi_snapshots s WHERE s.pilot_id = p.id) AS snapshots
       FROM pilot_programs p WHERE p.id = $1`,
      [pilotId],
    );
    expect(rows).toEqual([{ status: 'done', reported: true, snapshots: 3 }]);
    // The history this run wrote replays against the same code without a determinism error.
    await Worker.runReplayHistory({ workflowsPath: pilotWorker.workflowsPath }, await env.client.workflow.getHandle(workflowId).fetchHistory(), workflowId);
  }, 90_000);

  it('the follow-on OTA rollout starts as a child workflow only after approval', async () => {
    const campaignId = `pilot-follow-${run}`;
    const { pilotId, workflowId } = await startPilot(env.client, temporal, {
      name: 'firmware 2.0 pilot', cohort, durationMs: 1500, snapshotEveryMs: 1500,
      followOn: { campaignId, manifestId: 'fw-2.0.0', target: { hardwareModels: ['FT-GPS'] }, policy: defaultRolloutPolicy, createdBy: 'planner' },
    });
    await until(async () => (await pilotStatus(env.client, pilotId)).phase === 'awaiting_follow_on', 'the follow-on decision point');
    await decideFollowOn(env.client, pilotId, { by: 'fleet-manager', approve: true });
    const done: PilotStatus = await env.client.workflow.getHandle(workflowId).result();
    expect(done.followOn).toMatchObject({ workflowId: `ota-${campaignId}`, decision: { by: 'fleet-manager', approve: true } });
    const child = env.client.workflow.getHandle(`ota-${campaignId}`);
    const described = await child.describe();
    expect(described.type).toBe('otaRollout');
    expect(described.taskQueue).toBe(temporal.taskQueues.ota);
    expect(described.parentExecution?.workflowId).toBe(workflowId);
    // No OTA worker polls in this test: the rollout waits for one; end it here.
    await child.terminate('test over');
  }, 60_000);

  it('a pilot stopped early reports over what was measured, without waiting out its duration', async () => {
    const { pilotId, workflowId } = await startPilot(env.client, temporal, { name: 'stopped', cohort, durationMs: 3_600_000, snapshotEveryMs: 600_000 });
    await until(async () => (await pilotStatus(env.client, pilotId)).phase === 'running', 'the pilot to run');
    await stopPilot(env.client, pilotId, { by: 'analyst', reason: 'enough data' });
    const done: PilotStatus = await env.client.workflow.getHandle(workflowId).result();
    expect(done).toMatchObject({ phase: 'done', stoppedEarly: { by: 'analyst', reason: 'enough data' }, snapshots: [] });
    expect(done.endsAt).toBe(done.stoppedEarly!.at);
    expect(done.report).toMatchObject({ from: done.startedAt, to: done.endsAt, cohortSize: 4, controlSize: 4 });
    await expect(stopPilot(env.client, pilotId, { by: 'analyst', reason: 'again' })).rejects.toThrow(/stopped measuring already/);
  }, 60_000);

  it('replays the recorded histories of earlier runs without non-determinism', async () => {
    for (const name of ['pilot-report', 'pilot-follow-on']) {
      const history = await readRecordedHistory(fileURLToPath(new URL(`./histories/${name}.binpb`, import.meta.url)));
      await Worker.runReplayHistory({ workflowsPath: pilotWorker.workflowsPath }, history, name);
    }
  }, 60_000);

  it('a cohort with a duplicate or too few vehicles, or too many snapshots, is refused before anything starts', async () => {
    await expect(startPilot(env.client, temporal, { name: 'x', cohort: [cohort[0]!], durationMs: 5000, snapshotEveryMs: 1000 })).rejects.toThrow(/cohort: a cohort needs at least 2/);
    await expect(startPilot(env.client, temporal, { name: 'x', cohort: [cohort[0]!, cohort[0]!], durationMs: 5000, snapshotEveryMs: 1000 })).rejects.toThrow(/listed twice/);
    await expect(startPilot(env.client, temporal, { name: 'x', cohort, durationMs: 5000, snapshotEveryMs: 9000 })).rejects.toThrow(/snapshotEveryMs/);
    await expect(startPilot(env.client, temporal, { name: 'x', cohort, durationMs: 12 * 7 * 86_400_000, snapshotEveryMs: 60_000 })).rejects.toThrow(/at most 500 snapshots/);
  });
});

describe('control matching and intervals', () => {
  it('matches the same model and depot first, then the nearest mileage, never reusing a vehicle', () => {
    const v = (id: string, model: string, depotId: string, odometerKm: number) => ({ id, model, depotId, odometerKm });
    const matches = matchControls(
      [v('a', 'X', 'D1', 1000), v('b', 'X', 'D1', 5000)],
      [v('a', 'X', 'D1', 1000), v('b', 'X', 'D1', 5000), v('p', 'X', 'D1', 4000), v('q', 'X', 'D2', 1000), v('r', 'Y', 'D1', 1000), v('s', 'X', 'D1', 900)],
    );
    expect(matches).toEqual([
      { cohort: 'a', control: 's', sameModel: true, sameDepot: true, mileageGapKm: 100 },
      { cohort: 'b', control: 'p', sameModel: true, sameDepot: true, mileageGapKm: 1000 },
    ]);
  });

  it("Welch's interval matches the textbook values, and no interval is claimed from one vehicle", () => {
    const d = welchDifference('uptime', [1, 2, 3, 4], [2, 3, 4, 5, 6]);
    expect(d.difference).toBe(-1.5);
    expect(d.cohort).toMatchObject({ n: 4, mean: 2.5 });
    expect(d.ci95![0]).toBeCloseTo(-3.765, 3);
    expect(d.ci95![1]).toBeCloseTo(0.765, 3);
    expect(d.significant).toBe(false);
    expect(welchDifference('uptime', [1, null], [2, 3])).toMatchObject({ difference: -1.5, ci95: null, significant: false });
  });
});
