import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { NatsConnection } from '@nats-io/transport-node';
import { TelemetryPublisher } from '../../twins/ingress/publisher';
import { collectHostStatus, type HostStatus } from '../../twins/runtime/host-status';
import type { Telemetry } from '../../twins/telemetry/schema';
import { startFleet, type FleetProcess } from '../shared/fleet-process';

export interface HostRunContext {
  nc: NatsConnection;
  natsUrl: string;
  partitions: number;
  logDir: string;
  leaseTtlMs: number;
  /** How often hosts snapshot (their production default, 30 s). */
  snapshotEveryMs: number;
}

export function startHost(ctx: HostRunContext, hostId: string): FleetProcess {
  return startFleet(hostId, ['twin-host', '--host-id', hostId], {
    env: {
      ...process.env,
      FLEET_NATS_URL: ctx.natsUrl,
      FLEET_PARTITIONS: String(ctx.partitions),
      FLEET_LEASE_TTL_MS: String(ctx.leaseTtlMs),
      FLEET_SNAPSHOT_EVERY_MS: String(ctx.snapshotEveryMs),
      FLEET_METRICS_PORT: '0',
      FLEET_LOG_FORMAT: 'json',
    },
    logFile: join(ctx.logDir, `${hostId}.log`),
  });
}

async function statusOf(nc: NatsConnection, hostId: string): Promise<HostStatus | undefined> {
  return (await collectHostStatus(nc, 300)).find((h) => h.hostId === hostId);
}

/** Publishes readings as the ingress does, in batches, so the stream holds a backlog. */
export async function publishBacklog(ctx: HostRunContext, readings: Telemetry[]): Promise<number> {
  const publisher = new TelemetryPublisher(ctx.nc, ctx.partitions);
  let stored = 0;
  for (let i = 0; i < readings.length; i += 2000) stored += await publisher.publishTelemetry(readings.slice(i, i + 2000));
  return stored;
}

/**
 * End to end from JetStream: one host process starts on a stream already holding `backlog`
 * readings and applies them; the rate counts from its first applied reading to its last, as its
 * own status reports them over NATS.
 */
export async function measureEndToEnd(ctx: HostRunContext, backlog: number): Promise<{ perSecond: number; seconds: number; host: FleetProcess }> {
  const host = startHost(ctx, 'bench-e2e');
  let firstAt = 0;
  let firstCount = 0;
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    if (Date.now() > deadline) throw new Error('the host did not apply the backlog within 15 minutes');
    if (host.child.exitCode !== null) throw new Error(`the twin host exited with ${host.child.exitCode}; see its log`);
    const status = await statusOf(ctx.nc, 'bench-e2e');
    const done = status ? status.stats.applied + status.stats.late + status.stats.duplicates + status.stats.tooOld : 0;
    if (done > 0 && firstAt === 0) {
      firstAt = Date.now();
      firstCount = done;
    }
    if (done >= backlog) {
      const seconds = (Date.now() - firstAt) / 1000;
      return { perSecond: (done - firstCount) / seconds, seconds, host };
    }
    await sleep(100);
  }
}

/**
 * Take-over: a second host joins and takes its share, then the first is killed with SIGKILL while
 * readings keep arriving; the time runs from the kill until the survivor owns every partition.
 */
export async function measureTakeover(ctx: HostRunContext, first: FleetProcess, load: () => Promise<void>): Promise<number> {
  const second = startHost(ctx, 'bench-survivor');
  try {
    for (const until = Date.now() + 120_000; ; await sleep(200)) {
      if (Date.now() > until) throw new Error('the second host never took its share');
      const status = await statusOf(ctx.nc, 'bench-survivor');
      if (status && status.partitions.length >= Math.floor(ctx.partitions / 2)) break;
    }
    let loading = true;
    const loader = (async () => {
      while (loading) await load();
    })();
    // A host in service has snapshotted within the last period; kill it in that steady state,
    // not before its first snapshot (then its successor would replay the whole stream).
    await sleep(ctx.snapshotEveryMs + 2000);
    first.child.kill('SIGKILL');
    const killedAt = Date.now();
    await first.exited;
    try {
      for (;;) {
        const status = await statusOf(ctx.nc, 'bench-survivor');
        if (status && status.partitions.length === ctx.partitions) return (Date.now() - killedAt) / 1000;
        if (Date.now() - killedAt > 120_000) throw new Error('the survivor did not own every partition within 2 minutes');
        await sleep(100);
      }
    } finally {
      loading = false;
      await loader;
    }
  } finally {
    await second.stop();
  }
}
