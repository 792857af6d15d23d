import { join } from 'node:path';
import pg from 'pg';
import type { FleetConfig } from '../config/env';
import { databaseNameOf } from '../db/pool';
import { acceptsConnections, freePort, isLocalHost } from '../stack/address';
import { StackError } from '../stack/errors';
import * as postgres from '../stack/postgres';
import type { StartedServer } from '../stack/server';

export interface TestDatabase {
  url: string;
  /** Set when no configured server was there and one was started for the run. */
  server?: StartedServer;
  /** Drops the database (and stops the server started for it). */
  dispose(): Promise<void>;
}

/**
 * A new, empty database for one test run on the configured PostgreSQL — named after the run's
 * pid, so runs side by side never share one — or on a private server started when none answers
 * at a local address. Databases of earlier runs whose process is gone are dropped first.
 */
export async function createTestDatabase(config: FleetConfig, baseDir: string): Promise<TestDatabase> {
  const address = postgres.databaseAddress(config);
  const name = `${databaseNameOf(config.FLEET_DATABASE_URL)}_test_${process.pid}`.slice(0, 63);
  const url = new URL(config.FLEET_DATABASE_URL);
  url.pathname = `/${name}`;
  let server: StartedServer | undefined;
  if (!(await acceptsConnections(address))) {
    if (!isLocalHost(address.host)) {
      throw new StackError(`tests need PostgreSQL: nothing answers at ${address.host}:${address.port} (FLEET_DATABASE_URL); start it or unset FLEET_DATABASE_URL`);
    }
    server = await postgres.start({ databaseUrl: url.toString(), port: await freePort(), dataDir: join(baseDir, 'postgres') });
  } else {
    if (isLocalHost(address.host)) await dropDatabasesOfEndedRuns(url.toString(), name);
    await withAdmin(url.toString(), (admin) => admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`));
  }
  const testUrl = server?.address ?? url.toString();
  return {
    url: testUrl,
    ...(server ? { server } : {}),
    async dispose() {
      if (server) await server.stop();
      else await withAdmin(testUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`));
    },
  };
}

/** <db>_test_<pid> databases whose run has ended (killed before its teardown) — and our own, should a pid repeat. */
async function dropDatabasesOfEndedRuns(url: string, ours: string): Promise<void> {
  const prefix = ours.replace(/\d+$/, '');
  await withAdmin(url, async (admin) => {
    const { rows } = await admin.query<{ datname: string }>('SELECT datname FROM pg_database WHERE starts_with(datname, $1)', [prefix]);
    for (const { datname } of rows) {
      const pid = Number(datname.slice(prefix.length));
      if (datname === ours || (Number.isInteger(pid) && !isAlive(pid))) {
        await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(datname)} WITH (FORCE)`);
      }
    }
  });
}

async function withAdmin<T>(url: string, work: (admin: pg.Client) => Promise<T>): Promise<T> {
  const adminUrl = new URL(url);
  adminUrl.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: adminUrl.toString(), connectionTimeoutMillis: 5000 });
  admin.on('error', () => {});
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
