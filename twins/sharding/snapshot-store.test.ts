import { randomInt } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { loadConfig } from '../../infra/config/env';
import { connectNats } from '../bus/connect';
import type { PersistedTwin } from '../runtime/vehicle-twin-actor';
import { SNAPSHOT_BUCKET, SnapshotStore } from './snapshot-store';

/** A partition number far above any configured count: no twin host of another test file leases it. */
const partition = 900_000 + randomInt(90_000);
let nc: NatsConnection;

beforeAll(async () => {
  nc = await connectNats(loadConfig().FLEET_NATS_URL, 'snapshot-store-test');
});
afterAll(async () => {
  const kv = await new Kvm(nc).open(SNAPSHOT_BUCKET);
  for (const key of [`p.${partition}`, `v.${partition}.NEW`, `v.${partition}.OLD`]) await kv.purge(key).catch(() => undefined);
  await nc.close();
});

const twin = (vehicleId: string): PersistedTwin => ({ vehicleId, vehicle: { status: 'active', value: { motion: 'parked' }, context: { odometerKm: 12.5 } }, devices: {} });

describe('snapshot store', () => {
  it('a snapshot gzipped by an earlier version still loads beside the plain ones written now', async () => {
    const store = await SnapshotStore.open(nc);
    await store.save(partition, { seq: 41, hostId: 'test', at: 1 }, [twin('NEW')]);
    const kv = await new Kvm(nc).open(SNAPSHOT_BUCKET);
    expect((await kv.get(`v.${partition}.NEW`))?.string()).toMatch(/^\{"vehicleId":"NEW"/);
    await kv.put(`v.${partition}.OLD`, gzipSync(JSON.stringify(twin('OLD')), { level: 1 }));
    const { marker, twins } = await store.load(partition);
    expect(marker?.seq).toBe(41);
    expect(twins.map((t) => t.vehicleId).sort()).toEqual(['NEW', 'OLD']);
    expect(twins.find((t) => t.vehicleId === 'OLD')).toEqual(twin('OLD'));
  });
});
