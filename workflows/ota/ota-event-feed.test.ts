import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../infra/config/env';
import { connectNats, ensureStreams } from '../../twins/bus/connect';
import { subjects } from '../../twins/bus/subjects';
import { OtaEventFeed, type DeviceOtaEvent } from './ota-event-feed';

const run = randomBytes(3).toString('hex');
let nc: NatsConnection;

beforeAll(async () => {
  nc = await connectNats(loadConfig().FLEET_NATS_URL, 'ota-event-feed-test');
  await ensureStreams(nc);
});
afterAll(async () => nc?.drain());

async function publish(campaignId: string, deviceId: string, state: DeviceOtaEvent['state']): Promise<void> {
  const event: DeviceOtaEvent = { deviceId, vehicleId: 'V1', campaignId, version: '3.5.0', state };
  await jetstream(nc).publish(subjects.event('device_ota', 'V1'), JSON.stringify(event));
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !check(); i++) await sleep(50);
}

describe('OTA event feed shared by the batches of a worker', () => {
  it('a batch that starts listening after its commands went out still gets the outcomes reported in between (no missed report)', async () => {
    const campaign = `feed-${run}`;
    const feed = new OtaEventFeed(nc);
    const seenByFirst: string[] = [];
    const firstSince = Date.now() - 1000;
    const stopFirst = await feed.listen(firstSince, (e) => e.campaignId === campaign && seenByFirst.push(`${e.deviceId}:${e.state}`));

    const secondSince = Date.now() - 200;
    await publish(campaign, 'D2', 'done'); // the second batch's device answers before the batch listens
    await until(() => seenByFirst.length === 1);
    const seenBySecond: string[] = [];
    const stopSecond = await feed.listen(secondSince, (e) => e.campaignId === campaign && seenBySecond.push(`${e.deviceId}:${e.state}`));
    await publish(campaign, 'D3', 'refused');
    await until(() => seenBySecond.length === 2 && seenByFirst.length === 2);
    expect(seenBySecond).toEqual(['D2:done', 'D3:refused']);
    expect(seenByFirst).toEqual(['D2:done', 'D3:refused']);

    // A retried activity whose `since` predates the feed reads from the stream itself.
    const seenByRetry: string[] = [];
    const stopRetry = await feed.listen(firstSince - 60_000, (e) => e.campaignId === campaign && seenByRetry.push(`${e.deviceId}:${e.state}`));
    await until(() => seenByRetry.length === 2);
    expect(seenByRetry).toEqual(['D2:done', 'D3:refused']);

    stopFirst();
    await publish(campaign, 'D4', 'done');
    await until(() => seenBySecond.length === 3);
    expect(seenByFirst).toHaveLength(2);
    stopSecond();
    stopRetry();
  });
});
