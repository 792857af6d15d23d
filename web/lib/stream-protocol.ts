import type { VehicleSummary } from '../../twins/projection/fleet-view';
import type { NatsLinkState } from '../server/nats-link';

/**
 * GET /api/fleet/stream, as Server-Sent Events. One `snapshot` when a browser connects (and on
 * every reconnect), then a `delta` each second something changed, and a `status` whenever the
 * web server's own NATS link goes down or comes back. Deltas are upserts by id plus removals, so
 * applying one twice is harmless.
 */
export const streamEvents = { snapshot: 'snapshot', delta: 'delta', status: 'status' } as const;

export interface SnapshotEvent {
  at: number;
  nats: NatsLinkState;
  vehicles: VehicleSummary[];
}

export interface DeltaEvent {
  at: number;
  vehicles: VehicleSummary[];
  removed: string[];
}

export interface StatusEvent {
  nats: NatsLinkState;
}

/** Milliseconds a browser waits before reconnecting a dropped stream (the SSE `retry` field). */
export const STREAM_RETRY_MS = 2_000;
