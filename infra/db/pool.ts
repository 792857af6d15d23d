import pg from 'pg';
import type { Logger } from '../log/logger';

/** The server could not be reached or refused us: the message names where and what to do. */
export class DatabaseUnreachableError extends Error {
  override name = 'DatabaseUnreachableError';
}

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);
const UNDEFINED_DATABASE = '3D000';
const DUPLICATE_DATABASE = '42P04';

export interface OpenDatabaseOptions {
  /** Idle clients that lose their server emit errors; they are logged instead of crashing the process. */
  log?: Logger;
  max?: number;
}

/**
 * A pool on FLEET_DATABASE_URL that is known to work: the database is created when the server
 * has none by that name, and an unreachable server is a DatabaseUnreachableError.
 */
export async function openDatabase(url: string, options: OpenDatabaseOptions = {}): Promise<pg.Pool> {
  try {
    await probe(url);
  } catch (err) {
    if (pgCode(err) !== UNDEFINED_DATABASE) throw explain(url, err);
    await createDatabase(url);
  }
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10, connectionTimeoutMillis: 5_000 });
  pool.on('error', (err) => options.log?.warn({ err }, 'idle PostgreSQL connection failed; the pool replaces it'));
  return pool;
}

/** user@host:port/db, never the password. */
export function describeDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.username ? `${decodeURIComponent(u.username)}@` : ''}${u.host}${u.pathname}`;
  } catch {
    return '(unparseable FLEET_DATABASE_URL)';
  }
}

export function databaseNameOf(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  if (!name) throw new DatabaseUnreachableError(`FLEET_DATABASE_URL ${describeDatabaseUrl(url)} names no database`);
  return name;
}

async function probe(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  // A failed connect may still emit 'error' later; without a listener that would crash the process.
  client.on('error', () => {});
  try {
    await client.connect();
  } finally {
    await client.end().catch(() => {});
  }
}

async function createDatabase(url: string): Promise<void> {
  const name = databaseNameOf(url);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString(), connectionTimeoutMillis: 5_000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  } catch (err) {
    // Another process created it between our probe and now: that is what we wanted.
    if (pgCode(err) !== DUPLICATE_DATABASE) {
      throw new DatabaseUnreachableError(`cannot create database "${name}" on ${describeDatabaseUrl(url)}: ${messageOf(err)}`);
    }
  } finally {
    await client.end().catch(() => {});
  }
}

function explain(url: string, err: unknown): Error {
  const where = describeDatabaseUrl(url);
  const code = errnoCode(err);
  if (code && CONNECTION_CODES.has(code)) {
    return new DatabaseUnreachableError(
      `PostgreSQL at ${where} is unreachable (${code}). Start the local stack with \`fleet up\`, or point FLEET_DATABASE_URL at a running server.`,
    );
  }
  if (/timeout/i.test(messageOf(err))) {
    return new DatabaseUnreachableError(`PostgreSQL at ${where} did not answer within 5 s. Is it running? (\`fleet up\` starts the local stack)`);
  }
  return new DatabaseUnreachableError(`PostgreSQL at ${where} refused the connection: ${messageOf(err)}`);
}

export function pgCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string' ? err.code : undefined;
}

/** Node reports a refused dual-stack connect as an AggregateError whose code sits on the parts. */
function errnoCode(err: unknown): string | undefined {
  const own = pgCode(err);
  if (own) return own;
  if (err instanceof AggregateError) return err.errors.map(pgCode).find(Boolean);
  return undefined;
}

function messageOf(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length > 0) return err.errors.map(messageOf).join('; ');
  return err instanceof Error ? err.message : String(err);
}
