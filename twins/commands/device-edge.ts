import type { NatsConnection } from '@nats-io/transport-node';
import type { FleetConfig } from '../../infra/config/env';
import type { Logger } from '../../infra/log/logger';
import { CommandBridge } from './bridge';
import { serveFirmwareDownloads, type FirmwareDownloads } from './firmware-downloads';

export interface DeviceEdge {
  bridge: CommandBridge;
  /** null when another process on this machine serves the port already. */
  downloads: FirmwareDownloads | null;
  stop(): Promise<void>;
}

/**
 * The device-facing side of commands, run by the ingress process beside the telemetry path: the
 * NATS → MQTT command bridge and the firmware download route.
 */
export async function startDeviceEdge(nc: NatsConnection, config: FleetConfig, instanceId: string, log: Logger): Promise<DeviceEdge> {
  const bridge = new CommandBridge(nc, { mqttUrl: config.FLEET_MQTT_URL, instanceId }, log);
  await bridge.start();
  let downloads: FirmwareDownloads | null = null;
  try {
    downloads = await serveFirmwareDownloads(nc, { port: config.FLEET_FIRMWARE_PORT }, log);
    log.info({ url: downloads.url }, 'firmware downloads served');
  } catch (err) {
    // A second ingress replica on one machine: the first one serves the downloads.
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    log.warn({ port: config.FLEET_FIRMWARE_PORT }, 'firmware download port taken: another process serves the downloads');
  }
  return {
    bridge,
    downloads,
    async stop() {
      await Promise.all([bridge.stop(), downloads?.stop()]);
    },
  };
}
