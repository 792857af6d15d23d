import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../infra/config/env';
import { migrate } from '../../infra/db/migrate';
import { createScratchDatabase, type ScratchDatabase } from '../../infra/db/scratch-database';
import { loadTemporalConfig, type TemporalConfig } from '../../temporal.config';
import { connectNats } from '../../twins/bus/connect';
import { partitionOf, subjects } from '../../twins/bus/subjects';
import { ensureStreamsForTest } from '../../twins/recorder/fixtures/test-streams';
import { TwinHost } from '../../twins/runtime/twin-host';
import { readRecordedHistory } from '../testing/recorded-history';
import { startTestTemporal } from '../testing/temporal-env';
import { createActivities } from './activities';
import { approveWorkOrder, completeWorkOrder, listOpenWorkOrders, openWorkOrder, rejectWorkOrder, workOrderStatus, WorkOrderStateError } from './client';
import { bookSlot } from './depot-slots';
import { WorkOrderStarter } from './starter';
import type { WorkOrderPhase, WorkOrderPolicy, WorkOrderStatus, WorkOrderTrigger } from './types';
import { maintenanceWorker } from './worker';

const run = randomBytes(3).toString('hex');
const config = loadConfig();
const log = pino({ level: 'error' });
const workflowsPath = maintenanceWorker.workflowsPath;
/** Waits only for people: slots start at once, no SLA fires unless a test asks. */
const manual: WorkOrderPolicy = { autoApproveRisk: 1.01, slaMs: 3_600_000, slotLeadMs: 0 };

let env: TestWorkflowEnvironment;
let db: ScratchDatabase;
let nc: NatsConnection;
let host: TwinHost;
let temporal: TemporalConfig;
let worker: Worker;
let running: Promise<void>;
let removeStreams = async () => {};

const vehicle = (label: string) => `WO${run}${label}`;
const trigger = (id: string, risk: number, origin: WorkOrderTrigger['origin'] = 'service_due'): WorkOrderTrigger => ({
  origin, triggerId: id, reason: `test ${id}`, risk, at: Date.now(),
});

async function until<T>(probe: () => Promise<T | undefined | false>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
const inPhase = (workflowId: string, phase: WorkOrderPhase) =>
  until(async () => {
    const s = await workOrderStatus(env.client, workflowId);
    return s.phase === phase && s;
  }, `${workflowId} in ${phase}`);
async function twinMaintenance(vehicleId: string): Promise<string | undefined> {
  const reply = await nc.request(subjects.twinQuery(partitionOf(vehicleId, config.FLEET_PARTITIONS), vehicleId), undefined, { timeout: 2000 });
  return reply.json<{ twin?: { state: { maintenance: string } } }>().twin?.state.maintenance;
}
const twinIs = (vehicleId: string, state: string) => until(async () => (await twinMaintenance(vehicleId)) === state, `twin ${vehicleId} ${state}`);

beforeAll(async () => {
  env = await startTestTemporal();
  db = await createScratchDatabase(config.FLEET_DATABASE_URL, 'maintenance');
  await migrate(db.pool);
  await db.pool.query(`INSERT INTO depots (id, name, service_bays, service_slot_minutes) VALUES ('D1', 'Depot one', 1, 1)`);
  nc = await connectNats(config.FLEET_NATS_URL, 'maintenance-test');
  removeStreams = await ensureStreamsForTest(nc);
  host = new TwinHost(nc, { hostId: `wo-${run}`, partitions: config.FLEET_PARTITIONS, timings: { staleMs: 60_000, offlineMs: 300_000 } }, log);
  await host.start();
  await until(async () => host.partitionStatus().length === config.FLEET_PARTITIONS, 'the twin host to own every partition', 60_000);
  temporal = loadTemporalConfig(loadConfig({ ...process.env, FLEET_TEMPORAL_TASK_QUEUE_PREFIX: `test-${run}` }));
  worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: temporal.namespace,
    taskQueue: temporal.taskQueues.maintenance,
    workflowsPath,
    activities: createActivities({ pool: db.pool, nats: nc, partitions: config.FLEET_PARTITIONS }),
  });
  running = worker.run();
}, 180_000);

