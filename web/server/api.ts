import type { NatsConnection } from '@nats-io/transport-node';
import { idSchema } from '../../twins/telemetry/schema';
import { partitionOf } from '../../twins/bus/subjects';
import type { FleetProjection } from './fleet-projection';
import type { FeedStats } from './fleet-feed';
import type { NatsLinkState } from './nats-link';
import type { StreamStats } from './fleet-stream';
import { queryTwin, type TwinQueryOptions } from './twin-query';

/**
 * The API's answers as plain functions of their inputs: the route files only pick the process's
 * runtime and call these, and the tests call them against a real NATS.
 */

const noStore = { 'cache-control': 'no-store' };

export function jsonResponse(body: unknown, status = 200): Response {
  return Response.json(body, { status, headers: noStore });
}

export function errorResponse(status: number, error: string): Response {
  return jsonResponse({ error }, status);
}

/** GET /api/fleet */
export function fleetResponse(projection: FleetProjection, now: number = Date.now()): Response {
  return jsonResponse({ at: now, vehicles: projection.snapshot() });
}

/** The body of a 200 from GET /api/twins/[vehicleId]. */
export interface TwinResponse {
  vehicleId: string;
  /** The twin host that owns the vehicle now. */
  hostId: string;
  /** The twin as its host shows it (state, context, devices). */
  twin: unknown;
}

/** GET /api/twins/[vehicleId] */
export async function twinResponse(
  nc: NatsConnection | null,
  rawVehicleId: string,
  options: TwinQueryOptions,
): Promise<Response> {
  const id = idSchema.safeParse(rawVehicleId);
  if (!id.success) {
    const shown = JSON.stringify(rawVehicleId.slice(0, 80));
    return errorResponse(400, `invalid vehicle id ${shown}: ${id.error.issues[0]?.message ?? 'not an id'}`);
  }
  const vehicleId = id.data;
  const lookup = await queryTwin(nc, vehicleId, options);
  switch (lookup.kind) {
    case 'found':
      return jsonResponse({ vehicleId, hostId: lookup.hostId, twin: lookup.twin } satisfies TwinResponse);
    case 'unknown':
      return errorResponse(404, `no twin of vehicle ${vehicleId}: ${lookup.reason}`);
    case 'unowned':
      return errorResponse(
        404,
        `no twin host answers for vehicle ${vehicleId} (partition ${partitionOf(vehicleId, options.partitions)}): unknown vehicle, or its host is not running`,
      );
    case 'nats_down':
      return errorResponse(503, 'the web server cannot reach NATS right now; it keeps retrying');
    case 'timeout':
      return errorResponse(504, `the twin host of ${vehicleId} did not answer within ${options.timeoutMs} ms`);
    case 'bad_reply':
      return errorResponse(502, `the twin host of ${vehicleId} sent an unusable reply: ${lookup.reason}`);
  }
}

export interface HealthInput {
  nats: NatsLinkState;
  projection: FleetProjection;
  feed: FeedStats;
  streamClients: number;
  /** Bytes and vehicle updates the live stream sent (per browser). */
  stream?: StreamStats;
}

/** GET /api/health: 200 while NATS is reachable, 503 (same body) while it is not. */
export function healthResponse({ nats, projection, feed, streamClients, stream }: HealthInput, now: number = Date.now()): Response {
  const { vehicles, hosts, lastDeltaAt } = projection.stats();
  const ok = nats === 'connected';
  return jsonResponse(
    {
      ok,
      nats,
      vehicles,
      hosts,
      lastDeltaAgoMs: lastDeltaAt === null ? null : now - lastDeltaAt,
      deltas: feed,
      streamClients,
      stream: stream ?? { updateBytes: 0, vehicleUpdates: 0 },
    },
    ok ? 200 : 503,
  );
}
