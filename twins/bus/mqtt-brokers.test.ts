import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import mqtt from 'mqtt';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { loadConfig } from '../../infra/config/env';
import { storedReadings } from '../../infra/testing/stored-telemetry';
import { freePort } from '../../infra/stack/address';
import * as mosquitto from '../../infra/stack/mosquitto';
import type { StartedServer } from '../../infra/stack/server';
import { CommandBridge } from '../commands/bridge';
import { commandTopic } from '../commands/command';
import { Ingress } from '../ingress/ingress';
import { connectNats, ensureStreams } from './connect';
import { brokerFor, brokerUrls } from './mqtt-brokers';
import { subjects } from './subjects';

/**
 * Devices split over two brokers (one broker process holds one open file per connection, so a
 * big fleet needs several): the ingress takes every broker's readings and the command bridge
 * reaches a device on either. The second broker is a private Mosquitto started here.
 */
const config = loadConfig();
const testsStartedAt = new Date();
const log = pino({ level: 'warn' });
const run = randomBytes(3).toString('hex').toUpperCase();
let nc: NatsConnection;
let second: StartedServer;
let dataDir: string;
let brokers: string;

beforeAll(async () => {
  nc = await connectNats(config.FLEET_NATS_URL, 'brokers-test');
  await ensureStreams(nc);
  dataDir = mkdtempSync(join(tmpdir(), 'fleettwin-second-broker-'));
  second = await mosquitto.start({ port: await freePort(), dataDir });
  brokers = `${config.FLEET_MQTT_URL}, ${second.address}`;
}, 60_000);

afterAll(async () => {
  await nc?.drain();
  await second?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** How many of a vehicle's readings JetStream stored, counted until `expected` or the timeout. */
async function storedRecords(vehicleId: string, expected: number, timeoutMs: number): Promise<number> {
  return (await storedReadings(nc, vehicleId, { partitions: config.FLEET_PARTITIONS, since: testsStartedAt, expected, timeoutMs })).length;
}

describe('devices split over several MQTT brokers', () => {
  it('names each broker once and keeps all of a vehicle\'s devices on one, spread over them', () => {
    expect(brokerUrls(' mqtt://a:1883 ,mqtt://b:1883,')).toEqual(['mqtt://a:1883', 'mqtt://b:1883']);
    expect(() => brokerUrls(' , ')).toThrow(/names no broker/);
    const urls = ['mqtt://a', 'mqtt://b'];
    const used = new Set(Array.from({ length: 40 }, (_, i) => brokerFor(`V${10_000 + i}`, urls)));
    expect(used).toEqual(new Set(urls));
    expect(brokerFor('V10001', urls)).toBe(brokerFor('V10001', urls));
  });

  it('one ingress takes every broker\'s readings, and a command reaches a device on either broker', { timeout: 60_000 }, async () => {
    const group = `multi${run}`;
    const ingress = new Ingress(nc, { mqttUrl: brokers, partitions: config.FLEET_PARTITIONS, connections: 1, instanceId: group, group }, log);
    await ingress.start();
    const bridge = new CommandBridge(nc, { mqttUrl: brokers, instanceId: group }, log);
    await bridge.start();
    const urls = brokerUrls(brokers);
    const devices = await Promise.all(
      urls.map(async (url, i) => {
        const vehicleId = `MB${run}${i}`;
        const client = await mqtt.connectAsync(url, { clientId: `${vehicleId}-gps`, clean: true });
        const commands: string[] = [];
        client.on('message', (_topic, payload) => commands.push(payload.toString()));
        await client.subscribeAsync(commandTopic(vehicleId, `${vehicleId}-gps`), { qos: 1 });
        return { vehicleId, client, commands };
      }),
    );
    try {
      const t0 = Date.now();
      for (const { vehicleId, client } of devices) {
        for (let seq = 1; seq <= 10; seq++) {
          const reading = { v: 1, seq, ts: t0 + seq * 1000, kind: 'gps', position: { lat: 43.73, lon: 7.42, speedKph: 30 } };
          await client.publishAsync(`fleet/${vehicleId}/${vehicleId}-gps/json`, JSON.stringify(reading), { qos: 1 });
        }
      }
      for (const { vehicleId } of devices) expect(await storedRecords(vehicleId, 10, 15_000)).toBe(10);

      const js = jetstream(nc);
      for (const { vehicleId } of devices) {
        const command = { v: 1, id: `mb-${vehicleId}`, type: 'ota.rollback', vehicleId, deviceId: `${vehicleId}-gps`, campaignId: 'camp-mb', version: '3.5.0' };
        await js.publish(subjects.command(vehicleId), JSON.stringify(command), { msgID: command.id });
      }
      for (const { vehicleId, commands } of devices) {
        await expect.poll(() => commands.map((c) => JSON.parse(c).id), { timeout: 10_000 }).toEqual([`mb-${vehicleId}`]);
      }
    } finally {
      await Promise.all(devices.map((d) => d.client.endAsync()));
      await bridge.stop();
      await ingress.stop();
    }
  });
});
