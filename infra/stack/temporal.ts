import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Connection } from '@temporalio/client';
import { loadTemporalConfig } from '../../temporal.config';
import type { FleetConfig } from '../config/env';
import { acceptsConnections, parseHostPort, type HostPort } from './address';
import { findBinary } from './binaries';
import { goInstall } from './go-install';
import { PROBE_TIMEOUT_MS, reasonOf, type ServerStatus, type StartedServer } from './server';
import { spawnServer, waitUntilReady } from './server-process';

/** The Temporal CLI carries the dev server; newer tags do not `go install`. */
export const TEMPORAL_CLI_MODULE = { pkg: 'github.com/temporalio/cli/cmd/temporal', version: 'v1.5.1', minGo: '1.25' };

export function temporalAddress(config: Pick<FleetConfig, 'FLEET_TEMPORAL_ADDRESS'>): HostPort {
  return parseHostPort('FLEET_TEMPORAL_ADDRESS', config.FLEET_TEMPORAL_ADDRESS);
}

/** A client connection to the configured frontend (TLS as configured); the caller closes it. */
export async function connectTemporal(config: FleetConfig, timeoutMs = PROBE_TIMEOUT_MS): Promise<Connection> {
  const { address, tls } = loadTemporalConfig(config);
  return Connection.connect({ address, ...(tls ? { tls } : {}), connectTimeout: timeoutMs });
}

/** Does the Temporal frontend answer, and does it know our namespace? */
export async function probe(config: FleetConfig): Promise<ServerStatus> {
  const address = temporalAddress(config);
  const status: ServerStatus = { server: 'Temporal', address: config.FLEET_TEMPORAL_ADDRESS, reachable: false, healthy: false };
  if (!(await acceptsConnections(address))) {
    status.problem = 'nothing answers';
    return status;
  }
  let connection: Connection;
  try {
    connection = await connectTemporal(config);
  } catch (err) {
    status.reachable = await acceptsConnections(address);
    status.problem = status.reachable ? `something answers, but not as a Temporal frontend (${reasonOf(err)})` : `nothing answers (${reasonOf(err)})`;
    return status;
  }
  status.reachable = true;
  try {
    const deadline = Date.now() + PROBE_TIMEOUT_MS;
    const info = await connection.withDeadline(deadline, () => connection.workflowService.getClusterInfo({}));
    status.version = info.serverVersion || undefined;
    await connection.withDeadline(deadline, () => connection.workflowService.describeNamespace({ namespace: config.FLEET_TEMPORAL_NAMESPACE }));
    status.healthy = true;
  } catch (err) {
    status.problem = /not ?found/i.test(reasonOf(err))
      ? `namespace "${config.FLEET_TEMPORAL_NAMESPACE}" does not exist (temporal operator namespace create ${config.FLEET_TEMPORAL_NAMESPACE})`
      : reasonOf(err);
  } finally {
    await connection.close();
  }
  return status;
}

export interface TemporalStartOptions {
  config: FleetConfig;
  port: number;
  uiPort: number;
  /** The server's log, and its workflow history when `persist`. */
  dataDir: string;
  /** Keep workflow history in dataDir/dev.db across restarts; false: in memory, gone at stop (tests). */
  persist: boolean;
}

/**
 * A Temporal dev server (frontend, history, UI in one process) on 127.0.0.1, with the configured
 * namespace; the Temporal CLI is built with Go first when it is missing.
 */
export async function start({ config, port, uiPort, dataDir, persist }: TemporalStartOptions): Promise<StartedServer> {
  const binary = await temporalCli();
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const namespace = config.FLEET_TEMPORAL_NAMESPACE;
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--ui-port', String(uiPort), '--log-level', 'warn'];
  if (persist) args.push('--db-filename', join(dir, 'dev.db'));
  if (namespace !== 'default') args.push('--namespace', namespace);
  const address = `127.0.0.1:${port}`;
  const server = spawnServer({
    name: 'Temporal',
    command: binary,
    args,
    logFile: join(dir, 'temporal.log'),
  });
  // The dev server speaks plain TCP whatever TLS the configuration asks of a remote one.
  const local: FleetConfig = {
    ...config,
    FLEET_TEMPORAL_ADDRESS: address,
    FLEET_TEMPORAL_TLS: false,
    FLEET_TEMPORAL_TLS_CA: undefined,
    FLEET_TEMPORAL_TLS_CERT: undefined,
    FLEET_TEMPORAL_TLS_KEY: undefined,
    FLEET_TEMPORAL_TLS_SERVER_NAME: undefined,
  };
  await waitUntilReady(server, async () => (await probe(local)).healthy, 90_000);
  return { server: 'Temporal', address, dataDir: dir, process: server, stop: () => server.stop() };
}

/** The Temporal CLI: on PATH, in Go's install directories, or built with `go install` now (progress shown). */
export async function temporalCli(): Promise<string> {
  return findBinary('temporal') ?? (await buildTemporalCli());
}

function buildTemporalCli(): Promise<string> {
  return goInstall({
    label: 'the Temporal CLI',
    binary: 'temporal',
    ...TEMPORAL_CLI_MODULE,
    withoutGo:
      'Temporal CLI not found: install it (macOS: brew install temporal; Linux: https://docs.temporal.io/cli#install) or set FLEET_TEMPORAL_ADDRESS to a Temporal frontend',
  });
}
