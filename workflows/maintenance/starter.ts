import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type ConsumerMessages, type JetStreamClient, type JsMsg } from '@nats-io/jetstream';
import { headers, nanos } from '@nats-io/nats-core';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Client } from '@temporalio/client';
import type pg from 'pg';
import type { z } from 'zod';
import type { Logger } from '../../infra/log/logger';
import type { TemporalConfig } from '../../temporal.config';
import { ensureStreams } from '../../twins/bus/connect';
import { deadLetterHeaders, STREAM_EVENTS, subjects } from '../../twins/bus/subjects';
import { twinReadings } from './activities';
import { openWorkOrder, workOrderPolicyOf } from './client';
import {
  dtcEventSchema,
  motionEventSchema,
  orderFromPredictiveAlert,
  ordersFromDtcEvent,
  PREDICTIVE_ALERT_KIND,
  predictiveAlertSchema,
  serviceDue,
  type OrderRequest,
  type ServiceIntervals,
} from './triggers';
import { workOrderId, type WorkOrderPolicy } from './types';
import type { BesideService, WorkerResources } from '../domains';

export interface WorkOrderStarterOptions {
  /** Durable consumer name; starters with the same name share the events. */
  durable: string;
  intervals: ServiceIntervals;
  policy: WorkOrderPolicy;
  partitions: number;
  /** How often every registered vehicle is checked for a service due by calendar. */
  calendarSweepMs: number;
}

export interface WorkOrderStarterStats {
  events: number;
  ordersSignalled: number;
  /** Triggers not signalled because the same order got one as strong moments ago (a flapping code). */
  debounced: number;
  serviceChecks: number;
  deadLettered: number;
  failures: number;
}

const RETRY_MS = 2_000;
/**
 * A flapping trouble code raises a new event every time it comes back; signalling each would grow
 * the order's history without end. The same reason is signalled once per order per this window,
 * unless with a higher risk; a new reason (other codes) always gets through.
 */
const DEBOUNCE_MS = 15 * 60_000;
const DEBOUNCE_MAX_KEYS = 100_000;
const ACK_WAIT_MS = 30_000;
const CALENDAR_SWEEP_MS = 3_600_000;

/**
 * Opens work orders from the twins' domain events: a durable consumer on EVENTS turns critical
 * DTCs, predictive alerts and trip ends (a service-due check against the twin's odometer and
 * engine hours) into signalWithStart of maintenanceWorkOrder. A message is acked only once
 * Temporal has the signal, so a crash means redelivery, and the workflow drops repeated triggers.
 * A periodic sweep catches services due by calendar on vehicles that do not drive.
 */
export class WorkOrderStarter {
  readonly stats: WorkOrderStarterStats = { events: 0, ordersSignalled: 0, serviceChecks: 0, deadLettered: 0, failures: 0, debounced: 0 };
  private readonly js: JetStreamClient;
  private messages: ConsumerMessages | null = null;
  private loop: Promise<void> | null = null;
  private sweepTimer: NodeJS.Timeout | null = null;
  /** Last trigger signalled per order (workflow id) and reason, oldest first. */
  private readonly recent = new Map<string, { at: number; risk: number }>();
  private stopped = false;

  constructor(
    private readonly nc: NatsConnection,
    private readonly pool: pg.Pool,
    private readonly client: Client,
    private readonly temporal: TemporalConfig,
    private readonly options: WorkOrderStarterOptions,
    private readonly log: Logger,
  ) {
    this.js = jetstream(nc);
  }

  async start(): Promise<void> {
    await ensureStreams(this.nc);
    const jsm = await jetstreamManager(this.nc);
    try {
      await jsm.consumers.info(STREAM_EVENTS, this.options.durable);
    } catch (err) {
      if (!/consumer not found/i.test((err as Error).message)) throw err;
      // A new starter acts on what happens from now on, not on a week of old alarms.
      await jsm.consumers.add(STREAM_EVENTS, {
        durable_name: this.options.durable,
        filter_subject: subjects.eventsAll,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.New,
        ack_wait: nanos(ACK_WAIT_MS),
      });
    }
    this.loop = this.run();
    this.sweepTimer = setInterval(() => void this.sweepCalendar().catch((err: unknown) => this.log.warn({ err }, 'calendar sweep failed')), this.options.calendarSweepMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    await this.messages?.close();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        const consumer = await this.js.consumers.get(STREAM_EVENTS, this.options.durable);
        this.messages = await consumer.consume({ max_messages: 100 });
        for await (const m of this.messages) {
          await this.handle(m);
          if (this.stopped) break;
        }
      } catch (err) {
        if (this.stopped) break;
        this.log.warn({ err: (err as Error).message }, 'work-order starter paused; retrying');
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
    }
  }

  private async handle(m: JsMsg): Promise<void> {
    this.stats.events++;
    const kind = m.subject.split('.')[1];
    if (kind !== 'dtc' && kind !== 'motion' && kind !== PREDICTIVE_ALERT_KIND) {
      m.ack();
      return;
    }
    let body: unknown;
    try {
      body = m.json();
    } catch {
      body = undefined;
    }
    let orders: OrderRequest[];
    try {
      orders = await this.ordersOf(kind, body);
    } catch (err) {
      if (err instanceof InvalidEvent) {
        await this.deadLetter(m, err.message);
        m.ack();
        return;
      }
      this.fail(m, err);
      return;
    }
    try {
      for (const order of orders) await this.open(order);
      m.ack();
    } catch (err) {
      this.fail(m, err);
    }
  }

