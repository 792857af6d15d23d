import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NatsConnection } from '@nats-io/transport-node';
import { headers } from '@nats-io/nats-core';
import { jetstreamManager } from '@nats-io/jetstream';
import { loadConfig } from '../../infra/config/env';
import { connectNats } from './connect';
import { JetStreamPublisher } from './jetstream-publisher';

const run = randomBytes(3).toString('hex');
const stream = `PUBTEST_${run}`;
let nc: NatsConnection;

beforeAll(async () => {
  nc = await connectNats(loadConfig().FLEET_NATS_URL, 'jetstream-publisher-test');
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: stream, subjects: [`pubtest.${run}.>`], duplicate_window: 60_000_000_000 });
});

afterAll(async () => {
  const jsm = await jetstreamManager(nc);
  await jsm.streams.delete(stream).catch(() => undefined);
  await nc.drain();
});

const withId = (id: string) => {
  const h = headers();
  h.set('Nats-Msg-Id', id);
  return h;
};

describe('JetStream publishes over one reply subscription', () => {
  it('stores many at once, each answered with its own sequence; a resend with the same id is a duplicate', async () => {
    const publisher = new JetStreamPublisher(nc);
    const acks = await Promise.all(Array.from({ length: 500 }, (_, i) => publisher.publish(`pubtest.${run}.a`, new TextEncoder().encode(`m${i}`), withId(`m${i}`))));
    // Queued in one turn and sent together, still stored in the order published.
    expect(acks.map((a) => a.seq)).toEqual(acks.map((a) => a.seq).sort((x, y) => x - y));
    expect(new Set(acks.map((a) => a.seq)).size).toBe(500);
    expect(acks.every((a) => a.stream === stream && !a.duplicate)).toBe(true);
    const again = await publisher.publish(`pubtest.${run}.a`, new TextEncoder().encode('m7'), withId('m7'));
    expect(again).toEqual({ stream, seq: acks[7]!.seq, duplicate: true });
    const info = await (await jetstreamManager(nc)).streams.info(stream);
    expect(info.state.messages).toBe(500);
    publisher.close();
  });

  it('a subject no stream takes is refused at once, saying so', async () => {
    const publisher = new JetStreamPublisher(nc);
    await expect(publisher.publish(`nostream.${run}`, new Uint8Array([1]))).rejects.toThrow(/no JetStream stream takes nostream\..* \(no responders\)/);
    publisher.close();
  });

  it('an unanswered publish fails after the timeout; one pending at close, or made after it, fails at once', async () => {
    // A plain subscriber that never answers: the server sees a responder, JetStream never acks.
    const silent = nc.subscribe(`silent.${run}`);
    const publisher = new JetStreamPublisher(nc, 300);
    const startedAt = Date.now();
    await expect(publisher.publish(`silent.${run}`, new Uint8Array([1]))).rejects.toThrow(/did not acknowledge a publish to silent\..* within 300 ms/);
    expect(Date.now() - startedAt).toBeLessThan(3000);

    const patient = new JetStreamPublisher(nc, 60_000);
    const pending = patient.publish(`silent.${run}`, new Uint8Array([2]));
    patient.close();
    await expect(pending).rejects.toThrow(/publisher closed/);
    await expect(patient.publish(`silent.${run}`, new Uint8Array([3]))).rejects.toThrow(/publisher closed/);
    publisher.close();
    silent.unsubscribe();
  });
});
