import type { NatsConnection } from '@nats-io/transport-node';
import { setTimeout as sleep } from 'node:timers/promises';
import { queryTwin } from '../../web/server/twin-query';

const QUERIES_IN_FLIGHT = 64;

/**
 * Waits until every vehicle's twin is parked and online: the state a rollout's maintenance window
 * asks for. Started earlier, a batch finds young twins not yet settled and waits its recheck
 * interval (minutes) for them, which would measure that interval instead of the rollout.
 */
export async function untilParkedAndOnline(nc: NatsConnection, vehicleIds: string[], partitions: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let waiting = vehicleIds;
  while (waiting.length > 0) {
    const notYet: string[] = [];
    for (let i = 0; i < waiting.length; i += QUERIES_IN_FLIGHT) {
      await Promise.all(
        waiting.slice(i, i + QUERIES_IN_FLIGHT).map(async (id) => {
          const lookup = await queryTwin(nc, id, { partitions, timeoutMs: 5_000 });
          const state = lookup.kind === 'found' ? (lookup.twin as { state?: { motion?: string; connectivity?: string } }).state : undefined;
          if (state?.motion !== 'parked' || state.connectivity !== 'online') notYet.push(id);
        }),
      );
    }
    waiting = notYet;
    if (waiting.length === 0) return;
    if (Date.now() > deadline) throw new Error(`${waiting.length} of ${vehicleIds.length} vehicle twins not parked and online after ${timeoutMs / 1000} s (e.g. ${waiting.slice(0, 3).join(', ')})`);
    await sleep(2_000);
  }
}
