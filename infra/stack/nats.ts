import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { FleetConfig } from '../config/env';
import { acceptsConnections, parseServerUrl, type HostPort } from './address';
import { coerce, gte } from 'semver';
import { findBinaries, findGo, searchDirs } from './binaries';
import { goInstall } from './go-install';
import { PROBE_TIMEOUT_MS, reasonOf, type ServerStatus, type StartedServer } from './server';
import { spawnServer, waitUntilReady } from './server-process';

/** Built with `go install` when no recent nats-server is installed; a v2 release that builds with current Go. */
export const NATS_SERVER_MODULE = { pkg: 'github.com/nats-io/nats-server/v2', version: 'v2.15.3', minGo: '1.26' };

/**
 * The oldest nats-server started when Go can build a newer one: 2.9 (Debian 12's package) is out
 * of support and took ~10 % more CPU per JetStream message than 2.15 in bench:load.
 */
export const MIN_NATS_SERVER = '2.10.0';

/** FLEET_NATS_URL may list several servers of one cluster, comma-separated. */
export function natsAddresses(config: Pick<FleetConfig, 'FLEET_NATS_URL'>): HostPort[] {
  return config.FLEET_NATS_URL.split(',').map((url) => parseServerUrl('FLEET_NATS_URL', url.trim(), { 'nats:': 4222, 'tls:': 4222 }));
}

/** Is a NATS server answering there, with JetStream enabled for our account? */
export async function probe(config: Pick<FleetConfig, 'FLEET_NATS_URL'>): Promise<ServerStatus> {
  const addresses = natsAddresses(config);
  const status: ServerStatus = { server: 'NATS', address: config.FLEET_NATS_URL, reachable: false, healthy: false };
  let nc;
  try {
    nc = await connect({ servers: config.FLEET_NATS_URL.split(',').map((u) => u.trim()), name: 'fleet-probe', timeout: PROBE_TIMEOUT_MS, reconnect: false });
  } catch (err) {
    status.reachable = await acceptsConnections(addresses[0]!);
    status.problem = status.reachable ? `something answers, but not as a NATS server (${reasonOf(err)})` : `nothing answers (${reasonOf(err)})`;
    return status;
  }
  status.reachable = true;
  status.version = nc.info?.version;
  try {
    await jetstreamManager(nc, { timeout: PROBE_TIMEOUT_MS });
    status.jetstream = true;
    status.healthy = true;
  } catch (err) {
    status.jetstream = false;
    status.problem = `JetStream is not enabled (${reasonOf(err)}); start nats-server with -js`;
  } finally {
    await nc.close();
  }
  return status;
}

export interface NatsStartOptions {
  port: number;
  /** JetStream's store and the server's log live here. */
  dataDir: string;
}

/** A local nats-server with JetStream on 127.0.0.1:port, built with Go first when none recent is installed. */
export async function start({ port, dataDir }: NatsStartOptions): Promise<StartedServer> {
  const binary = await natsServerBinary();
  mkdirSync(join(dataDir, 'jetstream'), { recursive: true });
  const address = `nats://127.0.0.1:${port}`;
  const server = spawnServer({
    name: 'NATS',
    command: binary,
    args: ['--addr', '127.0.0.1', '--port', String(port), '--jetstream', '--store_dir', join(dataDir, 'jetstream'), '--server_name', `fleettwin_${port}`],
    logFile: join(dataDir, 'nats-server.log'),
  });
  await waitUntilReady(server, async () => (await probe({ FLEET_NATS_URL: address })).healthy, 30_000);
  return { server: 'NATS', address, dataDir, process: server, stop: () => server.stop() };
}

export interface NatsServerChoice {
  dirs?: string[];
  build?: () => Promise<string>;
  canBuild?: boolean;
  warn?: (line: string) => void;
}

/**
 * The first installed nats-server at MIN_NATS_SERVER or newer; else one built with Go; else (no Go,
 * or the build failed) the older one installed, with a warning — it works, only slower.
 */
export async function natsServerBinary({
  dirs = searchDirs(),
  build = buildNatsServer,
  canBuild = findGo() !== undefined,
  warn = (line) => process.stderr.write(`${line}\n`),
}: NatsServerChoice = {}): Promise<string> {
  const installed = findBinaries('nats-server', dirs).map((path) => ({ path, version: serverVersion(path) }));
  const recent = installed.find((b) => b.version !== undefined && gte(b.version, MIN_NATS_SERVER));
  if (recent) return recent.path;
  const old = installed[0];
  if (!old) return build();
  const fallBack = (why: string) => {
    warn(`using ${old.path} (nats-server ${old.version ?? 'of unknown version'}): ${why}; nats-server ${MIN_NATS_SERVER} or newer is faster`);
    return old.path;
  };
  if (!canBuild) return fallBack('no Go to build a newer one with');
  return build().catch((err: unknown) => fallBack(`building a newer one failed (${reasonOf(err)})`));
}

/** "nats-server: v2.9.10" → "2.9.10". */
function serverVersion(path: string): string | undefined {
  try {
    return coerce(execFileSync(path, ['--version'], { encoding: 'utf8', timeout: 10_000 }))?.version;
  } catch {
    return undefined;
  }
}

function buildNatsServer(): Promise<string> {
  return goInstall({
    label: 'nats-server',
    binary: 'nats-server',
    ...NATS_SERVER_MODULE,
    withoutGo:
      'NATS server not found: install it (Debian/Ubuntu: apt-get install nats-server; macOS: brew install nats-server) or set FLEET_NATS_URL to a NATS server with JetStream',
  });
}
