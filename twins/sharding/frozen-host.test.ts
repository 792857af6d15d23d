import { randomBytes } from 'node:crypto';
import { describe, it } from 'vitest';
import { hostFleetPerFile } from './host-fixture';

const TTL_MS = 3000;
const run = randomBytes(3).toString('hex').toUpperCase();
// Snapshots written often, so a freeze is likely to catch one half written.
const ctx = hostFleetPerFile('frozen-host-test', { FLEET_LEASE_TTL_MS: String(TTL_MS), FLEET_SNAPSHOT_EVERY_MS: '1000' });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A host stalled past its lease (a long GC pause, a starved VM: here SIGSTOP) wakes up with
 * writes still in flight and twins it no longer owns. Whatever it does then must not cost a
 * reading: the other host took its partitions over from the snapshots, and the woken host's late
 * snapshot writes must not roll a twin back behind the marker the new owner replays from.
 */
describe('a twin host frozen past its lease', () => {
  it('wakes up stale, again and again, and every accepted reading is still applied exactly once', async () => {
    const { fleet, nc, partitions } = ctx;
    const [a, b] = ['a', 'b'].map((x) => `${x}-${run}`) as [string, string];
    fleet.start(a);
    fleet.start(b);
    await fleet.allOwnedBy([a, b], 120_000, true);

    const load = ctx.load(`Z${run}`, 300, 5);
    load.start();
    try {
      for (let freeze = 0; freeze < 6; freeze++) {
        const frozen = fleet.hosts.get(freeze % 2 === 0 ? a : b)!;
        // Frozen at a varying moment of its snapshot cycle, for longer than its lease.
        await sleep(1500 + freeze * 137);
        frozen.kill('SIGSTOP');
        await sleep(TTL_MS + 1500);
        frozen.kill('SIGCONT');
        // Back to a fair split before the next freeze.
        await fleet.allOwnedBy([a, b], 60_000, true);
      }
    } finally {
      await load.stop();
    }
    await fleet.drained([a, b], 30_000);
    await load.expectAppliedExactlyOnce(nc, partitions);
  }, 300_000);
});
