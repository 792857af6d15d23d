import { randomBytes } from 'node:crypto';
import mqtt from 'mqtt';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NatsConnection } from '@nats-io/transport-node';
import { loadConfig } from '../../infra/config/env';
import { storedReadings } from '../../infra/testing/stored-telemetry';
import { connectNats, ensureStreams } from '../bus/connect';
import { Ingress } from './ingress';

const config = loadConfig();
const testsStartedAt = new Date();
const log = pino({ level: 'warn' });
const run = randomBytes(3).toString('hex').toUpperCase();
let nc: NatsConnection;

beforeAll(async () => {
  nc = await connectNats(config.FLEET_NATS_URL, 'ingress-test');
  await ensureStreams(nc);
});
afterAll(async () => nc.drain());

/** How many of a vehicle's readings JetStream stored, counted until `expected` or the timeout. */
async function storedRecords(vehicleId: string, expected: number, timeoutMs: number): Promise<number> {
  return (await storedReadings(nc, vehicleId, { partitions: config.FLEET_PARTITIONS, since: testsStartedAt, expected, timeoutMs })).length;
}

describe('ingress replicas sharing one subscription', () => {
  it('a replica that stopped leaves no share of the device traffic stranded in the broker', { timeout: 60_000 }, async () => {
    const group = `stop${run}`;
    const replica = (id: string) =>
      new Ingress(nc, { mqttUrl: config.FLEET_MQTT_URL, partitions: config.FLEET_PARTITIONS, connections: 2, instanceId: `${group}-${id}`, group }, log);
    const staying = replica('a');
    const leaving = replica('b');
    await staying.start();
    await leaving.start();
    await leaving.stop();

    const vehicleId = `ING${run}`;
    const device = await mqtt.connectAsync(config.FLEET_MQTT_URL, { clientId: `ingress-test-${run}`, protocolVersion: 5 });
    const sent = 60;
    const t0 = Date.now();
    for (let seq = 1; seq <= sent; seq++) {
      const reading = { v: 1, seq, ts: t0 + seq * 1000, kind: 'gps', position: { lat: 43.73, lon: 7.42, speedKph: 30 } };
      await device.publishAsync(`fleet/${vehicleId}/${vehicleId}-gps/json`, JSON.stringify(reading), { qos: 1 });
    }
    await device.endAsync();
    try {
      // Before the fix, the stopped replica's persistent session kept half of the shares: ~30 stored.
      expect(await storedRecords(vehicleId, sent, 20_000)).toBe(sent);
    } finally {
      await staying.stop();
    }
  });

  it('stopping waits for the messages already delivered to it, so none is left unacknowledged', { timeout: 60_000 }, async () => {
    const group = `drain${run}`;
    const ingress = new Ingress(nc, { mqttUrl: config.FLEET_MQTT_URL, partitions: config.FLEET_PARTITIONS, connections: 1, instanceId: group, group }, log);
    await ingress.start();
    const vehicleId = `DRN${run}`;
    const device = await mqtt.connectAsync(config.FLEET_MQTT_URL, { clientId: `ingress-drain-${run}`, protocolVersion: 5 });
    const sent = 200;
    const t0 = Date.now();
    await Promise.all(
      Array.from({ length: sent }, (_, i) =>
        device.publishAsync(`fleet/${vehicleId}/${vehicleId}-gps/json`, JSON.stringify({ v: 1, seq: i + 1, ts: t0 + i, kind: 'gps', position: { lat: 43.73, lon: 7.42 } }), { qos: 1 }),
      ),
    );
    await device.endAsync();
    await ingress.stop();
    expect(ingress.stats.received).toBe(sent);
    expect(await storedRecords(vehicleId, sent, 10_000)).toBe(sent);
  });
});
