import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import type { NatsConnection } from '@nats-io/transport-node';
import { loadConfig } from '../../infra/config/env';
import { connectNats } from '../../twins/bus/connect';
import { partitionOf, subjects } from '../../twins/bus/subjects';
import type { FleetDelta, VehicleSummary } from '../../twins/projection/fleet-view';
import { fleetResponse, healthResponse, twinResponse } from './api';
import { fleetStreamResponse } from './fleet-stream';
import { createWebRuntime, type WebRuntime } from './runtime';
import { FleetStore } from '../lib/fleet-store';
import { FrameReader, frameKinds, type Frame } from '../lib/fleet-wire';

/**
 * The API's contract against the real NATS at FLEET_NATS_URL. The test plays the twin hosts
 * itself: it publishes FleetDeltas under a hostId of its own and answers twin queries.
 */
const config = loadConfig();
const run = randomUUID().slice(0, 8);
const hostId = `web-test-${run}`;
const logLines: string[] = [];
const log = pino(
  { level: 'warn' },
  new Writable({
    write(chunk, _encoding, done) {
      logLines.push(String(chunk));
      done();
    },
  }),
);

let runtime: WebRuntime;
let nc: NatsConnection;

beforeAll(async () => {
  runtime = createWebRuntime(config, log);
  nc = await connectNats(config.FLEET_NATS_URL, 'web-api-test');
  await runtime.link.whenConnected();
  // The feed subscribes right after connecting; a round trip makes sure the server has it.
  await nc.flush();
  await runtime.link.connection?.flush();
});

afterAll(async () => {
  await runtime?.stop();
  await nc?.close();
});

function vehicle(id: string, patch: Partial<VehicleSummary> = {}): VehicleSummary {
  return {
    id,
    lat: 43.7384,
    lon: 7.4246,
    speedKph: 32,
    headingDeg: 90,
    motion: 'driving',
    health: 'ok',
    connectivity: 'online',
    odometerKm: 1200,
    updatedAt: Date.now(),
    ...patch,
  };
}

function publishDelta(delta: Omit<FleetDelta, 'hostId' | 'at'>, host = hostId): void {
  const body: FleetDelta = { hostId: host, at: Date.now(), ...delta };
  nc.publish(subjects.fleetDeltas(host), JSON.stringify(body));
}

