import { hostname } from 'node:os';
import type { Command } from 'commander';
import { loadConfig } from '../../infra/config/env';
import { intIn } from '../../infra/cli/options';
import { runUntilSignal } from '../../infra/cli/service';
import { serveHealth } from '../../infra/health/serve-health';
import { createLogger } from '../../infra/log/logger';
import { connectNats, ensureStreams } from '../bus/connect';
import { partitionOf, subjects } from '../bus/subjects';
import { idSchema } from '../telemetry/schema';
import { collectHostStatus } from './host-status';
import { serveMetrics } from './metrics';
import { TwinHost } from './twin-host';

export function register(program: Command): void {
  program
    .command('twin-host')
    .description('Run a twin host: apply telemetry to vehicle and device twins, answer queries, publish events')
    .option('--host-id <id>', 'name of this host in deltas and status', `${hostname()}-${process.pid}`)
    .option('--metrics-port <port>', 'Prometheus /metrics port (default FLEET_METRICS_PORT; 0: any free port)', intIn(0, 65535))
    .action(async (opts: { hostId: string; metricsPort?: number }) => {
      const config = loadConfig();
      const log = createLogger('twin-host');
      await runUntilSignal(log, async () => {
        const nc = await connectNats(config.FLEET_NATS_URL, `twin-host-${opts.hostId}`);
        await ensureStreams(nc);
        const leaseConnection = await connectNats(config.FLEET_NATS_URL, `twin-host-${opts.hostId}-leases`);
        const host = new TwinHost(nc, {
          leaseConnection,
          hostId: opts.hostId,
          partitions: config.FLEET_PARTITIONS,
          timings: { staleMs: config.FLEET_TWIN_STALE_MS, offlineMs: config.FLEET_TWIN_OFFLINE_MS },
          leaseTtlMs: config.FLEET_LEASE_TTL_MS,
          snapshotEveryMs: config.FLEET_SNAPSHOT_EVERY_MS,
        }, log);
        await host.start();
        const metrics = await serveMetrics(host, opts.metricsPort ?? config.FLEET_METRICS_PORT);
        host.metricsPort = metrics.port;
        log.info({ url: `http://127.0.0.1:${metrics.port}/metrics` }, 'metrics served');
        const health = serveHealth(nc, {
          part: 'twin-host',
          id: opts.hostId,
          stats: () => ({ partitions: host.partitionStatus().length, twins: host.twinCount, metricsPort: metrics.port, ...host.stats }),
        });
        const report = setInterval(() => log.info({ twins: host.twinCount, ...host.stats }, 'twin host stats'), 30_000);
        return {
          async stop() {
            clearInterval(report);
            health.stop();
            await host.stop();
            await metrics.close();
            await nc.drain();
            await leaseConnection.drain();
          },
        };
      });
    });

  program
    .command('twin')
    .description("Print a vehicle's twin as JSON (asks the host that owns it)")
    .argument('<vehicleId>', 'vehicle id, e.g. V00001')
    .option('--timeout <ms>', 'how long to wait for the owning host', intIn(100, 60_000), 2000)
    .action(async (vehicleId: string, opts: { timeout: number }) => {
      const id = idSchema.safeParse(vehicleId);
      if (!id.success) throw Object.assign(new Error(`"${vehicleId}" is not a vehicle id: ${id.error.issues[0]?.message}`), { name: 'UsageError' });
      const config = loadConfig();
      const nc = await connectNats(config.FLEET_NATS_URL, 'fleet-cli');
      try {
        const reply = await nc.request(subjects.twinQuery(partitionOf(vehicleId, config.FLEET_PARTITIONS), vehicleId), undefined, {
          timeout: opts.timeout,
        });
        const body = reply.json<{ ok: boolean; twin?: unknown; error?: string }>();
        if (!body.ok) {
          console.error(`fleet twin: ${body.error}`);
          process.exitCode = 1;
          return;
        }
        console.log(JSON.stringify(body.twin, null, 2));
      } catch (err) {
        console.error(`fleet twin: no twin host answered for ${vehicleId} (${(err as Error).message}); is the platform running (fleet up)?`);
        process.exitCode = 1;
      } finally {
        await nc.close();
      }
    });

  program
    .command('twins')
    .description('Show twin hosts: partitions and twins per host, and the lag of every partition')
    .option('--json', 'print the raw status of every host as JSON')
    .action(async (opts: { json?: boolean }) => {
      const config = loadConfig();
      const nc = await connectNats(config.FLEET_NATS_URL, 'fleet-cli');
      try {
        const hosts = await collectHostStatus(nc);
        if (opts.json) {
          console.log(JSON.stringify(hosts, null, 2));
          return;
        }
        if (hosts.length === 0) {
          console.log('no twin host answered; start one with `fleet twin-host` (or `fleet up`)');
          process.exitCode = 1;
          return;
        }
        const owned = new Set(hosts.flatMap((h) => h.partitions.map((p) => p.partition)));
        console.log(`${hosts.length} host(s), ${owned.size}/${config.FLEET_PARTITIONS} partitions owned, ${hosts.reduce((n, h) => n + h.twins, 0)} vehicle twins`);
        console.table(
          hosts.map((h) => ({
            host: h.hostId,
            partitions: h.partitions.length,
            twins: h.twins,
            applied: h.stats.applied,
            duplicates: h.stats.duplicates,
            lag: h.partitions.reduce((n, p) => n + p.pending, 0),
            uptime: `${Math.round((Date.now() - h.startedAt) / 1000)}s`,
          })),
        );
        const lagging = hosts.flatMap((h) => h.partitions.filter((p) => p.pending > 0).map((p) => ({ partition: p.partition, host: h.hostId, lag: p.pending, appliedSeq: p.appliedSeq })));
        if (lagging.length) console.table(lagging.sort((a, b) => b.lag - a.lag).slice(0, 20));
        const orphans = Array.from({ length: config.FLEET_PARTITIONS }, (_, p) => p).filter((p) => !owned.has(p));
        if (orphans.length) console.log(`unowned partitions: ${orphans.join(', ')}`);
      } finally {
        await nc.close();
      }
    });
}
