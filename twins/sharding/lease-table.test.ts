import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NatsConnection } from '@nats-io/transport-node';
import { Kvm } from '@nats-io/kv';
import { loadConfig } from '../../infra/config/env';
import { connectNats } from '../bus/connect';
import { waitFor } from '../e2e/harness';
import { LEASE_BUCKET, LeaseTable } from './lease-table';
import { planLeases } from './plan';

/**
 * Lease renewal on the real NATS KV bucket. Partition numbers far above any configured count, so
 * the twin hosts of other test files, which lease partitions on the same server, never see them.
 */
const TTL_MS = 3000;
let nc: NatsConnection;
const tables: LeaseTable[] = [];

beforeAll(async () => {
  nc = await connectNats(loadConfig().FLEET_NATS_URL, 'lease-table-test');
});
afterAll(async () => {
  for (const table of tables) await table.leave();
  await nc.close();
});

async function open(hostId: string): Promise<LeaseTable> {
  const table = await LeaseTable.open(nc, hostId, TTL_MS);
  tables.push(table);
  return table;
}

/** Writes the lease as a host would, behind the table's back: a renewal whose reply never came. */
async function writeLease(partition: number, hostId: string, expiresAt: number): Promise<void> {
  const kv = await new Kvm(nc).open(LEASE_BUCKET);
  const current = await kv.get(`p.${partition}`);
  await kv.update(`p.${partition}`, JSON.stringify({ hostId, expiresAt }), current!.revision);
}

describe('partition leases', () => {
  it('a renewal that timed out but landed does not lose the lease: the next renewal takes it up', async () => {
    const partition = 100_000 + randomInt(800_000);
    const table = await open(`lease-late-${partition}`);
    const now = Date.now();
    expect(await table.claim(partition, now)).not.toBeNull();
    await writeLease(partition, table.hostId, now + TTL_MS);

    expect(await table.renewAll(Date.now())).toEqual([]);
    expect(table.holds(partition, Date.now(), 0)).toBe(true);
    // And the renewal after it is a plain one again, at the revision taken up.
    const renewedAt = Date.now();
    expect(await table.renewAll(renewedAt)).toEqual([]);
    expect(table.expiresAt(partition)).toBe(renewedAt + TTL_MS);
  });

  it('a lease another host wrote is lost: renewal reports it and the fence closes', async () => {
    const partition = 100_000 + randomInt(800_000);
    const table = await open(`lease-lost-${partition}`);
    const now = Date.now();
    expect(await table.claim(partition, now)).not.toBeNull();
    await writeLease(partition, `another-${partition}`, now + TTL_MS);

    expect(await table.renewAll(Date.now())).toEqual([partition]);
    expect(table.holds(partition, Date.now(), 0)).toBe(false);
    expect(table.ownedPartitions()).not.toContain(partition);
  });

  it('a lease held here is never planned as free while the watch still shows an older, expired entry (no second claim of a running partition)', async () => {
    const partition = 100_000 + randomInt(800_000);
    const table = await open(`lease-stale-${partition}`);
    const observer = await open(`lease-observer-${partition}`);
    const now = Date.now();
    expect(await table.claim(partition, now)).not.toBeNull();
    // The bucket now says the lease ran out, as a lagging watch would show it after a renewal.
    await writeLease(partition, table.hostId, now - 1);
    await waitFor(() => (observer.leaseView().get(partition)?.expiresAt === now - 1 ? true : undefined), 5000);
    await new Promise((r) => setTimeout(r, 200));

    expect(table.leaseView().get(partition)).toEqual({ hostId: table.hostId, expiresAt: now + TTL_MS });
    const plan = planLeases({ me: table.hostId, partitions: partition + 1, liveHosts: [table.hostId], leases: table.leaseView(), now: Date.now() });
    expect(plan.claim).not.toContain(partition);
  });
});