async function eventually<T>(probe: () => T | undefined | false, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function fleetIds(): Promise<Set<string>> {
  const body = (await fleetResponse(runtime.projection).json()) as { vehicles: VehicleSummary[] };
  return new Set(body.vehicles.map((v) => v.id));
}

/** An id whose partition, out of `partitions`, is above any real twin host's (they use FLEET_PARTITIONS). */
function isolatedId(prefix: string, partitions: number): string {
  for (let n = 0; ; n++) {
    const id = `${prefix}-${run}-${n}`;
    if (partitionOf(id, partitions) >= config.FLEET_PARTITIONS) return id;
  }
}
const ISOLATED_PARTITIONS = 4096;

describe('GET /api/fleet', () => {
  it('lists the vehicles of deltas published on NATS, and forgets those a complete full batch no longer lists', async () => {
    const a = `veh-a-${run}`;
    const b = `veh-b-${run}`;
    publishDelta({ full: false, vehicles: [vehicle(a), vehicle(b)] });
    await eventually(() => runtime.projection.get(a) && runtime.projection.get(b));
    const ids = await fleetIds();
    expect(ids.has(a) && ids.has(b)).toBe(true);

    // b is gone once the full batch that left it out is complete: when the next one begins
    publishDelta({ full: true, vehicles: [vehicle(a, { lat: 43.74 })] });
    await new Promise((resolve) => setTimeout(resolve, 5));
    publishDelta({ full: true, vehicles: [vehicle(a, { lat: 43.75 })] });
    await eventually(() => runtime.projection.get(a)?.lat === 43.75);
    const after = await fleetIds();
    expect(after.has(a)).toBe(true);
    expect(after.has(b)).toBe(false);
  });

  it('skips and logs a delta that is not JSON or breaks the schema, and keeps taking good ones', async () => {
    const before = runtime.feedStats().rejected;
    nc.publish(subjects.fleetDeltas(hostId), '{"hostId": "x", "vehicles": [');
    nc.publish(subjects.fleetDeltas(hostId), JSON.stringify({ hostId, at: 1, full: false, vehicles: [{ id: 'no-position' }] }));
    const good = `veh-after-bad-${run}`;
    publishDelta({ full: false, vehicles: [vehicle(good)] });

    await eventually(() => runtime.projection.get(good));
    expect(runtime.feedStats().rejected - before).toBe(2);
    expect(runtime.projection.get('no-position')).toBeUndefined();
    const warnings = logLines.filter((line) => line.includes('skipped a bad fleet delta'));
    expect(warnings.some((line) => line.includes('not JSON'))).toBe(true);
    expect(warnings.some((line) => line.includes('vehicles.0.lat'))).toBe(true);
  });
});

describe('GET /api/fleet/stream', () => {
  it('sends the current fleet at connect, then the changed vehicles at the next tick, as binary frames', async () => {
    const parked = `veh-stream-${run}`;
    publishDelta({ full: false, vehicles: [vehicle(parked, { motion: 'parked', speedKph: 0 })] });
    await eventually(() => runtime.projection.get(parked));
    // The broadcaster gives the vehicle its wire index at its next tick.
    await new Promise((resolve) => setTimeout(resolve, 1_100));

    const abort = new AbortController();
    const response = fleetStreamResponse(runtime.broadcaster, abort.signal);
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    const store = new FleetStore([7.42, 43.73]);
    const frames = readFrames(response, store);

    const first = await nextFrame(frames, frameKinds.catalogue);
    expect(first.kind === frameKinds.catalogue && first.body.reset && first.body.nats).toBe('connected');
    await nextFrame(frames, frameKinds.updates);
    expect(store.get(parked)).toMatchObject({ motion: 'parked', speedKph: 0 });

    publishDelta({ full: false, vehicles: [vehicle(parked, { motion: 'driving', speedKph: 44 })] });
    await eventually(() => runtime.projection.get(parked)?.motion === 'driving');
    for (;;) {
      await nextFrame(frames, frameKinds.updates);
      if (store.get(parked)?.motion === 'driving') break;
    }
    expect(store.get(parked)!.speedKph).toBeCloseTo(44, 5);
    expect(runtime.broadcaster.stats.updateBytes / runtime.broadcaster.stats.vehicleUpdates).toBeLessThanOrEqual(24 + 17);
    abort.abort();
    await eventually(() => runtime.broadcaster.listeners === 0);
  });
});

describe('GET /api/twins/[vehicleId]', () => {
  const options = { partitions: ISOLATED_PARTITIONS, timeoutMs: 2_000 };

  it("answers the owning host's twin as JSON", async () => {
    const id = isolatedId('veh-twin', ISOLATED_PARTITIONS);
    const twin = { vehicleId: id, state: { motion: 'driving' }, context: { odometerKm: 12 }, devices: [{ deviceId: 'gps-1' }] };
    const sub = nc.subscribe(subjects.twinQuery(partitionOf(id, ISOLATED_PARTITIONS), id), {
      callback: (_err, msg) => {
        msg.respond(JSON.stringify({ ok: true, hostId, twin }));
      },
    });
    await nc.flush();
    try {
      const response = await twinResponse(runtime.link.connection, id, options);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ vehicleId: id, hostId, twin });
    } finally {
      sub.unsubscribe();
    }
  });

  it('answers 404 at once when no host owns the vehicle (no responders), never hangs', async () => {
    const id = isolatedId('veh-nobody', ISOLATED_PARTITIONS);
    const started = Date.now();
    const response = await twinResponse(runtime.link.connection, id, options);
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: string }).error).toContain(id);
    expect(Date.now() - started).toBeLessThan(options.timeoutMs);
  });

  it("answers 404 with the host's reason when the partition's owner has no such twin", async () => {
    const id = isolatedId('veh-unknown', ISOLATED_PARTITIONS);
    const sub = nc.subscribe(subjects.twinQuery(partitionOf(id, ISOLATED_PARTITIONS), id), {
      callback: (_err, msg) => {
        msg.respond(JSON.stringify({ ok: false, error: `no twin for vehicle ${id}` }));
      },
    });
    await nc.flush();
    try {
      const response = await twinResponse(runtime.link.connection, id, options);
      expect(response.status).toBe(404);
      expect(((await response.json()) as { error: string }).error).toContain(`no twin for vehicle ${id}`);
    } finally {
      sub.unsubscribe();
    }
  });

  it('answers 502, not a crash, when the owner replies with something that is not a twin reply', async () => {
    const id = isolatedId('veh-garbled', ISOLATED_PARTITIONS);
    const sub = nc.subscribe(subjects.twinQuery(partitionOf(id, ISOLATED_PARTITIONS), id), {
      callback: (_err, msg) => {
        msg.respond('<html>');
      },
    });
    await nc.flush();
    try {
      expect((await twinResponse(runtime.link.connection, id, options)).status).toBe(502);
    } finally {
      sub.unsubscribe();
    }
  });

  it('answers 504 when the owner does not reply in time', async () => {
    const id = isolatedId('veh-slow', ISOLATED_PARTITIONS);
    const sub = nc.subscribe(subjects.twinQuery(partitionOf(id, ISOLATED_PARTITIONS), id), { callback: () => {} });
    await nc.flush();
    try {
      const response = await twinResponse(runtime.link.connection, id, { ...options, timeoutMs: 300 });
      expect(response.status).toBe(504);
    } finally {
      sub.unsubscribe();
    }
  });

  it.each(['has space', 'dot.ted', 'wild*', '', 'x'.repeat(65)])(
    'rejects the malformed id %j with a 400 that states the rule',
    async (bad) => {
      const response = await twinResponse(runtime.link.connection, bad, options);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: string }).error).toMatch(/invalid vehicle id .*1-64 characters/);
    },
  );

  it('answers 503 when the NATS connection is down', async () => {
    const lost = await connectNats(config.FLEET_NATS_URL, 'web-api-test-closed');
    await lost.close();
    const closed = await twinResponse(lost, isolatedId('veh-down', ISOLATED_PARTITIONS), options);
    expect(closed.status).toBe(503);
    const never = await twinResponse(null, isolatedId('veh-down', ISOLATED_PARTITIONS), options);
    expect(never.status).toBe(503);
  });
});

