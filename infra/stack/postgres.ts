import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import pg from 'pg';
import type { FleetConfig } from '../config/env';
import { DatabaseUnreachableError, describeDatabaseUrl, openDatabase } from '../db/pool';
import { acceptsConnections, parseServerUrl, type HostPort } from './address';
import { findBinary } from './binaries';
import { StackError } from './errors';
import { PROBE_TIMEOUT_MS, reasonOf, type ServerStatus, type StartedServer } from './server';
import { spawnServer, waitUntilReady } from './server-process';
import { accountForServer, handOver } from './unprivileged';

export function databaseAddress(config: Pick<FleetConfig, 'FLEET_DATABASE_URL'>): HostPort {
  return parseServerUrl('FLEET_DATABASE_URL', config.FLEET_DATABASE_URL, { 'postgres:': 5432, 'postgresql:': 5432 });
}

/** Does PostgreSQL accept a connection to the configured database? A missing database is created. */
export async function probe(config: Pick<FleetConfig, 'FLEET_DATABASE_URL'>): Promise<ServerStatus> {
  const url = config.FLEET_DATABASE_URL;
  const address = databaseAddress(config);
  const status: ServerStatus = { server: 'PostgreSQL', address: describeDatabaseUrl(url), reachable: false, healthy: false };
  let pool: pg.Pool;
  try {
    pool = await openDatabase(url);
  } catch (err) {
    if (!(err instanceof DatabaseUnreachableError)) throw err;
    status.reachable = await acceptsConnections(address);
    status.problem = err.message;
    return status;
  }
  status.reachable = true;
  try {
    const { rows } = await pool.query<{ version: string }>("SELECT current_setting('server_version') AS version");
    status.version = rows[0]?.version;
    status.healthy = true;
  } catch (err) {
    status.problem = reasonOf(err);
  } finally {
    await pool.end();
  }
  return status;
}

export interface PostgresStartOptions {
  /** The database to serve: its user becomes the superuser, its database is created; host and port are replaced. */
  databaseUrl: string;
  port: number;
  /** The cluster (cluster/) and the server's logs live here. */
  dataDir: string;
}

/**
 * A local PostgreSQL on 127.0.0.1:port, initialised on first use with trust authentication.
 * PostgreSQL refuses to run as root, so as root initdb and postgres run as the postgres account
 * (or nobody), which is given the data directory.
 */
export async function start({ databaseUrl, port, dataDir }: PostgresStartOptions): Promise<StartedServer> {
  const initdb = findBinary('initdb');
  const postgres = initdb && join(dirname(initdb), 'postgres');
  if (!initdb || !postgres || !existsSync(postgres)) {
    throw new StackError(
      'PostgreSQL not found: install it (Debian/Ubuntu: apt-get install postgresql; macOS: brew install postgresql@16) or set FLEET_DATABASE_URL to a server',
    );
  }
  const dir = resolve(dataDir);
  const cluster = join(dir, 'cluster');
  const url = new URL(databaseUrl);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  const superuser = decodeURIComponent(url.username) || 'postgres';
  mkdirSync(dir, { recursive: true });
  const account = accountForServer(['postgres']);
  if (account) handOver(dir, account, 'PostgreSQL');
  const runAs = account ? { uid: account.uid, gid: account.gid } : undefined;

  if (!existsSync(join(cluster, 'PG_VERSION'))) {
    const init = spawnServer({
      name: 'initdb',
      command: initdb,
      args: ['--pgdata', cluster, '--username', superuser, '--auth', 'trust', '--encoding', 'UTF8', '--no-locale'],
      logFile: join(dir, 'initdb.log'),
      ...(runAs ? { account: runAs } : {}),
    });
    const { code, error } = await init.exited;
    if (code !== 0) throw new StackError(`initdb of ${cluster} failed (${error ?? `exit ${code}`}); see ${join(dir, 'initdb.log')}`);
  }

  const server = spawnServer({
    name: 'PostgreSQL',
    command: postgres,
    // No Unix socket: its default directory is the system server's, and TCP on 127.0.0.1 is all we use.
    args: ['-D', cluster, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    logFile: join(dir, 'postgres.log'),
    stopSignal: 'SIGINT',
    ...(runAs ? { account: runAs } : {}),
  });
  const admin = new URL(url);
  admin.pathname = '/postgres';
  await waitUntilReady(server, () => accepts(admin.toString()), 60_000);
  const pool = await openDatabase(url.toString());
  await pool.end();
  return { server: 'PostgreSQL', address: url.toString(), dataDir: dir, process: server, stop: () => server.stop() };
}

async function accepts(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: PROBE_TIMEOUT_MS });
  client.on('error', () => {});
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}
