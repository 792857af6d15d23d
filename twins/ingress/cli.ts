import { hostname } from 'node:os';
import type { Command } from 'commander';
import { loadConfig } from '../../infra/config/env';
import { intIn } from '../../infra/cli/options';
import { runUntilSignal } from '../../infra/cli/service';
import { serveHealth } from '../../infra/health/serve-health';
import { createLogger } from '../../infra/log/logger';
import { connectNats, ensureStreams } from '../bus/connect';
import { startDeviceEdge } from '../commands/device-edge';
import { Ingress } from './ingress';

export function register(program: Command): void {
  program
    .command('ingress')
    .description('Run an ingress: MQTT device payloads → canonical telemetry in JetStream (rejects to the dead-letter stream); device commands NATS → MQTT and firmware downloads')
    .option('--connections <n>', 'MQTT connections sharing the subscription (default FLEET_INGRESS_CONNECTIONS)', intIn(1, 64))
    .option('--instance <id>', 'stable replica id; names the MQTT sessions so in-flight messages survive a restart', hostname())
    .option('--group <name>', 'shared-subscription group; replicas in one group split the device traffic', 'ingress')
    .action(async (opts: { connections?: number; instance: string; group: string }) => {
      const config = loadConfig();
      const log = createLogger('ingress');
      await runUntilSignal(log, async () => {
        const nc = await connectNats(config.FLEET_NATS_URL, `ingress-${opts.instance}`);
        await ensureStreams(nc);
        const ingress = new Ingress(nc, {
          mqttUrl: config.FLEET_MQTT_URL,
          partitions: config.FLEET_PARTITIONS,
          connections: opts.connections ?? config.FLEET_INGRESS_CONNECTIONS,
          inFlightPerConnection: config.FLEET_INGRESS_IN_FLIGHT,
          instanceId: opts.instance,
          group: opts.group,
        }, log);
        await ingress.start();
        const edge = await startDeviceEdge(nc, config, opts.instance, log);
        const health = serveHealth(nc, { part: 'ingress', id: opts.instance, stats: () => ({ ...ingress.stats, inFlight: ingress.inFlight(), commands: { ...edge.bridge.stats } }) });
        const report = setInterval(() => log.info(ingress.stats, 'ingress stats'), 30_000);
        return {
          async stop() {
            clearInterval(report);
            health.stop();
            await ingress.stop();
            await edge.stop();
            await nc.drain();
          },
        };
      });
    });
}
