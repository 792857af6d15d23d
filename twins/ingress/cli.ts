import { hostname } from 'node:os';
import type { Command } from 'commander';
import { loadConfig } from '../../infra/config/env';
import { intIn } from '../../infra/cli/options';
import { runUntilSignal } from '../../infra/cli/service';
import { createLogger } from '../../infra/log/logger';
import { connectNats, ensureStreams } from '../bus/connect';
import { Ingress } from './ingress';

export function register(program: Command): void {
  program
    .command('ingress')
    .description('Run an ingress: MQTT device payloads → canonical telemetry in JetStream (rejects to the dead-letter stream)')
    .option('--connections <n>', 'MQTT connections sharing the subscription (default FLEET_INGRESS_CONNECTIONS)', intIn(1, 64))
    .option('--instance <id>', 'stable replica id; names the MQTT sessions so in-flight messages survive a restart', hostname())
    .action(async (opts: { connections?: number; instance: string }) => {
      const config = loadConfig();
      const log = createLogger('ingress');
      await runUntilSignal(log, async () => {
        const nc = await connectNats(config.FLEET_NATS_URL, `ingress-${opts.instance}`);
        await ensureStreams(nc);
        const ingress = new Ingress(nc, {
          mqttUrl: config.FLEET_MQTT_URL,
          partitions: config.FLEET_PARTITIONS,
          connections: opts.connections ?? config.FLEET_INGRESS_CONNECTIONS,
          instanceId: opts.instance,
        }, log);
        await ingress.start();
        const report = setInterval(() => log.info(ingress.stats, 'ingress stats'), 30_000);
        return {
          async stop() {
            clearInterval(report);
            await ingress.stop();
            await nc.drain();
          },
        };
      });
    });
}
