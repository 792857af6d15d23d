import type { NatsConnection } from '@nats-io/transport-node';
import { HEALTH_SUBJECT, healthReplySchema, type HealthReply } from './serve-health';

/** Asks every platform process; collects the well-formed replies that arrive within `waitMs`. */
export async function collectHealth(nc: NatsConnection, waitMs = 1000): Promise<HealthReply[]> {
  const replies: HealthReply[] = [];
  try {
    for await (const msg of await nc.requestMany(HEALTH_SUBJECT, undefined, { strategy: 'timer', maxWait: waitMs })) {
      let body: unknown;
      try {
        body = msg.json();
      } catch {
        continue;
      }
      const parsed = healthReplySchema.safeParse(body);
      if (parsed.success) replies.push(parsed.data);
    }
  } catch (err) {
    if (!/no responders/i.test((err as Error).message)) throw err;
  }
  return replies.sort((a, b) => a.part.localeCompare(b.part) || a.id.localeCompare(b.id));
}
