import { randomBytes } from 'node:crypto';
import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../infra/config/env';
import { brokerUrls } from '../bus/mqtt-brokers';
import { PipelinedSubscription } from './pipelined-subscription';

const url = brokerUrls(loadConfig().FLEET_MQTT_URL)[0]!;
const run = randomBytes(3).toString('hex');

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('pipelined MQTT subscription', () => {
  it('stores messages concurrently but acknowledges only finished ones, in order: an unfinished one is redelivered', { timeout: 30_000 }, async () => {
    const topic = `pipetest/${run}`;
    const clientId = `pipetest-${run}`;
    const held = new Map<string, () => void>();
    const first = new PipelinedSubscription({
      url,
      clientId,
      filter: `${topic}/#`,
      sessionExpirySeconds: 60,
      receiveMaximum: 16,
      onMessage: (_topic, payload) => new Promise<void>((resolve) => held.set(payload.toString(), resolve)),
    });
    await first.start();

    const publisher = await mqtt.connectAsync(url, { clientId: `${clientId}-pub`, clean: true });
    for (let i = 1; i <= 6; i++) await publisher.publishAsync(`${topic}/m`, `m${i}`, { qos: 1 });
    // All six are with the handler at once: a one-at-a-time client would show only m1 here.
    await until(() => held.size === 6);
    expect(first.inFlight).toBe(6);

    held.get('m1')!();
    held.get('m2')!();
    held.get('m4')!(); // finished, but its ack must wait for m3
    await until(() => first.inFlight === 3);
    await new Promise((r) => setTimeout(r, 200));
    await first.stop();

    const redelivered: string[] = [];
    const second = new PipelinedSubscription({
      url,
      clientId,
      filter: `${topic}/#`,
      sessionExpirySeconds: 0,
      receiveMaximum: 16,
      onMessage: async (_topic, payload) => {
        redelivered.push(payload.toString());
      },
    });
    await second.start();
    await until(() => redelivered.length >= 4);
    await new Promise((r) => setTimeout(r, 300));
    await second.stop();
    await publisher.endAsync();
    expect(redelivered.sort()).toEqual(['m3', 'm4', 'm5', 'm6']);
  });

  it('a connection the broker drops is made again and the subscription resumes', { timeout: 30_000 }, async () => {
    const topic = `pipetest/${run}/drop`;
    const clientId = `pipetest-drop-${run}`;
    const received: string[] = [];
    let reconnects = 0;
    const subscription = new PipelinedSubscription({
      url,
      clientId,
      filter: topic,
      sessionExpirySeconds: 60,
      receiveMaximum: 16,
      reconnectMs: 100,
      onMessage: async (_topic, payload) => {
        received.push(payload.toString());
      },
      onReconnect: () => reconnects++,
    });
    await subscription.start();
    // A second client with the same id takes the session over: the broker drops the first.
    const usurper = await mqtt.connectAsync(url, { clientId, clean: false, protocolVersion: 5, properties: { sessionExpiryInterval: 60 }, reconnectPeriod: 0 });
    await usurper.endAsync();
    await until(() => reconnects >= 1);
    const publisher = await mqtt.connectAsync(url, { clientId: `${clientId}-pub`, clean: true });
    await publisher.publishAsync(topic, 'after', { qos: 1 });
    await until(() => received.includes('after'));
    await publisher.endAsync();
    await subscription.stop();
  });

  it('a broker that is not there fails start with a clear error instead of retrying forever', async () => {
    const absent = new PipelinedSubscription({
      url: 'mqtt://127.0.0.1:1',
      clientId: `pipetest-absent-${run}`,
      filter: 'x',
      sessionExpirySeconds: 0,
      receiveMaximum: 1,
      onMessage: async () => undefined,
    });
    await expect(absent.start()).rejects.toThrow(/closed|ECONNREFUSED/);
    await expect(new PipelinedSubscription({ url: 'ws://127.0.0.1:1', clientId: 'x', filter: 'x', sessionExpirySeconds: 0, receiveMaximum: 1, onMessage: async () => undefined }).start()).rejects.toThrow(/only mqtt:\/\/ and mqtts:\/\//);
  });
});
