import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import type { ZodSafeParseResult } from 'zod';
import { jetstream, type JetStreamClient, type JsMsg } from '@nats-io/jetstream';
import type { Logger } from '../../infra/log/logger';
import { JetStreamPublisher, withMsgId } from '../bus/jetstream-publisher';
import { deadLetterHeaders, partitionOf, STREAM_TELEMETRY, subjects } from '../bus/subjects';
import type { TwinTimings } from '../machines/vehicle-state';
import type { FleetDelta } from '../projection/fleet-view';
import { GeofenceIndex } from '../geofences/geofence-index';
import { GeofenceStore } from '../geofences/geofence-store';
import { LeaseTable } from '../sharding/lease-table';
import { planLeases } from '../sharding/plan';
import { SnapshotStore } from '../sharding/snapshot-store';
import { MAX_RANGES } from '../machines/seq-ranges';
import { decodeTelemetryBatch } from '../telemetry/batch';
import type { Telemetry } from '../telemetry/schema';
import { DeadlineWheel } from './deadline-wheel';
import { LatencyHistogram } from './latency-histogram';
import { OwnedPartition } from './partition';
import { partitionToSave } from './snapshot-pacing';
import { PartitionFeed } from './partition-feed';
import { twinCommandSchema, type TwinCommandReply } from './twin-commands';
import { toPublished } from './twin-events';
import { VehicleTwinActor, type TwinEvent } from './vehicle-twin-actor';

export interface TwinHostOptions {
  hostId: string;
  partitions: number;
  timings: TwinTimings;
  leaseTtlMs?: number;
  /**
   * The connection leases are renewed on. A connection of their own keeps renewals from queueing
   * behind the telemetry the host is busy with (default: the host's connection).
   */
  leaseConnection?: NatsConnection;
  heartbeatMs?: number;
  snapshotEveryMs?: number;
  deltaIntervalMs?: number;
  fullEveryMs?: number;
  /** How long a partition may go without a message before its feed is checked (partition-feed.ts). */
  feedQuietMs?: number;
}

export interface TwinHostStats {
  applied: number;
  late: number;
  duplicates: number;
  tooOld: number;
  invalid: number;
  events: number;
  eventPublishFailures: number;
  partitionsTaken: number;
  partitionsLost: number;
  partitionsHandedOver: number;
  /** Times applying paused for a late lease renewal, and for how long in all. */
  renewalPauses: number;
  renewalPausedMs: number;
  /** Partition consumers found stalled and started again. */
  feedRestarts: number;
}

export interface PartitionStatus {
  partition: number;
  twins: number;
  appliedSeq: number;
  pending: number;
}

const MAX_DELTA_BATCH = 1000;
/** Partitions taken over at the same time. */
const CLAIM_CONCURRENCY = 8;
const encoder = new TextEncoder();

/**
 * A twin-host process. It leases a fair share of the partitions (twins/sharding), restores each
 * partition's twins from their snapshot and consumes the partition's TELEMETRY subject in stream
 * order from there, keeping one vehicle twin (vehicle actor + device actors) per vehicle. It
 * answers twin queries for the partitions it owns, publishes the twins' domain events to EVENTS
 * and batched summaries for the fleet projection, and snapshots twins periodically and whenever
 * it hands a partition over.
 */
export class TwinHost {
  readonly stats: TwinHostStats = {
    applied: 0, late: 0, duplicates: 0, tooOld: 0, invalid: 0, events: 0, eventPublishFailures: 0,
    partitionsTaken: 0, partitionsLost: 0, partitionsHandedOver: 0, renewalPauses: 0, renewalPausedMs: 0, feedRestarts: 0,
  };
  /** Device time → applied, for every new reading (the load benchmark reads it from the status). */
  readonly applyLatency = new LatencyHistogram();
  /** Ingress receipt → applied: the platform's own part of that, whatever the device's clock or backlog. */
  readonly receiptLatency = new LatencyHistogram();
  private readonly owned = new Map<number, OwnedPartition>();
  private saving = false;
  private lastSaveAt = 0;
  private readonly wheel = new DeadlineWheel();
  private readonly changed = new Set<string>();
  private readonly js: JetStreamClient;
  /** Events and dead letters: batched per event-loop turn, one reply subscription (jetstream-publisher.ts). */
  private readonly publisher: JetStreamPublisher;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly inflight = new Set<Promise<unknown>>();
  private leases!: LeaseTable;
  private snapshots!: SnapshotStore;
  private rebalancing: Promise<void> | null = null;
  private keepingAlive: Promise<void> | null = null;
  private rebalanceAgain = false;
  private statusSubscription: Subscription | null = null;
  /** The geofences in force, followed from their KV bucket. */
  private places = GeofenceIndex.empty;
  private stopFollowingGeofences: () => void = () => undefined;
  private stopping = false;
  private lastFullAt = 0;
  readonly startedAt = Date.now();
  /** Where this host's Prometheus metrics are served, once they are. */
  metricsPort: number | null = null;

