import { randomBytes } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import { Objm } from '@nats-io/obj';
import { jetstream } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PipelineHarness, waitFor } from '../e2e/harness';
import { deadLetterHeaders, OBJECT_STORE_FIRMWARE, subjects } from '../bus/subjects';
import { CommandBridge } from './bridge';
import { commandTopic } from './command';
import { serveFirmwareDownloads, type FirmwareDownloads } from './firmware-downloads';

const run = randomBytes(3).toString('hex');
const vehicleId = `VC${run}`;
const deviceId = `${vehicleId}-gps`;
let h: PipelineHarness;
let bridge: CommandBridge;
let downloads: FirmwareDownloads;
let device: MqttClient;
const received: Array<{ topic: string; body: string }> = [];

beforeAll(async () => {
  h = new PipelineHarness();
  await h.start({ group: `cmd-${run}` });
  bridge = new CommandBridge(h.nc, { mqttUrl: h.config.FLEET_MQTT_URL, instanceId: `cmd-${run}` }, h.log);
  await bridge.start();
  downloads = await serveFirmwareDownloads(h.nc, { port: 0, host: '127.0.0.1' }, h.log);
  device = await mqtt.connectAsync(h.config.FLEET_MQTT_URL, { clientId: deviceId, clean: true });
  device.on('message', (topic, payload) => received.push({ topic, body: payload.toString() }));
  await device.subscribeAsync(commandTopic(vehicleId, deviceId), { qos: 1 });
}, 120_000);

afterAll(async () => {
  await device?.endAsync();
  await downloads?.stop();
  await bridge?.stop();
  await h?.stop();
});

const command = (over: Record<string, unknown> = {}) => ({
  v: 1, id: `c-${Math.random()}`, type: 'ota.rollback', vehicleId, deviceId, campaignId: 'camp-1', version: '3.5.0', ...over,
});

describe('device command bridge', () => {
  it('a command published on cmd.<vehicleId> reaches the device on its MQTT command topic, once', async () => {
    const js = jetstream(h.nc);
    const c = command();
    await js.publish(subjects.command(vehicleId), JSON.stringify(c), { msgID: c.id });
    // A resend with the same id is dropped by JetStream: the device gets one copy.
    await js.publish(subjects.command(vehicleId), JSON.stringify(c), { msgID: c.id });
    await waitFor(() => received.find((r) => JSON.parse(r.body).id === c.id), 10_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(received.filter((r) => JSON.parse(r.body).id === c.id)).toEqual([{ topic: `cmd/${vehicleId}/${deviceId}`, body: JSON.stringify(c) }]);
  });

  it('a broken command lands in the dead-letter stream with its reason, and never reaches a device', async () => {
    await h.markDeadLetters();
    const js = jetstream(h.nc);
    await js.publish(subjects.command(vehicleId), 'not json');
    await js.publish(subjects.command(vehicleId), JSON.stringify(command({ type: 'self_destruct' })));
    await js.publish(subjects.command(vehicleId), JSON.stringify(command({ vehicleId: 'OTHER' })));
    const letters = await h.deadLetters(3, 10_000);
    expect(letters.map((m) => [m.subject, m.headers?.get(deadLetterHeaders.reason)])).toEqual([
      ['dlq.commands.bad_json', 'bad_json'],
      ['dlq.commands.bad_command', 'bad_command'],
      ['dlq.commands.wrong_subject', 'wrong_subject'],
    ]);
    expect(letters[1]!.headers?.get(deadLetterHeaders.detail)).toMatch(/^type: /);
    expect(received.some((r) => r.body === 'not json' || r.body.includes('self_destruct'))).toBe(false);
  });

  it('serves a firmware artifact from the object store by manifest id, and 404 for an unknown one', async () => {
    const bytes = randomBytes(200_000);
    await (await new Objm(h.nc).create(OBJECT_STORE_FIRMWARE)).putBlob({ name: `fw-${run}` }, bytes);
    const ok = await fetch(`${downloads.url}/firmware/fw-${run}`);
    expect(ok.status).toBe(200);
    expect(Buffer.from(await ok.arrayBuffer()).equals(bytes)).toBe(true);
    expect((await fetch(`${downloads.url}/firmware/nothing-${run}`)).status).toBe(404);
    expect((await fetch(`${downloads.url}/firmware/../etc/passwd`)).status).toBe(404);
  });

  it('a wave downloading one artifact at once gets the same bytes, and one published again under its name is never served stale', async () => {
    const store = await new Objm(h.nc).create(OBJECT_STORE_FIRMWARE);
    const first = randomBytes(50_000);
    await store.putBlob({ name: `wave-${run}` }, first);
    const many = await Promise.all(Array.from({ length: 200 }, async () => Buffer.from(await (await fetch(`${downloads.url}/firmware/wave-${run}`)).arrayBuffer())));
    expect(many.every((b) => b.equals(first))).toBe(true);
    const second = randomBytes(50_000);
    await store.putBlob({ name: `wave-${run}` }, second);
    expect(Buffer.from(await (await fetch(`${downloads.url}/firmware/wave-${run}`)).arrayBuffer()).equals(second)).toBe(true);
  });
});
