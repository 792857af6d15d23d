import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import mqtt from 'mqtt';
import type { FleetConfig } from '../config/env';
import { brokerUrls } from '../../twins/bus/mqtt-brokers';
import { acceptsConnections, parseServerUrl, type HostPort } from './address';
import { findBinary } from './binaries';
import { StackError } from './errors';
import { PROBE_TIMEOUT_MS, reasonOf, type ServerStatus, type StartedServer } from './server';
import { spawnServer, waitUntilReady } from './server-process';
import { accountForServer, handOver } from './unprivileged';

/** Every broker FLEET_MQTT_URL names (one, or several that split the devices: twins/bus/mqtt-brokers.ts). */
export function mqttAddresses(config: Pick<FleetConfig, 'FLEET_MQTT_URL'>): HostPort[] {
  return brokerUrls(config.FLEET_MQTT_URL).map((url) => mqttAddress(url));
}

function mqttAddress(url: string): HostPort {
  return parseServerUrl('FLEET_MQTT_URL', url, { 'mqtt:': 1883, 'tcp:': 1883, 'mqtts:': 8883, 'ws:': 80, 'wss:': 443 });
}

/** Does every broker named accept a connection? The platform needs all of them. */
export async function probe(config: Pick<FleetConfig, 'FLEET_MQTT_URL'>): Promise<ServerStatus> {
  const urls = brokerUrls(config.FLEET_MQTT_URL);
  const statuses = await Promise.all(urls.map((url) => probeOne(url)));
  if (statuses.length === 1) return statuses[0]!;
  const failed = statuses.find((s) => !s.healthy);
  return {
    server: 'Mosquitto',
    address: config.FLEET_MQTT_URL,
    reachable: statuses.every((s) => s.reachable),
    healthy: !failed,
    ...(statuses[0]?.version ? { version: statuses[0].version } : {}),
    ...(failed ? { problem: `${failed.address}: ${failed.problem}` } : {}),
  };
}

/** Does an MQTT broker accept a connection there? Its version comes from $SYS when it publishes one. */
async function probeOne(url: string): Promise<ServerStatus> {
  const address = mqttAddress(url);
  const status: ServerStatus = { server: 'Mosquitto', address: url, reachable: false, healthy: false };
  let client;
  try {
    client = await mqtt.connectAsync(url, {
      clientId: `fleet-probe-${randomBytes(4).toString('hex')}`,
      connectTimeout: PROBE_TIMEOUT_MS,
      reconnectPeriod: 0,
    });
  } catch (err) {
    status.reachable = await acceptsConnections(address);
    status.problem = status.reachable ? `something answers, but does not accept an MQTT connection (${reasonOf(err)})` : `nothing answers (${reasonOf(err)})`;
    return status;
  }
  status.reachable = true;
  status.healthy = true;
  try {
    status.version = await brokerVersion(client);
  } finally {
    await client.endAsync(true);
  }
  return status;
}

/** Mosquitto keeps its version as a retained $SYS message; other brokers may not, which is fine. */
async function brokerVersion(client: mqtt.MqttClient): Promise<string | undefined> {
  return new Promise((resolveVersion) => {
    const timer = setTimeout(() => resolveVersion(undefined), 500);
    client.on('message', (topic, payload) => {
      if (topic !== '$SYS/broker/version') return;
      clearTimeout(timer);
      resolveVersion(payload.toString().replace(/^mosquitto version /, ''));
    });
    client.subscribe('$SYS/broker/version', (err) => {
      if (err) {
        clearTimeout(timer);
        resolveVersion(undefined);
      }
    });
  });
}

export interface MosquittoStartOptions {
  port: number;
  /** Its configuration, persistence file and log live here. */
  dataDir: string;
}

/** A local Mosquitto on 127.0.0.1:port accepting anonymous clients, its messages kept in dataDir. */
export async function start({ port, dataDir }: MosquittoStartOptions): Promise<StartedServer> {
  const binary = findBinary('mosquitto');
  if (!binary) {
    throw new StackError(
      'Mosquitto not found: install it (Debian/Ubuntu: apt-get install mosquitto; macOS: brew install mosquitto) or set FLEET_MQTT_URL to a broker',
    );
  }
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const configFile = join(dir, 'mosquitto.conf');
  // Mosquitto started as root switches to an unprivileged user itself; we name the user and give it the directory.
  const account = accountForServer(['mosquitto']);
  writeFileSync(
    configFile,
    [
      '# Written by `fleet` for its local broker; rewritten at every start.',
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      'persistence true',
      `persistence_location ${dir}`,
      // The default (1000) silently drops messages for a subscriber with a backlog — messages the
      // broker has already acknowledged to their device. The ingress's shared subscription must
      // get every one: no limit on its queue.
      'max_queued_messages 0',
      // Devices that take commands keep persistent sessions (commands wait for a device that is
      // offline); a device gone for good should not keep one for ever.
      'persistent_client_expiration 14d',
      'log_dest stdout',
      ...(account ? [`user ${account.name}`] : []),
      '',
    ].join('\n'),
  );
  if (account) handOver(dir, account, 'Mosquitto');
  const address = `mqtt://127.0.0.1:${port}`;
  const server = spawnServer({ name: 'Mosquitto', command: binary, args: ['-c', configFile], logFile: join(dir, 'mosquitto.log') });
  await waitUntilReady(server, async () => (await probe({ FLEET_MQTT_URL: address })).healthy, 30_000);
  return { server: 'Mosquitto', address, dataDir: dir, process: server, stop: () => server.stop() };
}