  private async ordersOf(kind: string, body: unknown): Promise<OrderRequest[]> {
    if (kind === 'dtc') return ordersFromDtcEvent(parse(dtcEventSchema, body));
    if (kind === PREDICTIVE_ALERT_KIND) return [orderFromPredictiveAlert(parse(predictiveAlertSchema, body))];
    const motion = parse(motionEventSchema, body);
    // A trip has ended: the moment to look at the odometer and engine hours.
    if (motion.to !== 'parked') return [];
    const due = await this.checkService(motion.vehicleId);
    return due ? [due] : [];
  }

  /** Is the vehicle due a service by km, engine hours or calendar? Reads its twin and its last service. */
  async checkService(vehicleId: string, now = Date.now()): Promise<OrderRequest | null> {
    this.stats.serviceChecks++;
    const [readings, history] = await Promise.all([
      twinReadings({ nats: this.nc, partitions: this.options.partitions }, vehicleId),
      this.pool.query<{ last_at: Date | null; last_km: number | null; last_hours: number | null; since: Date | null }>(
        `SELECT s.serviced_at AS last_at, s.odometer_km AS last_km, s.engine_hours AS last_hours, v.created_at AS since
         FROM (SELECT $1::text AS id) q
         LEFT JOIN vehicle_services s ON s.vehicle_id = q.id
         LEFT JOIN vehicles v ON v.id = q.id`,
        [vehicleId],
      ),
    ]);
    const row = history.rows[0];
    return serviceDue(
      vehicleId,
      {
        ...readings,
        last: row?.last_at ? { at: row.last_at.getTime(), odometerKm: row.last_km, engineHours: row.last_hours } : null,
        since: row?.since?.getTime() ?? null,
      },
      this.options.intervals,
      now,
    );
  }

  /** Every registered vehicle whose calendar interval has run out since its last service (or since it joined). */
  async sweepCalendar(now = Date.now()): Promise<number> {
    const { rows } = await this.pool.query<{ id: string }>(
      `SELECT v.id FROM vehicles v LEFT JOIN vehicle_services s ON s.vehicle_id = v.id
       WHERE COALESCE(s.serviced_at, v.created_at) <= to_timestamp($1 / 1000.0) - make_interval(secs => $2 * 86400)`,
      [now, this.options.intervals.days],
    );
    let opened = 0;
    for (const { id } of rows) {
      const due = await this.checkService(id, now);
      if (due) {
        await this.open(due);
        opened++;
      }
    }
    return opened;
  }

  private async open(order: OrderRequest): Promise<void> {
    const key = `${workOrderId(order.vehicleId, order.component)} ${order.trigger.reason}`;
    const now = Date.now();
    const last = this.recent.get(key);
    if (last && now - last.at < DEBOUNCE_MS && order.trigger.risk <= last.risk) {
      this.stats.debounced++;
      return;
    }
    await openWorkOrder(this.client, this.temporal, { ...order, policy: this.options.policy });
    this.recent.delete(key);
    this.recent.set(key, { at: now, risk: order.trigger.risk });
    if (this.recent.size > DEBOUNCE_MAX_KEYS) this.recent.delete(this.recent.keys().next().value!);
    this.stats.ordersSignalled++;
    this.log.info({ vehicleId: order.vehicleId, component: order.component, origin: order.trigger.origin, reason: order.trigger.reason }, 'work order signalled');
  }

  private fail(m: JsMsg, err: unknown): void {
    this.stats.failures++;
    this.log.warn({ err: (err as Error).message, subject: m.subject }, 'event not turned into a work order yet; it will be redelivered');
    m.nak(RETRY_MS);
  }

  private async deadLetter(m: JsMsg, detail: string): Promise<void> {
    const h = headers();
    h.set(deadLetterHeaders.reason, 'invalid_event');
    h.set(deadLetterHeaders.detail, `${m.subject} #${m.seq}: ${detail}`.replace(/[^\x20-\x7e]+/g, ' ').slice(0, 500));
    h.set(deadLetterHeaders.stage, 'workorders');
    h.set(deadLetterHeaders.receivedAt, String(Date.now()));
    await this.js.publish(subjects.deadLetter('workorders', 'invalid_event'), m.data, { headers: h });
    this.stats.deadLettered++;
    this.log.warn({ subject: m.subject, detail }, 'event dead-lettered');
  }
}

/** The worker process's starter (workflows/domains.ts startBeside), with the thresholds of the settings. */
export async function startWorkOrderStarter(
  resources: WorkerResources & { client: Client; temporal: TemporalConfig; log: Logger },
): Promise<BesideService> {
  const { config } = resources;
  const starter = new WorkOrderStarter(resources.nats, resources.pool, resources.client, resources.temporal, {
    durable: `${config.FLEET_TEMPORAL_TASK_QUEUE_PREFIX}-workorder-starter`,
    intervals: { km: config.FLEET_SERVICE_INTERVAL_KM, engineHours: config.FLEET_SERVICE_INTERVAL_ENGINE_HOURS, days: config.FLEET_SERVICE_INTERVAL_DAYS },
    policy: workOrderPolicyOf(config),
    partitions: config.FLEET_PARTITIONS,
    calendarSweepMs: CALENDAR_SWEEP_MS,
  }, resources.log.child({ part: 'workorder-starter' }));
  await starter.start();
  resources.log.info({ durable: `${config.FLEET_TEMPORAL_TASK_QUEUE_PREFIX}-workorder-starter` }, 'work-order starter consuming EVENTS');
  return { name: 'workorder-starter', stats: () => starter.stats, stop: () => starter.stop() };
}

class InvalidEvent extends Error {}

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new InvalidEvent(issue ? `${issue.path.join('.') || 'event'}: ${issue.message}` : 'not an event');
}
