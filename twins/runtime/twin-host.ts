import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { DeliverPolicy, jetstream, type ConsumerMessages, type JetStreamClient, type JsMsg } from '@nats-io/jetstream';
import { headers } from '@nats-io/nats-core';
import type { Logger } from '../../infra/log/logger';
import { deadLetterHeaders, STREAM_TELEMETRY, subjects } from '../bus/subjects';
import type { TwinTimings } from '../machines/vehicle-state';
import type { FleetDelta } from '../projection/fleet-view';
import { telemetrySchema } from '../telemetry/schema';
import { DeadlineWheel } from './deadline-wheel';
import { toPublished } from './twin-events';
import { VehicleTwinActor, type TwinEvent } from './vehicle-twin-actor';

export interface TwinHostOptions {
  hostId: string;
  partitions: number;
  /** The partitions this host applies telemetry for. */
  owned: number[];
  timings: TwinTimings;
  deltaIntervalMs?: number;
  fullEveryMs?: number;
}

export interface PartitionProgress {
  /** Stream sequence of the last telemetry message applied. */
  appliedSeq: number;
  /** Messages in the partition not yet delivered to this host. */
  pending: number;
}

export interface TwinHostStats {
  applied: number;
  late: number;
  duplicates: number;
  tooOld: number;
  invalid: number;
  events: number;
  eventPublishFailures: number;
}

const MAX_DELTA_BATCH = 1000;
const encoder = new TextEncoder();

/**
 * A twin-host process: consumes its partitions of TELEMETRY in stream order, keeps one vehicle
 * twin (vehicle actor + device actors) per vehicle, answers twin queries over request-reply,
 * publishes the twins' domain events to EVENTS and batched summaries for the fleet projection.
 */
export class TwinHost {
  readonly stats: TwinHostStats = { applied: 0, late: 0, duplicates: 0, tooOld: 0, invalid: 0, events: 0, eventPublishFailures: 0 };
  readonly progress = new Map<number, PartitionProgress>();
  private readonly twins = new Map<string, VehicleTwinActor>();
  private readonly wheel = new DeadlineWheel();
  private readonly changed = new Set<string>();
  private readonly js: JetStreamClient;
  private readonly consumers: ConsumerMessages[] = [];
  private readonly subscriptions: Subscription[] = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly inflight = new Set<Promise<unknown>>();
  private lastFullAt = 0;

  constructor(
    private readonly nc: NatsConnection,
    private readonly options: TwinHostOptions,
    private readonly log: Logger,
  ) {
    this.js = jetstream(nc);
  }

  async start(): Promise<void> {
    for (const partition of this.options.owned) {
      this.progress.set(partition, { appliedSeq: 0, pending: 0 });
      await this.consumePartition(partition);
      this.serveQueries(partition);
    }
    const every = this.options.deltaIntervalMs ?? 1000;
    this.timers.push(setInterval(() => this.onSecond(), every));
    this.log.info({ hostId: this.options.hostId, partitions: this.options.owned.length }, 'twin host started');
  }

  get twinCount(): number {
    return this.twins.size;
  }

  twin(vehicleId: string): VehicleTwinActor | undefined {
    return this.twins.get(vehicleId);
  }

