import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hostFleetPerFile } from './host-fixture';

const TTL_MS = 4000;
const run = randomBytes(3).toString('hex').toUpperCase();
const ctx = hostFleetPerFile('failover-test', { FLEET_LEASE_TTL_MS: String(TTL_MS), FLEET_SNAPSHOT_EVERY_MS: '1500' });

describe('twin hosts in separate processes share partitions over NATS leases', () => {
  it('join, SIGKILL under load and graceful stop move partitions; every accepted reading is applied exactly once', async () => {
    const { fleet } = ctx;
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((x) => `${x}-${run}`) as [string, string, string, string];
    for (const id of [a, b, c]) fleet.start(id);
    // Generous: this includes starting three node processes on a possibly busy 2-core machine.
    const three = await fleet.allOwnedBy([a, b, c], 120_000, true);
    expect([...three.values()].map((h) => h.partitions.length).sort()).toEqual([21, 21, 22]);

    const load = ctx.load(`F${run}`, 120);
    load.start();
    try {
      await new Promise((r) => setTimeout(r, 1500));

      // A fourth host joining takes about a quarter.
      fleet.start(d);
      const four = await fleet.allOwnedBy([a, b, c, d], 90_000, true);
      expect(four.get(d)!.partitions.length).toBe(16);
      // The same figures as Prometheus metrics.
      const metrics = await (await fetch(`http://127.0.0.1:${four.get(d)!.metricsPort}/metrics`)).text();
      expect(metrics).toContain(`fleet_twin_host_partitions{host="${d}"} 16`);
      expect(metrics).toMatch(/fleet_twin_partition_lag\{partition="\d+",host="/);

      // SIGKILL under load: its partitions are owned again within lease TTL + 5 s.
      const killedAt = Date.now();
      fleet.hosts.get(a)!.kill('SIGKILL');
      await fleet.allOwnedBy([b, c, d], TTL_MS + 5000);
      const takeoverMs = Date.now() - killedAt;
      expect(takeoverMs).toBeLessThan(TTL_MS + 5000);

      // A graceful stop hands over at once (no lease expiry to wait for).
      await new Promise((r) => setTimeout(r, 1000));
      const stoppedAt = Date.now();
      fleet.hosts.get(b)!.kill('SIGTERM');
      await fleet.allOwnedBy([c, d], TTL_MS);
      expect(Date.now() - stoppedAt).toBeLessThan(TTL_MS);

      await new Promise((r) => setTimeout(r, 1000));
    } finally {
      await load.stop();
    }
    // Every accepted reading applied exactly once by whichever host owns its vehicle now.
    await fleet.drained([c, d], 20_000);
    await load.expectAppliedExactlyOnce(ctx.nc, ctx.partitions);
  }, 300_000);
});
