import { randomBytes } from 'node:crypto';
import { jetstream, jetstreamManager, type JetStreamManager, type JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../infra/config/env';
import { connectNats } from '../bus/connect';
import { PartitionFeed } from './partition-feed';

/** A stream of the test's own on the real NATS server, so no twin host of another file reads it. */
const stream = `FEED_TEST_${randomBytes(3).toString('hex').toUpperCase()}`;
const log = pino({ level: 'silent' });
let nc: NatsConnection;
let jsm: JetStreamManager;
const feeds: PartitionFeed[] = [];

beforeAll(async () => {
  nc = await connectNats(loadConfig().FLEET_NATS_URL, 'partition-feed-test');
  jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: stream, subjects: [`${stream}.>`] });
});
afterAll(async () => {
  for (const feed of feeds) feed.close();
  await jsm.streams.delete(stream);
  await nc.close();
});

async function publish(partition: number, count: number): Promise<void> {
  const js = jetstream(nc);
  for (let i = 0; i < count; i++) await js.publish(`${stream}.${partition}.v1`, `reading ${i}`);
}

async function until(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A feed applying into `applied` the way a twin host does: the applied sequence moves with it. */
function feedOf(partition: number, handle?: (m: JsMsg) => boolean | Promise<boolean>) {
  const applied: number[] = [];
  let appliedSeq = 0;
  const feed = new PartitionFeed(
    jetstream(nc),
    {
      stream,
      filter: `${stream}.${partition}.>`,
      partition,
      appliedSeq: () => appliedSeq,
      handle:
        handle ??
        ((m) => {
          applied.push(m.seq);
          appliedSeq = m.seq;
          return true;
        }),
    },
    log,
  );
  feeds.push(feed);
  return { feed, applied };
}

async function serverConsumers(): Promise<string[]> {
  const names: string[] = [];
  for await (const c of jsm.consumers.list(stream)) names.push(c.name);
  return names;
}

describe('partition feed', () => {
  it('a consumer deleted on the server, which the client never recovers from, is restarted after the last applied message', async () => {
    const { feed, applied } = feedOf(1);
    await publish(1, 3);
    await feed.start();
    await until('the first three messages', () => applied.length === 3);

    for (const name of await serverConsumers()) await jsm.consumers.delete(stream, name);
    await publish(1, 3);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    // The stall this guards: without the watchdog nothing more arrives.
    expect(applied).toHaveLength(3);

    await feed.check(Date.now(), 0);
    await until('the three published after the deletion', () => applied.length === 6);
    expect(feed.restarts).toBe(1);
    // Restarted after sequence 3, not from the start: nothing is applied twice.
    expect(applied).toEqual([...applied].sort((a, b) => a - b));
    expect(new Set(applied).size).toBe(6);
    await until('pending to reach 0', () => feed.pending === 0);
  });

  it('a quiet feed that is up to date reports nothing pending and is left running', async () => {
    const { feed, applied } = feedOf(2);
    await publish(2, 2);
    await feed.start();
    await until('both messages', () => applied.length === 2);
    await feed.check(Date.now(), 0);
    await feed.check(Date.now(), 0);
    expect(feed.restarts).toBe(0);
    expect(feed.pending).toBe(0);
    await publish(2, 1);
    await until('the next message on the same consumer', () => applied.length === 3);
  });

  it('a feed held back by its host (a late lease renewal) is not restarted however long it waits', async () => {
    let release: (goOn: boolean) => void = () => undefined;
    const held: number[] = [];
    const { feed } = feedOf(3, (m) => {
      held.push(m.seq);
      return new Promise<boolean>((resolve) => (release = resolve));
    });
    await publish(3, 3);
    await feed.start();
    await until('the first message to be held', () => held.length === 1);
    await feed.check(Date.now() + 60_000, 0);
    await feed.check(Date.now() + 60_000, 0);
    expect(feed.restarts).toBe(0);
    release(true);
    await until('the next message', () => held.length === 2);
    // A host that lost the partition meanwhile ends the feed: nothing more is delivered.
    release(false);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(held).toHaveLength(2);
  });
});