  constructor(
    private readonly nc: NatsConnection,
    private readonly options: TwinHostOptions,
    private readonly log: Logger,
  ) {
    this.js = jetstream(nc);
    this.publisher = new JetStreamPublisher(nc);
  }

  get hostId(): string {
    return this.options.hostId;
  }
  private get ttlMs(): number {
    return this.options.leaseTtlMs ?? 5000;
  }
  private get feedQuietMs(): number {
    return this.options.feedQuietMs ?? 10_000;
  }
  /** A lease must have this much time left for the host to keep applying under it. */
  private get fenceMarginMs(): number {
    return Math.min(1000, this.ttlMs / 5);
  }

  async start(): Promise<void> {
    this.leases = await LeaseTable.open(this.options.leaseConnection ?? this.nc, this.options.hostId, this.ttlMs);
    this.leases.onReleased = () => void this.rebalance();
    this.snapshots = await SnapshotStore.open(this.nc);
    this.stopFollowingGeofences = await (await GeofenceStore.open(this.nc)).follow((index) => (this.places = index), this.log);
    await this.leases.heartbeat(Date.now());
    await this.rebalance();
    this.serveStatus();
    this.timers.push(setInterval(() => void this.keepAlive(), this.options.heartbeatMs ?? 1000));
    this.timers.push(setInterval(() => void this.rebalance(), this.options.heartbeatMs ?? 1000));
    this.timers.push(setInterval(() => this.onSecond(), this.options.deltaIntervalMs ?? 1000));
    this.timers.push(setInterval(() => void this.snapshotDue(), Math.min(250, this.snapshotEveryMs / 8)));
    this.timers.push(setInterval(() => void this.checkFeeds(), this.feedQuietMs / 2));
    this.log.info({ hostId: this.options.hostId, owned: this.owned.size }, 'twin host started');
  }

  get twinCount(): number {
    let n = 0;
    for (const p of this.owned.values()) n += p.twins.size;
    return n;
  }

  partitionStatus(): PartitionStatus[] {
    return [...this.owned.values()]
      .map((p) => ({ partition: p.partition, twins: p.twins.size, appliedSeq: p.appliedSeq, pending: p.feed?.pending ?? 0 }))
      .sort((a, b) => a.partition - b.partition);
  }

  status() {
    return {
      hostId: this.options.hostId,
      pid: process.pid,
      startedAt: this.startedAt,
      metricsPort: this.metricsPort,
      twins: this.twinCount,
      /** Geofences this host enforces (it follows them as they change). */
      geofences: this.places.size,
      partitions: this.partitionStatus(),
      stats: this.stats,
      applyLatency: this.applyLatency.toJSON(),
      receiptLatency: this.receiptLatency.toJSON(),
    };
  }

  private serveStatus(): void {
    this.statusSubscription = this.nc.subscribe(subjects.twinHostStatus, {
      callback: (err, msg) => {
        if (!err) msg.respond(encoder.encode(JSON.stringify(this.status())));
      },
    });
  }

  twin(vehicleId: string): VehicleTwinActor | undefined {
    return this.owned.get(partitionOf(vehicleId, this.options.partitions))?.twins.get(vehicleId);
  }

  /**
   * Renews every lease and this host's heartbeat, on a timer of its own: a rebalance taking over
   * many partitions on a busy machine takes seconds, and must not let the leases already held lapse.
   */
  private keepAlive(): Promise<void> {
    // Partitions paused for a renewal all wait on the one under way.
    this.keepingAlive ??= this.renewLeases().finally(() => (this.keepingAlive = null));
    return this.keepingAlive;
  }

