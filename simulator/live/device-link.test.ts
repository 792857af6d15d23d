import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../infra/config/env';
import { DeviceLink } from './device-link';

const { FLEET_MQTT_URL: url } = loadConfig();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(ready: () => boolean, timeoutMs: number): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !ready(); ) {
    if (Date.now() > deadline) throw new Error(`not ready after ${timeoutMs} ms`);
    await sleep(50);
  }
}

describe('a simulated device link', () => {
  it('a command sent while the device is offline reaches it when it connects again (persistent session)', async () => {
    const deviceId = `LINK${Math.floor(Math.random() * 1e9)}-gps`;
    const topic = `cmd/${deviceId}`;
    const received: string[] = [];
    const link = () => new DeviceLink(deviceId, 'gps', 'json', { url, commands: { topic, receive: (p) => received.push(Buffer.from(p).toString()) } });
    const first = link();
    first.open();
    await until(() => first.stats.connected, 10_000);
    const operator = await mqtt.connectAsync(url, { clientId: `${deviceId}-operator`, clean: true });
    try {
      await operator.publishAsync(topic, 'while online', { qos: 1 });
      await until(() => received.length === 1, 5_000);
      await first.close();
      await operator.publishAsync(topic, 'while offline', { qos: 1 });
      const second = link();
      second.open();
      await until(() => received.length === 2, 10_000);
      expect(received).toEqual(['while online', 'while offline']);
      await second.close();
    } finally {
      await operator.endAsync();
    }
  });
});