afterAll(async () => {
  worker?.shutdown();
  await running;
  await host?.stop();
  await removeStreams();
  await nc?.close();
  await db?.drop();
  await env?.teardown();
});

describe('work-order starter', () => {
  it('a critical DTC event opens exactly one order; a second event signals the same one; a flapping code is not re-signalled', async () => {
    const starter = new WorkOrderStarter(nc, db.pool, env.client, temporal, {
      durable: `wo-starter-${run}`, intervals: { km: 30_000, engineHours: 500, days: 365 }, policy: manual, partitions: config.FLEET_PARTITIONS, calendarSweepMs: 3_600_000,
    }, log);
    await starter.start();
    try {
      const v = vehicle('dtc');
      const js = jetstream(nc);
      const dtc = (id: string, raised: string[]) =>
        js.publish(subjects.event('dtc', v), JSON.stringify({ id, kind: 'dtc', vehicleId: v, deviceId: `${v}-obd`, raised, cleared: [], at: Date.now() }));
      await dtc('t1.0', ['P0217']);
      // A warning-level code opens nothing; a broken event goes to the dead letters.
      await dtc('t2.0', ['P0133']);
      await js.publish(subjects.event('dtc', v), JSON.stringify({ kind: 'dtc', vehicleId: v }));
      await dtc('t3.0', ['P1299', 'P0217']);
      // The first code flapping back moments later adds nothing.
      await dtc('t4.0', ['P0217']);
      const workflowId = `wo-${v}-cooling`;
      const status = await until(async () => {
        const s = await workOrderStatus(env.client, workflowId);
        return s.triggers.length === 2 && s;
      }, 'both DTC triggers on one order');
      expect(status.triggers.map((t) => t.reason)).toEqual(['critical DTC P0217', 'critical DTC P1299, P0217']);
      expect(status).toMatchObject({ phase: 'awaiting_approval', risk: 0.9, priority: 1 });
      await until(async () => starter.stats.deadLettered === 1 && starter.stats.debounced === 1, 'the broken event dead-lettered and the flap dropped');
      expect((await workOrderStatus(env.client, workflowId)).triggers).toHaveLength(2);

      const open = await until(async () => {
        const orders = await listOpenWorkOrders(env.client, temporal, { vehicleId: v });
        return orders.length === 1 && orders;
      }, 'the order listed');
      expect(open[0]).toMatchObject({ workflowId, component: 'cooling', phase: 'awaiting_approval', origin: 'dtc', reason: 'critical DTC P0217', escalated: false });
      // The record is written by an activity that may still be running when the order is listed.
      const recorded = async () => (await db.pool.query('SELECT count(*)::int AS n FROM work_orders WHERE vehicle_id = $1', [v])).rows[0].n as number;
      await until(async () => (await recorded()) > 0, 'the order recorded');
      expect(await recorded()).toBe(1);
      await rejectWorkOrder(env.client, workflowId, { by: 'test', reason: 'done with it' });
      await twinIs(v, 'none');
    } finally {
      await starter.stop();
    }
  });

  it('a vehicle past its service interval gets a service order, once per due service', async () => {
    const starter = new WorkOrderStarter(nc, db.pool, env.client, temporal, {
      durable: `wo-starter-due-${run}`, intervals: { km: 1000, engineHours: 500, days: 365 }, policy: manual, partitions: config.FLEET_PARTITIONS, calendarSweepMs: 3_600_000,
    }, log);
    const v = vehicle('due');
    await db.pool.query(`INSERT INTO vehicles (id, depot_id, created_at) VALUES ($1, 'D1', now() - interval '400 days')`, [v]);
    expect(await starter.checkService(v)).toMatchObject({ component: 'service', trigger: { origin: 'service_due', reason: expect.stringContaining('400 days since joining the fleet') } });
    expect(await starter.sweepCalendar()).toBeGreaterThanOrEqual(1);
    expect(await starter.sweepCalendar()).toBeGreaterThanOrEqual(1);
    const status = await until(async () => {
      const s = await workOrderStatus(env.client, `wo-${v}-service`);
      return s.recordId !== null && s;
    }, 'the service order');
    expect(status.triggers).toHaveLength(1);
    await rejectWorkOrder(env.client, `wo-${v}-service`, { by: 'test', reason: 'not now' });
  });

  it("a trip ending past the mileage interval (the twin's odometer) opens a service order, and a predictive alert opens its own", async () => {
    const starter = new WorkOrderStarter(nc, db.pool, env.client, temporal, {
      durable: `wo-starter-trip-${run}`, intervals: { km: 1000, engineHours: 500, days: 365 }, policy: manual, partitions: config.FLEET_PARTITIONS, calendarSweepMs: 3_600_000,
    }, log);
    await starter.start();
    try {
      const v = vehicle('trip');
      const js = jetstream(nc);
      const now = Date.now();
      await js.publish(subjects.telemetry(partitionOf(v, config.FLEET_PARTITIONS)), JSON.stringify({
        v: 1, vehicleId: v, deviceId: `${v}-obd`, deviceKind: 'obd', format: 'json', seq: 1, deviceTime: now, receivedAt: now, engine: { odometerKm: 1500, engineHours: 20 },
      }));
      await until(async () => {
        const reply = await nc.request(subjects.twinQuery(partitionOf(v, config.FLEET_PARTITIONS), v), undefined, { timeout: 2000 });
        return reply.json<{ twin?: { context: { odometerKm: number } } }>().twin?.context.odometerKm === 1500;
      }, 'the twin to read the odometer');
      await js.publish(subjects.event('motion', v), JSON.stringify({ id: 'm1', kind: 'motion', vehicleId: v, from: 'driving', to: 'parked', at: now }));
      await js.publish(subjects.event('predictive_alert', v), JSON.stringify({ id: 'p1', kind: 'predictive_alert', vehicleId: v, at: now, component: 'brakes', risk: 0.6, modelVersion: 'rf-1' }));
      const service = await until(async () => {
        const st = await workOrderStatus(env.client, `wo-${v}-service`);
        return st.recordId !== null && st;
      }, 'the service order');
      expect(service.triggers[0]!.reason).toBe('service due: 1500 km since last service (interval 1000 km)');
      const brakes = await until(async () => {
        const st = await workOrderStatus(env.client, `wo-${v}-brakes`);
        return st.recordId !== null && st;
      }, 'the predicted brakes order');
      expect(brakes.triggers[0]).toMatchObject({ origin: 'predictive', risk: 0.6, details: { modelVersion: 'rf-1' } });
      for (const c of ['service', 'brakes']) await rejectWorkOrder(env.client, `wo-${v}-${c}`, { by: 'test', reason: 'test over' });
    } finally {
      await starter.stop();
    }
  }, 60_000);
});