describe('GET /api/health', () => {
  it('is 200 with the projection counts while NATS is up, 503 when it is not', async () => {
    const up = healthResponse({
      nats: runtime.link.state,
      projection: runtime.projection,
      feed: runtime.feedStats(),
      streamClients: 0,
    });
    expect(up.status).toBe(200);
    const body = (await up.json()) as { ok: boolean; vehicles: number; hosts: number; deltas: { accepted: number } };
    expect(body.ok).toBe(true);
    expect(body.vehicles).toBeGreaterThan(0);
    expect(body.hosts).toBeGreaterThan(0);
    expect(body.deltas.accepted).toBeGreaterThan(0);

    const down = healthResponse({ nats: 'reconnecting', projection: runtime.projection, feed: runtime.feedStats(), streamClients: 0 });
    expect(down.status).toBe(503);
  });
});

/** Reads the binary stream into `store`, yielding each frame after it was applied. */
async function* readFrames(response: Response, store: FleetStore): AsyncGenerator<Frame> {
  const reader = response.body!.getReader();
  const frames = new FrameReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    for (const frame of frames.push(value)) {
      if (frame.kind === frameKinds.catalogue) store.applyCatalogue(frame.body);
      else if (frame.kind === frameKinds.updates) store.applyUpdates(frame.payload, 0);
      yield frame;
    }
  }
}

async function nextFrame(frames: AsyncGenerator<Frame>, kind: number): Promise<Frame> {
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no frame of kind ${kind} in time`)), 5_000));
  for (;;) {
    const next = await Promise.race([frames.next(), timeout]);
    if (next.done) throw new Error('stream ended');
    if (next.value.kind === kind) return next.value;
  }
}