  private async renewLeases(): Promise<void> {
    if (this.stopping) return;
    try {
      const now = Date.now();
      const [lost] = await Promise.all([this.leases.renewAll(now), this.leases.heartbeat(now)]);
      for (const partition of lost) {
        this.stats.partitionsLost++;
        this.log.warn({ partition }, 'lease lost to another host; dropping partition');
        await this.dropPartition(partition);
      }
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'lease renewal failed; retrying next heartbeat');
    }
  }

  /**
   * A renewal is late (a busy machine): applying pauses until the lease is renewed with the fence
   * margin to spare (true), and gives up only once it has run out or gone to another host (false).
   */
  private async awaitRenewal(owned: OwnedPartition): Promise<boolean> {
    const { partition } = owned;
    const pausedAt = Date.now();
    while (!owned.closed && !this.stopping && this.leases.holds(partition, Date.now(), 0)) {
      await this.keepAlive();
      if (this.leases.holds(partition, Date.now(), this.fenceMarginMs)) {
        this.stats.renewalPauses++;
        this.stats.renewalPausedMs += Date.now() - pausedAt;
        return true;
      }
      // A renewal that failed at once (NATS reconnecting) is not retried in a tight loop.
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return false;
  }

  /** One rebalance: drop what was lost, hand over above the fair share, claim below it. */
  private rebalance(): Promise<void> {
    if (this.stopping) return this.rebalancing ?? Promise.resolve();
    if (this.rebalancing) {
      // Asked again mid-run (a lease was just released): run once more right after.
      this.rebalanceAgain = true;
      return this.rebalancing;
    }
    this.rebalancing = (async () => {
      try {
        const now = Date.now();
        // A lease that ran out without renewal (NATS unreachable) fences the partition too.
        for (const partition of [...this.owned.keys()]) {
          if (!this.leases.holds(partition, Date.now(), 0)) {
            this.stats.partitionsLost++;
            this.leases.drop(partition);
            await this.dropPartition(partition);
          }
        }
        const plan = planLeases({
          me: this.options.hostId,
          partitions: this.options.partitions,
          liveHosts: this.leases.liveHosts(now),
          leases: this.leases.leaseView(),
          now,
        });
        await Promise.all(plan.release.map((partition) => this.handOver(partition)));
        // A lease held without a running partition (a take-over that failed) is given back.
        for (const partition of this.leases.ownedPartitions()) {
          if (!this.owned.has(partition)) await this.leases.release(partition);
        }
        // Several at once: a take-over of a dead host's share is mostly waiting on KV and
        // JetStream round trips (lease, snapshots, consumer), one partition after another it took
        // half a minute for 32 partitions on a busy machine.
        const queue = [...plan.claim];
        const claimNext = async (): Promise<void> => {
          for (let partition = queue.shift(); partition !== undefined && !this.stopping; partition = queue.shift()) {
            const epoch = await this.leases.claim(partition, Date.now());
            if (epoch === null) continue;
            try {
              await this.takePartition(partition, epoch);
            } catch (err) {
              this.log.warn({ err: (err as Error).message, partition }, 'taking the partition failed; giving the lease back');
              await this.dropPartition(partition);
              await this.leases.release(partition);
            }
          }
        };
        await Promise.all(Array.from({ length: CLAIM_CONCURRENCY }, claimNext));
      } catch (err) {
        this.log.warn({ err: (err as Error).message }, 'rebalance failed; retrying next heartbeat');
      } finally {
        this.rebalancing = null;
        if (this.rebalanceAgain) {
          this.rebalanceAgain = false;
          void this.rebalance();
        }
      }
    })();
    return this.rebalancing;
  }

  private async takePartition(partition: number, epoch: number): Promise<void> {
    // Running it twice would leave the first copy applying and answering queries unseen.
    if (this.owned.has(partition)) return;
    const started = Date.now();
    const owned = new OwnedPartition(partition, epoch);
    const { marker, twins } = await this.snapshots.load(partition);
    for (const persisted of twins) {
      const twin = VehicleTwinActor.restore(persisted, this.options.timings);
      owned.twins.set(twin.vehicleId, twin);
      this.wheel.schedule(twin.vehicleId, twin.nextDeadline());
      this.changed.add(twin.vehicleId);
    }
    owned.appliedSeq = marker?.seq ?? 0;
    this.owned.set(partition, owned);
    owned.queries = this.nc.subscribe(subjects.twinQueryOfPartition(partition), {
      callback: (err, msg) => {
        if (err) return;
        const vehicleId = msg.subject.split('.').pop() ?? '';
        const twin = owned.twins.get(vehicleId);
        const body = twin ? { ok: true, hostId: this.options.hostId, twin: twin.view() } : { ok: false, error: `no twin for vehicle ${vehicleId}` };
        msg.respond(encoder.encode(JSON.stringify(body)));
      },
    });
    owned.commands = this.nc.subscribe(subjects.twinCommandOfPartition(partition), {
      callback: (err, msg) => {
        if (!err) void this.onCommand(owned, msg);
      },
    });
    owned.feed = new PartitionFeed(
      this.js,
      {
        stream: STREAM_TELEMETRY,
        filter: subjects.telemetry(partition),
        partition,
        appliedSeq: () => owned.appliedSeq,
        handle: (m) => {
          if (owned.closed) return false;
          // Fencing: never apply under a lease that may already have passed to another host.
          if (this.leases.holds(partition, Date.now(), this.fenceMarginMs)) {
            this.onTelemetry(owned, m);
            return true;
          }
          return this.applyAfterRenewal(owned, m);
        },
      },
      this.log,
    );
    await owned.feed.start();
    this.stats.partitionsTaken++;
    this.log.info({ partition, epoch, restored: twins.length, fromSeq: owned.appliedSeq + 1, ms: Date.now() - started }, 'partition taken');
  }

  /** A late renewal holds the message back; a lease that ran out instead drops the partition. */
  private async applyAfterRenewal(owned: OwnedPartition, m: JsMsg): Promise<boolean> {
    if (await this.awaitRenewal(owned)) {
      this.onTelemetry(owned, m);
      return true;
    }
    if (owned.closed) return false;
    this.log.warn({ partition: owned.partition }, 'lease ran out before it could be renewed; dropping partition');
    this.stats.partitionsLost++;
    await this.dropPartition(owned.partition);
    await this.leases.release(owned.partition);
    return false;
  }

  private onTelemetry(owned: OwnedPartition, m: JsMsg): void {
    const now = Date.now();
    owned.appliedSeq = m.seq;
    const batch = decodeTelemetryBatch(m.string());
    if (!batch.ok) {
      this.stats.invalid++;
      this.deadLetter(`${m.seq}`, m.data, 'invalid_record', batch.detail);
      return;
    }
    for (const entry of batch.entries) {
      // A batch's position in the stream and a record's in the batch name it for ever: replays give the same ids.
      const position = batch.entries.length === 1 ? `${m.seq}` : `${m.seq}.${entry.index}`;
      if (entry.ok) this.applyReading(owned, entry.record, position, now);
      else {
        this.stats.invalid++;
        this.deadLetter(position, encoder.encode(JSON.stringify(entry.raw)), 'invalid_record', entry.detail);
      }
    }
  }

  private applyReading(owned: OwnedPartition, reading: Telemetry, position: string, now: number): void {
    let twin = owned.twins.get(reading.vehicleId);
    if (!twin) {
      twin = VehicleTwinActor.create(reading.vehicleId, this.options.timings);
      owned.twins.set(reading.vehicleId, twin);
    }
    const { verdict, events } = twin.apply(reading, now, this.places);
    if (verdict === 'in_order') this.stats.applied++;
    else if (verdict === 'late') this.stats.late++;
    else if (verdict === 'duplicate') this.stats.duplicates++;
    else {
      // Reordered deeper than the device twin can tell (seq-ranges.ts): kept, not silently dropped.
      this.stats.tooOld++;
      this.deadLetter(position, encoder.encode(JSON.stringify(reading)), 'too_old', `device ${reading.deviceId} seq ${reading.seq} lies in a closed gap of the ${MAX_RANGES} ranges its twin keeps`);
    }
    if (verdict === 'in_order' || verdict === 'late') {
      this.applyLatency.record(now - reading.deviceTime);
      this.receiptLatency.record(now - reading.receivedAt);
      this.changed.add(reading.vehicleId);
      owned.dirty.add(reading.vehicleId);
      this.wheel.schedule(reading.vehicleId, twin.nextDeadline());
    }
    this.publishEvents(events, `t${position}`);
  }

  /**
   * A twin command (twin-commands.ts). Its change is not in the TELEMETRY stream, so the twin is
   * snapshotted before the reply: a command acknowledged survives a take-over.
   */
  private async onCommand(owned: OwnedPartition, msg: Msg): Promise<void> {
    const reply = (body: TwinCommandReply) => msg.respond(encoder.encode(JSON.stringify(body)));
    const vehicleId = msg.subject.split('.').pop() ?? '';
    const parsed = parseBody(msg, (body) => twinCommandSchema.safeParse(body));
    if (!parsed.success) {
      reply({ ok: false, error: `invalid twin command: ${parsed.error.issues[0]?.message ?? 'not JSON'}` });
      return;
    }
    if (owned.closed || !this.leases.holds(owned.partition, Date.now(), this.fenceMarginMs)) {
      reply({ ok: false, error: `partition ${owned.partition} is moving; retry` });
      return;
    }
    let twin = owned.twins.get(vehicleId);
    if (!twin) {
      twin = VehicleTwinActor.create(vehicleId, this.options.timings);
      owned.twins.set(vehicleId, twin);
    }
    const now = Date.now();
    const command = parsed.data;
    const events = twin.setMaintenance(command.state, command.workOrderId, now);
    this.changed.add(vehicleId);
    owned.dirty.add(vehicleId);
    this.publishEvents(events, `c${now}`);
    try {
      await this.snapshot(owned);
    } catch (err) {
      reply({ ok: false, error: `twin changed but not saved (${(err as Error).message}); retry` });
      return;
    }
    const { maintenance } = twin.view().context;
    reply({ ok: true, hostId: this.options.hostId, vehicleId, maintenance: maintenance ?? { state: 'none', workOrderId: null, since: null } });
  }

  /** Writes the twins changed since the last save, then the marker; only while the lease is ours. */
  private async snapshot(owned: OwnedPartition): Promise<void> {
    if (!this.leases.holds(owned.partition, Date.now(), this.fenceMarginMs)) return;
    owned.savedAt = Date.now();
    const seq = owned.appliedSeq;
    const twins = [...owned.dirty].map((id) => owned.twins.get(id)!.persist());
    owned.dirty.clear();
    try {
      await this.snapshots.save(owned.partition, { seq, hostId: this.options.hostId, at: Date.now() }, twins);
    } catch (err) {
      for (const t of twins) owned.dirty.add(t.vehicleId);
      throw err;
    }
  }

  private async checkFeeds(): Promise<void> {
    const now = Date.now();
    for (const owned of [...this.owned.values()]) {
      const feed = owned.feed;
      if (!feed) continue;
      const before = feed.restarts;
      await feed.check(now, this.feedQuietMs).catch((err: unknown) => this.log.warn({ err: (err as Error).message, partition: owned.partition }, 'partition feed check failed'));
      this.stats.feedRestarts += feed.restarts - before;
    }
  }

  private get snapshotEveryMs(): number {
    return this.options.snapshotEveryMs ?? 30_000;
  }

  /** Saves the partition whose turn it is (snapshot-pacing.ts), one at a time. */
  private async snapshotDue(): Promise<void> {
    if (this.saving) return;
    const now = Date.now();
    const partition = partitionToSave([...this.owned.values()], this.lastSaveAt, now, this.snapshotEveryMs);
    const owned = partition === undefined ? undefined : this.owned.get(partition);
    if (!owned) return;
    this.lastSaveAt = now;
    if (owned.dirty.size === 0) {
      owned.savedAt = now;
      return;
    }
    this.saving = true;
    await this.snapshot(owned)
      .catch((err: unknown) => this.log.warn({ err: (err as Error).message, partition: owned.partition }, 'snapshot failed'))
      .finally(() => (this.saving = false));
  }

  /** Graceful hand-over: stop applying, snapshot everything, give the lease back at once. */
  private async handOver(partition: number): Promise<void> {
    const owned = this.owned.get(partition);
    if (!owned) return;
    this.owned.delete(partition);
    owned.closed = true;
    owned.feed?.close();
    owned.queries?.unsubscribe();
    owned.commands?.unsubscribe();
    try {
      await this.snapshot(owned);
    } catch (err) {
      this.log.warn({ err: (err as Error).message, partition }, 'hand-over snapshot failed; the next owner replays from the previous one');
    }
    await this.leases.release(partition);
    owned.close();
    this.forget(owned);
    this.stats.partitionsHandedOver++;
    this.log.info({ partition }, 'partition handed over');
  }

  /** The lease is gone: stop at once, keep nothing (the new owner restores from the snapshot). */
  private async dropPartition(partition: number): Promise<void> {
    const owned = this.owned.get(partition);
    if (!owned) return;
    this.owned.delete(partition);
    owned.close();
    this.forget(owned);
  }

  private forget(owned: OwnedPartition): void {
    for (const id of owned.twins.keys()) {
      this.wheel.schedule(id, null);
      this.changed.delete(id);
    }
  }

  /** Keyed by `position`, the record's place in the stream: a partition replayed after a take-over dead-letters it once. */
  private deadLetter(position: string, data: Uint8Array, reason: 'invalid_record' | 'too_old', detail: string): void {
    const h = withMsgId(`twin.${reason}.${position}`);
    h.set(deadLetterHeaders.reason, reason);
    h.set(deadLetterHeaders.detail, detail.replace(/[\r\n]+/g, ' ').slice(0, 500));
    h.set(deadLetterHeaders.stage, 'twin');
    h.set(deadLetterHeaders.receivedAt, String(Date.now()));
    this.track(this.publisher.publish(subjects.deadLetter('twin', reason), data, h));
  }

  private publishEvents(events: TwinEvent[], cause: string): void {
    events.forEach((event, index) => {
      const body = toPublished(event, cause, index);
      this.stats.events++;
      this.track(
        this.publisher.publish(subjects.event(body.kind, body.vehicleId), encoder.encode(JSON.stringify(body)), withMsgId(`${body.vehicleId}.${body.id}`)),
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

  /** Once a second: tick the twins whose silence deadline passed, then publish the deltas. */
  private onSecond(): void {
    const now = Date.now();
    for (const vehicleId of this.wheel.takeDue(now)) {
      const owned = this.owned.get(partitionOf(vehicleId, this.options.partitions));
      const twin = owned?.twins.get(vehicleId);
      if (!owned || !twin) continue;
      const events = twin.tick(now);
      if (events.length) {
        this.changed.add(vehicleId);
        owned.dirty.add(vehicleId);
      }
      this.publishEvents(events, `k${now}`);
      this.wheel.schedule(vehicleId, twin.nextDeadline());
    }
    const full = now - this.lastFullAt >= (this.options.fullEveryMs ?? 5000);
    if (full) this.lastFullAt = now;
    const summaries = [];
    if (full) {
      for (const owned of this.owned.values()) for (const twin of owned.twins.values()) summaries.push(twin.summary());
    } else {
      for (const id of this.changed) {
        const twin = this.twin(id);
        if (twin) summaries.push(twin.summary());
      }
    }
    this.changed.clear();
    for (let i = 0; i < summaries.length || (full && i === 0); i += MAX_DELTA_BATCH) {
      const delta: FleetDelta = { hostId: this.options.hostId, at: now, full, vehicles: summaries.slice(i, i + MAX_DELTA_BATCH) };
      this.nc.publish(subjects.fleetDeltas(this.options.hostId), encoder.encode(JSON.stringify(delta)));
    }
  }

  /** Graceful stop: hand every partition over (snapshot + release) so others take them at once. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const t of this.timers) clearInterval(t);
    this.statusSubscription?.unsubscribe();
    this.stopFollowingGeofences();
    await this.rebalancing;
    await Promise.all([...this.owned.keys()].map((partition) => this.handOver(partition)));
    await this.leases.leave();
    await Promise.allSettled([...this.inflight]);
    this.publisher.close();
  }
}

/** A message's JSON body checked against a schema; a body that is not JSON fails the check like one that does not fit. */
function parseBody<T>(message: { json<U>(): U }, parse: (body: unknown) => ZodSafeParseResult<T>) {
  let body: unknown;
  try {
    body = message.json();
  } catch {
    body = undefined;
  }
  return parse(body);
}