describe('maintenanceWorkOrder', () => {
  it('approval → slot → in service → outcome recorded → twin back in service', async () => {
    const v = vehicle('flow');
    await db.pool.query(`INSERT INTO vehicles (id, depot_id) VALUES ($1, 'D1')`, [v]);
    const { workflowId } = await openWorkOrder(env.client, temporal, { vehicleId: v, component: 'service', trigger: trigger('s1', 0.3), policy: manual });
    await inPhase(workflowId, 'awaiting_approval');
    await twinIs(v, 'due');
    await expect(completeWorkOrder(env.client, workflowId, { outcome: 'fixed', technician: 'tech-1' })).rejects.toThrow(WorkOrderStateError);

    await approveWorkOrder(env.client, workflowId, { by: 'planner-1' });
    const inService = await inPhase(workflowId, 'in_service');
    expect(inService.slot).toMatchObject({ depotId: 'D1' });
    expect(inService.slot!.endsAt - inService.slot!.startsAt).toBe(60_000);
    await twinIs(v, 'in_service');

    await completeWorkOrder(env.client, workflowId, { outcome: 'fixed', technician: 'tech-1', notes: 'oil and filters' });
    const done: WorkOrderStatus = await env.client.workflow.getHandle(workflowId).result();
    expect(done).toMatchObject({ phase: 'closed', approval: { by: 'planner-1', auto: false }, completion: { outcome: 'fixed', technician: 'tech-1' } });
    await twinIs(v, 'none');

    const { rows } = await db.pool.query(
      `SELECT o.status, o.approved_by, o.depot_id, o.closed_at IS NOT NULL AS closed, x.outcome, x.technician, x.notes,
              (SELECT count(*)::int FROM vehicle_services s WHERE s.vehicle_id = o.vehicle_id) AS services,
              (SELECT released_at IS NOT NULL FROM service_bookings b WHERE b.booking_key = o.workflow_id || '/' || o.run_id) AS released,
              (SELECT array_agg(action ORDER BY id) FROM audit_log a WHERE a.subject = 'work_orders/' || o.id) AS audit
       FROM work_orders o JOIN work_order_outcomes x ON x.work_order_id = o.id WHERE o.workflow_id = $1`,
      [workflowId],
    );
    expect(rows).toEqual([{
      status: 'closed', approved_by: 'planner-1', depot_id: 'D1', closed: true, outcome: 'fixed', technician: 'tech-1', notes: 'oil and filters',
      services: 1, released: true,
      audit: ['work_order.awaiting_approval', 'work_order.scheduling', 'work_order.scheduled', 'work_order.in_service', 'work_order.outcome', 'work_order.closed'],
    }]);
    await expect(approveWorkOrder(env.client, workflowId, { by: 'late' })).rejects.toThrow(/already closed/);

    // The history this run wrote replays against the same code without a determinism error.
    await Worker.runReplayHistory({ workflowsPath }, await env.client.workflow.getHandle(workflowId).fetchHistory(), workflowId);
  }, 60_000);

  it('an order left waiting past its SLA is escalated: recorded, and visible as FleetEscalated', async () => {
    const v = vehicle('sla');
    const { workflowId } = await openWorkOrder(env.client, temporal, { vehicleId: v, component: 'brakes', trigger: trigger('b1', 0.5, 'predictive'), policy: { ...manual, slaMs: 1500 } });
    const escalated = await until(async () => {
      const s = await workOrderStatus(env.client, workflowId);
      return s.escalations.length >= 2 && s;
    }, 'two escalations');
    expect(escalated.escalations[0]).toMatchObject({ level: 1, phase: 'awaiting_approval' });
    expect(escalated.escalations[0]!.waitedMs).toBeGreaterThanOrEqual(1500);
    expect(escalated.escalations[1]!.waitedMs).toBeGreaterThanOrEqual(3000);
    // The workflow counts an escalation before its recording activity commits, so the rows follow.
    const rows = await until(async () => {
      const { rows: recorded } = await db.pool.query(
        `SELECT e.level, e.phase FROM work_order_escalations e JOIN work_orders o ON o.id = e.work_order_id WHERE o.workflow_id = $1 ORDER BY level LIMIT 2`,
        [workflowId],
      );
      return recorded.length >= 2 && recorded;
    }, 'two escalations recorded');
    expect(rows).toEqual([{ level: 1, phase: 'awaiting_approval' }, { level: 2, phase: 'awaiting_approval' }]);
    await until(async () => (await listOpenWorkOrders(env.client, temporal, { escalated: true })).some((o) => o.workflowId === workflowId), 'listed as escalated');
    await rejectWorkOrder(env.client, workflowId, { by: 'test', reason: 'done' });
    expect((await env.client.workflow.getHandle(workflowId).result()).phase).toBe('rejected');
  }, 60_000);

  it('an order at or above the auto-approval risk is approved without a person and booked', async () => {
    const v = vehicle('auto');
    const { workflowId } = await openWorkOrder(env.client, temporal, { vehicleId: v, component: 'cooling', trigger: trigger('c1', 0.6, 'dtc'), policy: { ...manual, autoApproveRisk: 0.8 } });
    await inPhase(workflowId, 'awaiting_approval');
    // A stronger trigger on the open order crosses the threshold.
    await openWorkOrder(env.client, temporal, { vehicleId: v, component: 'cooling', trigger: trigger('c2', 0.85, 'dtc'), policy: { ...manual, autoApproveRisk: 0.8 } });
    const s = await until(async () => {
      const st = await workOrderStatus(env.client, workflowId);
      return st.slot !== null && st;
    }, 'the auto-approved order booked');
    expect(s.approval).toMatchObject({ by: 'auto', auto: true });
    expect(s.risk).toBe(0.85);
    await twinIs(v, 'in_service');
    await completeWorkOrder(env.client, workflowId, { outcome: 'not_found', technician: 'tech-2' });
    expect((await env.client.workflow.getHandle(workflowId).result()).completion?.outcome).toBe('not_found');
  }, 60_000);

  it('replays the recorded histories of earlier runs without non-determinism', async () => {
    for (const name of ['work-order-fixed', 'work-order-escalated']) {
      const history = await readRecordedHistory(fileURLToPath(new URL(`./histories/${name}.binpb`, import.meta.url)));
      await Worker.runReplayHistory({ workflowsPath }, history, name);
    }
  });
});

