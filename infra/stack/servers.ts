import { join } from 'node:path';
import type { FleetConfig } from '../config/env';
import { isLocalHost, type HostPort } from './address';
import { StackError } from './errors';
import * as mosquitto from './mosquitto';
import * as nats from './nats';
import * as postgres from './postgres';
import type { ServerStatus, StartedServer } from './server';
import * as temporal from './temporal';

/** How to find, and failing that start, each server the platform needs. */
interface ServerKind {
  server: ServerStatus['server'];
  setting: keyof FleetConfig;
  /** Sub-directory of FLEET_DATA_DIR a started one keeps its data in. */
  dir: string;
  /** The configured addresses; validating them turns a bad setting into a ConfigError. */
  addresses(config: FleetConfig): HostPort[];
  probe(config: FleetConfig): Promise<ServerStatus>;
  start(config: FleetConfig, port: number, dataDir: string): Promise<StartedServer>;
}

export const serverKinds: ServerKind[] = [
  {
    server: 'NATS',
    setting: 'FLEET_NATS_URL',
    dir: 'nats',
    addresses: nats.natsAddresses,
    probe: nats.probe,
    start: (_config, port, dataDir) => nats.start({ port, dataDir }),
  },
  {
    server: 'Mosquitto',
    setting: 'FLEET_MQTT_URL',
    dir: 'mosquitto',
    addresses: mosquitto.mqttAddresses,
    probe: mosquitto.probe,
    start: (_config, port, dataDir) => mosquitto.start({ port, dataDir }),
  },
  {
    server: 'PostgreSQL',
    setting: 'FLEET_DATABASE_URL',
    dir: 'postgres',
    addresses: (config) => [postgres.databaseAddress(config)],
    probe: postgres.probe,
    start: (config, port, dataDir) => postgres.start({ databaseUrl: config.FLEET_DATABASE_URL, port, dataDir }),
  },
  {
    server: 'Temporal',
    setting: 'FLEET_TEMPORAL_ADDRESS',
    dir: 'temporal',
    addresses: (config) => [temporal.temporalAddress(config)],
    probe: temporal.probe,
    start: (config, port, dataDir) => temporal.start({ config, port, uiPort: config.FLEET_TEMPORAL_UI_PORT, dataDir, persist: true }),
  },
];

/** Throws the ConfigError of the first bad server address setting. */
export function validateServerSettings(config: FleetConfig): void {
  for (const kind of serverKinds) kind.addresses(config);
}

export interface EnsuredServer {
  status: ServerStatus;
  /** Set when this process started it (and so must stop it). */
  started?: StartedServer;
}

export interface EnsuredServers {
  servers: EnsuredServer[];
  /** Stops the servers this process started, last started first. */
  stop(): Promise<void>;
}

/**
 * Every server the platform needs, found at its configured address or started here: a server
 * that does not answer at a local address is started on that port with its data under
 * FLEET_DATA_DIR. Anything else — a remote server down, a port taken by something that is not
 * the server — is a StackError saying what to do.
 */
export async function ensureServers(config: FleetConfig, say: (line: string) => void): Promise<EnsuredServers> {
  validateServerSettings(config);
  const statuses = await Promise.all(serverKinds.map((kind) => kind.probe(config)));
  const servers: EnsuredServer[] = [];
  const stop = async () => {
    for (const { started } of [...servers].reverse()) await started?.stop();
  };
  try {
    for (const [i, kind] of serverKinds.entries()) {
      const status = statuses[i]!;
      if (status.healthy) {
        say(`${kind.server.padEnd(10)} ${status.address}  found${status.version ? ` (${status.version})` : ''}`);
        servers.push({ status });
        continue;
      }
      const port = localPort(kind, config, status);
      const dataDir = join(config.FLEET_DATA_DIR, kind.dir);
      say(`${kind.server.padEnd(10)} ${status.address}  not answering; starting a local one (data in ${dataDir})`);
      const started = await kind.start(config, port, dataDir);
      servers.push({ status: await kind.probe(config), started });
      say(`${kind.server.padEnd(10)} ${status.address}  started (pid ${started.process.pid}, log ${started.process.logFile})`);
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { servers, stop };
}

/** The port to start a server on, when starting one here is what the configuration means. */
function localPort(kind: ServerKind, config: FleetConfig, status: ServerStatus): number {
  const addresses = kind.addresses(config);
  const [address] = addresses;
  const setting = String(kind.setting);
  if (addresses.length > 1) {
    throw new StackError(
      `${kind.server} at ${status.address} is not usable: ${status.problem}. ${setting} names ${addresses.length} servers and FleetTwin starts only one of its own: ` +
        `start them yourself, or name one (unset ${setting} to use a local one).`,
    );
  }
  if (addresses.length !== 1 || !address || !isLocalHost(address.host)) {
    throw new StackError(
      `${kind.server} at ${status.address} is not usable: ${status.problem}. It is not on this machine, so FleetTwin cannot start one: ` +
        `start it there, or point ${setting} at a running server (unset it to use a local one).`,
    );
  }
  if (status.reachable) {
    throw new StackError(
      `${kind.server} at ${status.address} is not usable: ${status.problem}. Port ${address.port} is taken by that program, so FleetTwin cannot start ` +
        `its own there: stop it, or point ${setting} at another port.`,
    );
  }
  return address.port;
}
