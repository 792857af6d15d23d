import { DeliverPolicy, jetstream, type JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { STREAM_EVENTS, subjects } from '../../twins/bus/subjects';
import type { DeviceState } from './types';

/** The device_ota twin event (twins/machines/device-twin.ts), as published on EVENTS. */
export interface DeviceOtaEvent {
  deviceId: string;
  vehicleId: string;
  campaignId?: string;
  version: string;
  state: DeviceState;
  reason?: string;
}

export type OtaEventListener = (event: DeviceOtaEvent) => void;

/** How far back the shared feed keeps events for a batch that starts listening late. */
const DEFAULT_BUFFER_MS = 10 * 60_000;

/**
 * One JetStream consumer of device OTA events per worker process, shared by every batch waiting
 * for its devices' outcomes. With a consumer per batch, NATS delivered every OTA event of the
 * fleet once per running batch (20× in a 5,000-device wave of 250-device batches) and the
 * worker parsed each of them that often. A listener gets the events the feed saw from its `since`
 * on (kept for `bufferMs`), then the live ones; one whose `since` is older than what the feed
 * covers (a retried activity, a fresh worker) reads on a consumer of its own.
 */
export class OtaEventFeed {
  private readonly listeners = new Set<OtaEventListener>();
  /** Events in stream order with their stream time (ms). */
  private buffer: Array<{ at: number; event: DeviceOtaEvent }> = [];
  /** Stream time from which the shared consumer has seen every event; null before it starts. */
  private coveredFrom: number | null = null;
  private starting: Promise<void> | undefined;

  constructor(
    private readonly nats: NatsConnection,
    private readonly bufferMs = DEFAULT_BUFFER_MS,
  ) {}

  /** Calls `onEvent` for every OTA event stored from `since` (epoch ms) on; returns the way to stop. */
  async listen(since: number, onEvent: OtaEventListener): Promise<() => void> {
    this.starting ??= this.startShared(since).catch((err: unknown) => {
      this.starting = undefined;
      throw err;
    });
    await this.starting;
    if (this.coveredFrom === null || since < this.coveredFrom) return this.listenAlone(since, onEvent);
    for (const { at, event } of this.buffer) if (at >= since) onEvent(event);
    this.listeners.add(onEvent);
    return () => this.listeners.delete(onEvent);
  }

  private async startShared(since: number): Promise<void> {
    const messages = await this.consume(since);
    this.coveredFrom = since;
    void pump(messages, (event, at) => {
      this.buffer.push({ at, event });
      this.prune(at);
      for (const listener of this.listeners) listener(event);
    }).then(() => {
      // Stopped: the next listener starts a new feed.
      this.coveredFrom = null;
      this.starting = undefined;
    });
  }

  private async listenAlone(since: number, onEvent: OtaEventListener): Promise<() => void> {
    const messages = await this.consume(since);
    void pump(messages, onEvent);
    return () => messages.stop();
  }

  private async consume(since: number) {
    const consumer = await jetstream(this.nats).consumers.get(STREAM_EVENTS, {
      filter_subjects: subjects.event('device_ota', '*'),
      deliver_policy: DeliverPolicy.StartTime,
      opt_start_time: new Date(since).toISOString(),
    });
    return consumer.consume();
  }

  private prune(now: number): void {
    const cutoff = now - this.bufferMs;
    let drop = 0;
    while (drop < this.buffer.length && this.buffer[drop]!.at < cutoff) drop++;
    if (drop === 0) return;
    this.buffer = this.buffer.slice(drop);
    this.coveredFrom = Math.max(this.coveredFrom ?? cutoff, cutoff);
  }
}

/** Hands each OTA event to `onEvent` with its stream time (ms) until the consumer stops; skips what is not JSON. */
async function pump(messages: AsyncIterable<JsMsg>, onEvent: (event: DeviceOtaEvent, at: number) => void): Promise<void> {
  for await (const m of messages) {
    let event: DeviceOtaEvent;
    try {
      event = m.json<DeviceOtaEvent>();
    } catch {
      continue;
    }
    onEvent(event, Math.floor(m.info.timestampNanos / 1e6));
  }
}