describe('twin command on the owning host', () => {
  it('a malformed command is refused with the reason; a valid one sets the state of a twin not seen before', async () => {
    const v = vehicle('cmd');
    const ask = async (body: unknown) =>
      (await nc.request(subjects.twinCommand(partitionOf(v, config.FLEET_PARTITIONS), v), JSON.stringify(body), { timeout: 3000 })).json<Record<string, unknown>>();
    expect(await ask({ type: 'maintenance', state: 'repairing', workOrderId: null })).toMatchObject({ ok: false, error: expect.stringContaining('invalid twin command') });
    expect(await ask({ type: 'maintenance', state: 'scheduled', workOrderId: 'wo-x-brakes' })).toMatchObject({
      ok: true, vehicleId: v, maintenance: { state: 'scheduled', workOrderId: 'wo-x-brakes' },
    });
    expect(await twinMaintenance(v)).toBe('scheduled');
  });
});

describe('depot slots', () => {
  it('a depot never gets more vehicles than bays in a slot, and a retried booking keeps its slot', async () => {
    await db.pool.query(`INSERT INTO depots (id, name, service_bays, service_slot_minutes) VALUES ('D2', 'Two bays', 2, 60)`);
    const v = vehicle('slots');
    await db.pool.query(`INSERT INTO vehicles (id, depot_id) VALUES ($1, 'D2')`, [v]);
    const t = Date.UTC(2030, 0, 1, 8);
    const booked = await Promise.all([1, 2, 3].map((i) => bookSlot(db.pool, { bookingKey: `k${run}-${i}`, vehicleId: v, notBefore: t })));
    const starts = booked.map((b) => b.startsAt - t).sort((a, b) => a - b);
    expect(starts).toEqual([0, 0, 3_600_000]);
    expect(booked.every((b) => b.depotId === 'D2')).toBe(true);
    expect(await bookSlot(db.pool, { bookingKey: `k${run}-1`, vehicleId: v, notBefore: t + 999 })).toEqual(booked[0]);
  });
});
