import type { NatsConnection } from '@nats-io/transport-node';
import { subjects } from '../bus/subjects';
import type { TwinHost } from './twin-host';

export type HostStatus = ReturnType<TwinHost['status']>;

/** Asks every twin host for its status; collects the replies that arrive within `waitMs`. */
export async function collectHostStatus(nc: NatsConnection, waitMs = 1000): Promise<HostStatus[]> {
  const replies: HostStatus[] = [];
  try {
    for await (const m of await nc.requestMany(subjects.twinHostStatus, undefined, { strategy: 'timer', maxWait: waitMs })) {
      replies.push(m.json<HostStatus>());
    }
  } catch (err) {
    if (!/no responders/i.test((err as Error).message)) throw err;
  }
  return replies.sort((a, b) => a.hostId.localeCompare(b.hostId));
}
