import { encodeJsonFrame, encodeUpdates, frameKinds, type CatalogueFrame, type WireUpdate } from '../lib/fleet-wire';
import type { FleetProjection } from './fleet-projection';
import type { NatsLinkState } from './nats-link';

type Send = (frame: Uint8Array) => void;

/** Quiet seconds after which a status frame keeps proxies from closing the stream. */
const PING_EVERY_TICKS = 15;
/** A browser this many frames behind is cut off; it reconnects and starts from a snapshot. */
const MAX_QUEUED_FRAMES = 30;

/** Wire indices of vehicles: dense, and a freed one is reused only after its removal went out. */
class WireIndex {
  private readonly byId = new Map<string, number>();
  private readonly free: number[] = [];
  private next = 0;

  get(id: string): number | undefined {
    return this.byId.get(id);
  }

  entries(): IterableIterator<[string, number]> {
    return this.byId.entries();
  }

  add(id: string): number {
    const index = this.free.pop() ?? this.next++;
    this.byId.set(id, index);
    return index;
  }

  remove(id: string): number | undefined {
    const index = this.byId.get(id);
    if (index === undefined) return undefined;
    this.byId.delete(id);
    this.free.push(index);
    return index;
  }
}

export interface StreamStats {
  /** Bytes of update frames sent per listener since start (headers included). */
  updateBytes: number;
  /** Vehicle updates in them. */
  vehicleUpdates: number;
}

/**
 * Fans the projection's changes out to every connected browser as binary frames (lib/fleet-wire):
 * one encoding per tick, however many browsers listen.
 */
export class FleetBroadcaster {
  readonly stats: StreamStats = { updateBytes: 0, vehicleUpdates: 0 };
  private readonly subscribers = new Set<Send>();
  private readonly index = new WireIndex();
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

  /** What a browser gets first: the whole catalogue, then every vehicle's current state. */
  snapshotFrames(now: number = Date.now()): Uint8Array[] {
    const added: Array<[number, string]> = [];
    const updates: WireUpdate[] = [];
    for (const [id, index] of this.index.entries()) {
      const summary = this.projection.get(id);
      if (!summary) continue;
      added.push([index, id]);
      updates.push({ index, summary });
    }
    const catalogue: CatalogueFrame = { at: now, nats: this.natsState(), reset: true, added, removed: [] };
    return [encodeJsonFrame(frameKinds.catalogue, catalogue), encodeUpdates(now, updates)];
  }

  /** Called once a second: sends what changed since the last tick, if anything did. */
  tick(now: number = Date.now()): void {
    const { vehicles, removed } = this.projection.takeChanges();
    if (vehicles.length === 0 && removed.length === 0) {
      if (++this.quietTicks % PING_EVERY_TICKS === 0) this.broadcast(encodeJsonFrame(frameKinds.status, { nats: this.natsState() }));
      return;
    }
    this.quietTicks = 0;
    const removedIndices = removed.flatMap((id) => this.index.remove(id) ?? []);
    const added: Array<[number, string]> = [];
    const updates: WireUpdate[] = vehicles.map((summary) => {
      let index = this.index.get(summary.id);
      if (index === undefined) {
        index = this.index.add(summary.id);
        added.push([index, summary.id]);
      }
      return { index, summary };
    });
    if (added.length > 0 || removedIndices.length > 0) {
      const catalogue: CatalogueFrame = { at: now, nats: this.natsState(), reset: false, added, removed: removedIndices };
      this.broadcast(encodeJsonFrame(frameKinds.catalogue, catalogue));
    }
    if (updates.length > 0) {
      const frame = encodeUpdates(now, updates);
      this.stats.updateBytes += frame.length;
      this.stats.vehicleUpdates += updates.length;
      this.broadcast(frame);
    }
  }

  natsStateChanged(nats: NatsLinkState): void {
    this.broadcast(encodeJsonFrame(frameKinds.status, { nats }));
  }

  private broadcast(frame: Uint8Array): void {
    for (const send of this.subscribers) send(frame);
  }
}

/** The streamed response of one browser: a snapshot now, then whatever the broadcaster sends. */
export function fleetStreamResponse(broadcaster: FleetBroadcaster, signal: AbortSignal): Response {
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
          controller.enqueue(frame);
        } catch {
          unsubscribe();
        }
      };
      for (const frame of broadcaster.snapshotFrames()) send(frame);
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
      'content-type': 'application/octet-stream',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // Reverse proxies (nginx) must pass each frame on at once.
      'x-accel-buffering': 'no',
    },
  });
}
