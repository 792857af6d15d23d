import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../infra/config/env';
import { referenceMessageSchema } from '../../twins/adapters/reference-json';
import { Simulation, type SimulationOptions } from '../simulation';
import { createRandom } from '../world/random';
import { createWorld } from '../world/world';
import { LiveFleet } from './live-fleet';

const { FLEET_MQTT_URL: url } = loadConfig();
const world = createWorld(createRandom('live-test'), { kind: 'monaco' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('live fleet on the real broker', () => {
  // Vehicle numbers far from any other run's, so parallel simulators never take over our client ids.
  const firstVehicle = 90_000 + Math.floor(Math.random() * 9_000);
  const vehicleIds = [0, 1, 2].map((i) => `V${firstVehicle + i}`);
  const startMs = Date.now();
  const options: SimulationOptions = { world, vehicles: 3, firstVehicle, devicesPerVehicle: 4, seed: 'live', startMs, seqStart: startMs, rate: 4, shift: { firstShiftWithinS: 1 } };
  const received: Array<{ topic: string; payload: string }> = [];
  let subscriber: mqtt.MqttClient;
  let live: LiveFleet;

  beforeAll(async () => {
    subscriber = await mqtt.connectAsync(url, { clientId: `sim-test-sub-${firstVehicle}`, clean: true });
    subscriber.on('message', (topic, payload) => received.push({ topic, payload: payload.toString('utf8') }));
    await subscriber.subscribeAsync(vehicleIds.map((id) => `fleet/${id}/#`), { qos: 1 });
    live = new LiveFleet(new Simulation(options), { mqttUrl: url, connectRate: 20 });
    live.start();
    for (let i = 0; i < 100 && live.totals().connected < 12; i++) await sleep(100);
    await sleep(3000);
  });

  afterAll(async () => {
    await live?.stop(2000);
    await subscriber?.endAsync();
  });

  it('connects every device with its own client id: 3 vehicles × 4 devices = 12 connections', async () => {
    expect(live.totals().connected).toBe(12);
    const ids = live.deviceStats().map((s) => s.deviceId);
    expect(new Set(ids).size).toBe(12);
    // The broker knows them by those ids: a newcomer with the same id takes each session over.
    const probes = await Promise.all(ids.map((clientId) => mqtt.connectAsync(url, { clientId, clean: true, reconnectPeriod: 0 })));
    for (let i = 0; i < 50 && live.totals().connected > 0; i++) await sleep(20);
    expect(live.totals().connected).toBe(0);
    await Promise.all(probes.map((p) => p.endAsync()));
    for (let i = 0; i < 200 && live.totals().connected < 12; i++) await sleep(50);
    expect(live.totals().connected).toBe(12);
  });

  it('a subscriber receives every acknowledged reading on its device topic, seq increasing per device, identical to the pure simulation', async () => {
    await live.stop(5000);
    await sleep(300);
    const totals = live.totals();
    expect(totals.sent).toBeGreaterThan(50);
    expect(totals.acked).toBe(totals.sent);
    expect(totals.errors).toBe(0);

    const byDevice = new Map<string, Array<{ seq: number; payload: string }>>();
    for (const m of received) {
      const [prefix, vehicle, device, format, ...rest] = m.topic.split('/');
      expect(prefix).toBe('fleet');
      expect(format).toBe('json');
      expect(rest).toEqual([]);
      expect(device!.startsWith(`${vehicle}-`)).toBe(true);
      const body = referenceMessageSchema.parse(JSON.parse(m.payload));
      expect(device).toBe(`${vehicle}-${body.kind}`);
      const list = byDevice.get(device!) ?? [];
      // QoS 1 is at-least-once: a resend after the takeover above is a duplicate, not a new reading.
      if (!list.some((x) => x.seq === body.seq)) list.push({ seq: body.seq, payload: m.payload });
      byDevice.set(device!, list);
    }
    expect(byDevice.size).toBe(12);

    const replay = new Simulation(options);
    const expected = new Map<string, string[]>();
    const lastTs = Math.max(...received.map((m) => JSON.parse(m.payload).ts as number));
    replay.advanceTo(lastTs, (m) => expected.set(m.deviceId, [...(expected.get(m.deviceId) ?? []), new TextDecoder().decode(m.payload)]));

    for (const stats of live.deviceStats()) {
      const got = byDevice.get(stats.deviceId)!;
      expect(got.length, stats.deviceId).toBe(stats.acked);
      got.forEach((g, i) => expect(g.seq).toBe(startMs + i));
      expect(got[got.length - 1]!.seq).toBe(stats.lastSeqAcked);
      expect(got.map((g) => g.payload)).toEqual(expected.get(stats.deviceId)!.slice(0, got.length));
    }
  });
});
