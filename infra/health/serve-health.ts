import { hostname } from 'node:os';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { z } from 'zod';

/** Request-many: every platform process answers with a HealthReply. */
export const HEALTH_SUBJECT = 'fleet.health';

export const healthReplySchema = z.object({
  part: z.string(),
  id: z.string(),
  host: z.string(),
  pid: z.number(),
  startedAt: z.number(),
  uptimeMs: z.number(),
  stats: z.record(z.string(), z.unknown()),
  /** Set when stats() failed: the process is alive but could not say more. */
  error: z.string().optional(),
});
export type HealthReply = z.infer<typeof healthReplySchema>;

export interface HealthSource {
  /** Which part of the platform this is: the `fleet` command that runs it (ingress, twin-host, ...). */
  part: string;
  /** This instance, unique among the part's replicas. */
  id: string;
  /** A few numbers that show the part is doing its job (messages handled, lag, twins...). */
  stats: () => Record<string, unknown>;
}

/**
 * Call once at start: answers `fleet status` (and anyone else asking on HEALTH_SUBJECT) with who
 * this process is, how long it has run and its stats. Stop it before draining the connection.
 */
export function serveHealth(nc: NatsConnection, source: HealthSource): { stop(): void } {
  const startedAt = Date.now();
  const host = hostname();
  const sub: Subscription = nc.subscribe(HEALTH_SUBJECT, {
    callback: (err, msg) => {
      if (err || !msg.reply) return;
      const reply: HealthReply = { part: source.part, id: source.id, host, pid: process.pid, startedAt, uptimeMs: Date.now() - startedAt, stats: {} };
      try {
        reply.stats = source.stats();
      } catch (statsError) {
        reply.error = statsError instanceof Error ? statsError.message : String(statsError);
      }
      msg.respond(JSON.stringify(reply));
    },
  });
  return { stop: () => sub.unsubscribe() };
}
