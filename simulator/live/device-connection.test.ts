import { createServer, type AddressInfo, type Socket } from 'node:net';
import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../infra/config/env';
import { DeviceConnection, type DeviceConnectionOptions } from './device-connection';

const { FLEET_MQTT_URL: url } = loadConfig();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(ready: () => boolean, timeoutMs: number, what: string): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !ready(); ) {
    if (Date.now() > deadline) throw new Error(`${what}: not after ${timeoutMs} ms`);
    await sleep(20);
  }
}

function connection(clientId: string, overrides: Partial<DeviceConnectionOptions> = {}) {
  const events = { connects: 0, errors: [] as string[] };
  const conn = new DeviceConnection({
    url, clientId, persistent: false, keepaliveS: 30, reconnectMs: 200, connectTimeoutMs: 5000,
    onConnect: () => events.connects++,
    onClose: () => undefined,
    onError: (err) => events.errors.push(err.message),
    ...overrides,
  });
  return { conn, events };
}

describe("a simulated device's MQTT connection", () => {
  it('publishes taken before connecting, across a hang-up and across a dropped connection all reach the broker, in order of first arrival', async () => {
    const deviceId = `CONN${Math.floor(Math.random() * 1e9)}`;
    const topic = `fleet/${deviceId}/${deviceId}-gps/json`;
    const received: number[] = [];
    const listener = await mqtt.connectAsync(url, { clientId: `${deviceId}-listener`, clean: true });
    await listener.subscribeAsync(topic, { qos: 1 });
    listener.on('message', (_t, payload) => received.push(Number(payload.toString())));
    const { conn, events } = connection(deviceId);
    let acked = 0;
    const send = (n: number) => conn.publish(topic, new TextEncoder().encode(String(n)), (err) => (err ? undefined : acked++));
    try {
      for (let n = 1; n <= 50; n++) send(n); // before the connection exists
      conn.open();
      await until(() => acked === 50, 10_000, 'first 50 acknowledged');

      for (let n = 51; n <= 300; n++) send(n);
      await conn.end(0); // hang up at once: what is unacknowledged stays for the next connection
      for (let n = 301; n <= 350; n++) send(n);
      conn.open();
      await until(() => conn.connected, 10_000, 'connected again');
      conn.drop(); // and once more without a goodbye: it dials again by itself
      for (let n = 351; n <= 400; n++) send(n);
      await until(() => acked === 400, 15_000, 'all 400 acknowledged');
      expect(conn.unacknowledged).toBe(0);
      expect(events.connects).toBeGreaterThanOrEqual(3);

      await until(() => new Set(received).size === 400, 5_000, 'all 400 received');
      // A resend (DUP) may repeat one the broker already had, never reorder what arrived first.
      const firsts = received.filter((n, i) => received.indexOf(n) === i);
      expect(firsts).toEqual(Array.from({ length: 400 }, (_, i) => i + 1));
    } finally {
      await conn.end(0);
      await listener.endAsync();
    }
  });

  it('a broker that never answers CONNECT is reported, dialled again, and publishes wait for a connection instead of failing', async () => {
    // Accepts TCP and says nothing, as a wedged broker or a wrong port behind a proxy would.
    const sockets: Socket[] = [];
    const mute = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => mute.listen(0, '127.0.0.1', resolve));
    const { port } = mute.address() as AddressInfo;
    const { conn, events } = connection(`MUTE${Math.floor(Math.random() * 1e9)}`, { url: `mqtt://127.0.0.1:${port}`, connectTimeoutMs: 200 });
    let failed = 0;
    try {
      conn.publish('fleet/x/y/json', new Uint8Array([1]), (err) => (err ? failed++ : undefined));
      conn.open();
      await until(() => events.errors.length >= 2, 5_000, 'two timeouts');
      expect(events.errors[0]).toMatch(/MQTT CONNECT to 127\.0\.0\.1:\d+ timed out/);
      expect(sockets.length).toBeGreaterThanOrEqual(2);
      expect(events.connects).toBe(0);
      expect(conn.unacknowledged).toBe(1);
      expect(failed).toBe(0);
    } finally {
      await conn.end(0);
      expect(conn.abandon('giving up')).toBe(1);
      expect(failed).toBe(1);
      for (const socket of sockets) socket.destroy();
      mute.close();
    }
  });

  it('a persistent session without a client id is refused before dialling', () => {
    expect(() => connection('', { persistent: true })).toThrow(/persistent MQTT session needs a client id/);
  });
});
