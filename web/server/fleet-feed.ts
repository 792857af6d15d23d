import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import { fleetDeltaSchema, type FleetDelta } from '../../twins/projection/fleet-view';
import { subjects } from '../../twins/bus/subjects';
import type { Logger } from '../../infra/log/logger';
import type { FleetProjection } from './fleet-projection';

/** Hosts send a full batch every 5 s; three missed ones mean the host is gone. */
export const HOST_SILENCE_MS = 15_000;

export type DeltaParse = { ok: true; delta: FleetDelta } | { ok: false; reason: string };

/** Turns one message body into a FleetDelta, or says in a line why it is not one. */
export function parseFleetDelta(body: Uint8Array): DeltaParse {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(body));
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  const parsed = fleetDeltaSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'delta';
    return { ok: false, reason: `${where}: ${issue?.message ?? 'invalid'}` };
  }
  return { ok: true, delta: parsed.data };
}

export interface FeedStats {
  accepted: number;
  rejected: number;
}

/**
 * Keeps a projection fed from every host's `fleet.deltas.<hostId>` on one connection. Bad deltas
 * are logged and skipped: one broken publisher must not blank the map for everyone.
 */
export class FleetFeed {
  readonly stats: FeedStats = { accepted: 0, rejected: 0 };
  private readonly sub: Subscription;

  constructor(
    nc: NatsConnection,
    private readonly projection: FleetProjection,
    private readonly log: Logger,
  ) {
    this.sub = nc.subscribe(subjects.fleetDeltasAll, { callback: (err, msg) => this.onMessage(err, msg) });
  }

  stop(): void {
    this.sub.unsubscribe();
  }

  private onMessage(err: Error | null, msg: Msg): void {
    if (err) {
      this.log.error({ err: String(err) }, 'fleet delta subscription failed');
      return;
    }
    const result = parseFleetDelta(msg.data);
    if (!result.ok) {
      this.stats.rejected++;
      this.log.warn({ subject: msg.subject, reason: result.reason }, 'skipped a bad fleet delta');
      return;
    }
    this.stats.accepted++;
    this.projection.apply(result.delta);
  }
}
