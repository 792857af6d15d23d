import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../infra/stack/address';
import * as mosquitto from '../../infra/stack/mosquitto';
import type { StartedServer } from '../../infra/stack/server';
import { waitFor } from '../../infra/testing/processes';
import { noFaults } from '../faults/fault-rates';
import { Simulation } from '../simulation';
import { createRandom } from '../world/random';
import { createWorld } from '../world/world';
import { LiveFleet } from './live-fleet';

const world = createWorld(createRandom('broker-faults'), { kind: 'monaco' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The sequence number of a well-formed reference JSON reading; undefined for a deliberately broken one. */
function wellFormedSeq(payload: Buffer): number | undefined {
  try {
    const body = JSON.parse(payload.toString('utf8')) as { v: number; seq: number };
    return body.v === 1 ? body.seq : undefined;
  } catch {
    return undefined;
  }
}

/** Distinct readings per device a subscriber received: QoS 1 may deliver one twice. */
function collector() {
  const seen = new Map<string, Set<number>>();
  return {
    seen,
    add(topic: string, payload: Buffer) {
      const deviceId = topic.split('/')[2]!;
      const seq = wellFormedSeq(payload);
      if (seq === undefined) return;
      const set = seen.get(deviceId) ?? new Set<number>();
      set.add(seq);
      seen.set(deviceId, set);
    },
  };
}

describe('the simulator under broker and network faults (private Mosquitto)', () => {
  const baseDir = mkdtempSync(join(tmpdir(), 'fleettwin-sim-broker-'));
  chmodSync(baseDir, 0o755);
  let port: number;
  let broker: StartedServer;
  let url: string;

  beforeAll(async () => {
    port = await freePort();
    broker = await mosquitto.start({ port, dataDir: join(baseDir, 'mosquitto') });
    url = broker.address;
  });

  afterAll(async () => {
    await broker?.stop();
    rmSync(baseDir, { recursive: true, force: true });
  });

  it('a broker restart under load: every device reconnects and every reading reaches the broker exactly as acknowledged', { timeout: 90_000 }, async () => {
    const got = collector();
    const subscriber = await mqtt.connectAsync(url, { clientId: 'sim-restart-sub', clean: false, reconnectPeriod: 300 });
    subscriber.on('message', (topic, payload) => got.add(topic, payload));
    await subscriber.subscribeAsync('fleet/#', { qos: 1 });

    const startMs = Date.now();
    const sim = new Simulation({ world, vehicles: 5, devicesPerVehicle: 4, seed: 'restart', startMs, seqStart: 1, rate: 5, shift: { firstShiftWithinS: 1 } });
    const live = new LiveFleet(sim, { mqttUrl: url, connectRate: 100 });
    live.start();
    await waitFor(() => live.totals().connected === 20, 20_000, 'every device to connect');
    await sleep(2000);
    await broker.stop();
    const sentWhileDown = live.totals().sent;
    await sleep(1500);
    broker = await mosquitto.start({ port, dataDir: join(baseDir, 'mosquitto') });
    await waitFor(() => live.totals().connected === 20, 30_000, 'every device to reconnect');
    await sleep(2000);
    await live.stop(15_000);

    const totals = live.totals();
    expect(totals.sent).toBeGreaterThan(sentWhileDown);
    expect(totals.reconnects).toBeGreaterThanOrEqual(20);
    expect(totals.errors).toBe(0);
    expect(totals.acked).toBe(totals.sent);
    await waitFor(() => live.deviceStats().every((d) => (got.seen.get(d.deviceId)?.size ?? 0) >= d.readingsAcked), 20_000, 'the subscriber to receive every reading');
    for (const d of live.deviceStats()) expect(got.seen.get(d.deviceId)?.size, d.deviceId).toBe(d.readingsAcked);
    await subscriber.endAsync();
  });

  it('coverage gaps: readings taken out of coverage are replayed in order after reconnecting; duplicates and broken payloads are counted', { timeout: 90_000 }, async () => {
    const got = collector();
    const order = new Map<string, number[]>();
    const subscriber = await mqtt.connectAsync(url, { clientId: 'sim-gaps-sub', clean: true });
    subscriber.on('message', (topic, payload) => {
      got.add(topic, payload);
      const seq = wellFormedSeq(payload);
      const deviceId = topic.split('/')[2]!;
      if (seq !== undefined) order.set(deviceId, [...(order.get(deviceId) ?? []), seq]);
    });
    await subscriber.subscribeAsync('fleet/#', { qos: 1 });

    const startMs = Date.now();
    const faults = { ...noFaults, gapsPerHour: 400, gapS: [2, 5] as const, duplicateRate: 0.05, malformedRate: 0.05 };
    const sim = new Simulation({ world, vehicles: 5, firstVehicle: 100, devicesPerVehicle: 4, seed: 'gaps', startMs, seqStart: 1, rate: 5, faults, shift: { firstShiftWithinS: 1 } });
    const live = new LiveFleet(sim, { mqttUrl: url, connectRate: 100 });
    live.start();
    await sleep(15_000);
    await live.stop(10_000);

    const t = live.totals();
    expect(t.stored).toBeGreaterThan(0);
    expect(t.replayed).toBeGreaterThan(0);
    expect(t.replayed + t.held).toBe(t.stored);
    expect(t.duplicatesSent).toBeGreaterThan(0);
    expect(t.malformedAcked).toBeGreaterThan(0);
    expect(t.acked).toBe(t.sent);
    await waitFor(() => live.deviceStats().every((d) => (got.seen.get(d.deviceId)?.size ?? 0) >= d.readingsAcked), 20_000, 'the subscriber to receive every reading');
    for (const d of live.deviceStats()) {
      expect(got.seen.get(d.deviceId)?.size ?? 0, d.deviceId).toBe(d.readingsAcked);
      // One connection per device, replay oldest first: sequence numbers never go back (resends repeat one).
      const seqs = order.get(d.deviceId) ?? [];
      seqs.forEach((s, i) => i > 0 && expect(s, d.deviceId).toBeGreaterThanOrEqual(seqs[i - 1]!));
    }
    await subscriber.endAsync();
  });
});
