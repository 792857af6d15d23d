import {
  STREAM_RETRY_MS,
  streamEvents,
  type DeltaEvent,
  type SnapshotEvent,
  type StatusEvent,
} from '../lib/stream-protocol';
import type { FleetProjection } from './fleet-projection';
import type { NatsLinkState } from './nats-link';

type Send = (frame: string) => void;

/** Seconds without a delta after which a comment line keeps proxies from closing the stream. */
const PING_EVERY_TICKS = 15;
/** A browser this many frames behind is cut off; it reconnects and starts from a snapshot. */
const MAX_QUEUED_FRAMES = 30;

export function sseFrame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * Fans the projection's changes out to every connected browser: one JSON serialisation per
 * tick, however many browsers listen.
 */
export class FleetBroadcaster {
  private readonly subscribers = new Set<Send>();
  private quietTicks = 0;

  constructor(
    private readonly projection: FleetProjection,
    private readonly natsState: () => NatsLinkState,
  ) {}

  get listeners(): number {
    return this.subscribers.size;
  }

  subscribe(send: Send): () => void {
    this.subscribers.add(send);
    return () => this.subscribers.delete(send);
  }

  snapshotFrame(now: number = Date.now()): string {
    const event: SnapshotEvent = { at: now, nats: this.natsState(), vehicles: this.projection.snapshot() };
    return sseFrame(streamEvents.snapshot, event);
  }

  /** Called once a second: sends what changed since the last tick, if anything did. */
  tick(now: number = Date.now()): void {
    const { vehicles, removed } = this.projection.takeChanges();
    if (vehicles.length === 0 && removed.length === 0) {
      if (++this.quietTicks % PING_EVERY_TICKS === 0) this.broadcast(': ping\n\n');
      return;
    }
    this.quietTicks = 0;
    const event: DeltaEvent = { at: now, vehicles, removed };
    this.broadcast(sseFrame(streamEvents.delta, event));
  }

  natsStateChanged(nats: NatsLinkState): void {
    const event: StatusEvent = { nats };
    this.broadcast(sseFrame(streamEvents.status, event));
  }

  private broadcast(frame: string): void {
    for (const send of this.subscribers) send(frame);
  }
}

/** The SSE response of one browser: a snapshot now, then whatever the broadcaster sends. */
export function fleetStreamResponse(broadcaster: FleetBroadcaster, signal: AbortSignal): Response {
  const encoder = new TextEncoder();
  let unsubscribe: () => void = () => {};
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const end = () => {
        unsubscribe();
        try {
          controller.close();
        } catch {
          // already closed or errored by the reader going away
        }
      };
      const send: Send = (frame) => {
        if (controller.desiredSize !== null && controller.desiredSize < -MAX_QUEUED_FRAMES) return end();
        try {
          controller.enqueue(encoder.encode(frame));
        } catch {
          unsubscribe();
        }
      };
      send(`retry: ${STREAM_RETRY_MS}\n\n${broadcaster.snapshotFrame()}`);
      unsubscribe = broadcaster.subscribe(send);
      if (signal.aborted) end();
      else signal.addEventListener('abort', end, { once: true });
    },
    cancel() {
      unsubscribe();
    },
  });
  return new Response(body, {
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // Reverse proxies (nginx) must pass each frame on at once.
      'x-accel-buffering': 'no',
    },
  });
}