  private async consumePartition(partition: number, fromSeq = 0): Promise<void> {
    const consumer = await this.js.consumers.get(STREAM_TELEMETRY, {
      filter_subjects: subjects.telemetryOfPartition(partition),
      ...(fromSeq > 0 ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: fromSeq } : { deliver_policy: DeliverPolicy.All }),
    });
    const messages = await consumer.consume({ max_messages: 1000 });
    this.consumers.push(messages);
    void (async () => {
      for await (const m of messages) this.onTelemetry(partition, m);
    })().catch((err: unknown) => this.log.error({ err, partition }, 'partition consumer stopped'));
  }

  private onTelemetry(partition: number, m: JsMsg): void {
    const progress = this.progress.get(partition)!;
    progress.appliedSeq = m.seq;
    progress.pending = m.info.pending;
    let body: unknown;
    try {
      body = m.json();
    } catch {
      body = undefined;
    }
    const parsed = telemetrySchema.safeParse(body);
    if (!parsed.success) {
      this.stats.invalid++;
      this.deadLetter(m, parsed.error.issues[0]?.message ?? 'not canonical telemetry');
      return;
    }
    const reading = parsed.data;
    let twin = this.twins.get(reading.vehicleId);
    if (!twin) {
      twin = VehicleTwinActor.create(reading.vehicleId, this.options.timings);
      this.twins.set(reading.vehicleId, twin);
    }
    const { verdict, events } = twin.apply(reading, Date.now());
    if (verdict === 'in_order') this.stats.applied++;
    else if (verdict === 'late') this.stats.late++;
    else if (verdict === 'duplicate') this.stats.duplicates++;
    else this.stats.tooOld++;
    if (verdict === 'in_order' || verdict === 'late') {
      this.changed.add(reading.vehicleId);
      this.wheel.schedule(reading.vehicleId, twin.nextDeadline());
    }
    this.publishEvents(events, `t${m.seq}`);
  }

  private deadLetter(m: JsMsg, detail: string): void {
    const h = headers();
    h.set(deadLetterHeaders.reason, 'invalid_record');
    h.set(deadLetterHeaders.detail, detail.replace(/[\r\n]+/g, ' ').slice(0, 500));
    h.set(deadLetterHeaders.stage, 'twin');
    h.set(deadLetterHeaders.receivedAt, String(Date.now()));
    this.track(this.js.publish(subjects.deadLetter('twin', 'invalid_record'), m.data, { headers: h }));
  }

  private publishEvents(events: TwinEvent[], cause: string): void {
    events.forEach((event, index) => {
      const body = toPublished(event, cause, index);
      this.stats.events++;
      this.track(
        this.js.publish(subjects.event(body.kind, body.vehicleId), encoder.encode(JSON.stringify(body)), { msgID: `${body.vehicleId}.${body.id}` }),
      );
    });
  }

  private track(publish: Promise<unknown>): void {
    this.inflight.add(publish);
    publish
      .catch((err: unknown) => {
        this.stats.eventPublishFailures++;
        this.log.warn({ err: (err as Error).message }, 'event publish failed');
      })
      .finally(() => this.inflight.delete(publish));
  }

  private serveQueries(partition: number): void {
    const sub = this.nc.subscribe(subjects.twinQueryOfPartition(partition), {
      callback: (err, msg) => {
        if (err) return;
        const vehicleId = msg.subject.split('.').pop() ?? '';
        const twin = this.twins.get(vehicleId);
        msg.respond(
          encoder.encode(
            JSON.stringify(twin ? { ok: true, hostId: this.options.hostId, twin: twin.view() } : { ok: false, error: `no twin for vehicle ${vehicleId}` }),
          ),
        );
      },
    });
    this.subscriptions.push(sub);
  }

  /** Once a second: tick the twins whose silence deadline passed, then publish the deltas. */
  private onSecond(): void {
    const now = Date.now();
    for (const vehicleId of this.wheel.takeDue(now)) {
      const twin = this.twins.get(vehicleId);
      if (!twin) continue;
      const events = twin.tick(now);
      if (events.length) this.changed.add(vehicleId);
      this.publishEvents(events, `k${now}`);
      this.wheel.schedule(vehicleId, twin.nextDeadline());
    }
    const full = now - this.lastFullAt >= (this.options.fullEveryMs ?? 5000);
    const ids = full ? [...this.twins.keys()] : [...this.changed];
    this.changed.clear();
    if (full) this.lastFullAt = now;
    for (let i = 0; i < ids.length || (full && i === 0); i += MAX_DELTA_BATCH) {
      const vehicles = ids.slice(i, i + MAX_DELTA_BATCH).map((id) => this.twins.get(id)!.summary());
      const delta: FleetDelta = { hostId: this.options.hostId, at: now, full, vehicles };
      this.nc.publish(subjects.fleetDeltas(this.options.hostId), encoder.encode(JSON.stringify(delta)));
    }
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    for (const c of this.consumers) await c.close();
    for (const s of this.subscriptions) s.unsubscribe();
    await Promise.allSettled([...this.inflight]);
    for (const twin of this.twins.values()) twin.stop();
  }
}
