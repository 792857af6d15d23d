import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import type { Logger } from '../log/logger';
import { pgCode } from './pool';

/**
 * Plain SQL migrations: infra/db/migrations/NNN_name.sql, applied in number order, each inside
 * its own transaction together with its row in schema_migrations. Runners on several machines
 * may start at once; a session advisory lock lets one apply while the others wait, then find
 * nothing left to do.
 */
export const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations', import.meta.url));

/** Any constant works; this one spells "FleetTwin migrations" to whoever finds it in pg_locks. */
const MIGRATION_LOCK_KEY = 0x466c_6565_744d_6967n;
const FILE_NAME = /^(\d{3})_([a-z0-9_]+)\.sql$/;
const UNDEFINED_TABLE = '42P01';

export class MigrationError extends Error {
  override name = 'MigrationError';
}

export interface Migration {
  version: number;
  name: string;
  file: string;
  sql: string;
  /** sha256 of the file: an applied migration edited afterwards is refused, not silently skipped. */
  checksum: string;
}

export interface MigrationStatus {
  applied: Array<{ version: number; name: string; appliedAt: Date }>;
  pending: Migration[];
}

export async function readMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  const migrations: Migration[] = [];
  for (const file of files) {
    const match = FILE_NAME.exec(file);
    if (!match) throw new MigrationError(`${file}: migration files are named NNN_lower_snake_name.sql`);
    const sql = await readFile(join(dir, file), 'utf8');
    migrations.push({
      version: Number(match[1]),
      name: match[2]!,
      file,
      sql,
      checksum: createHash('sha256').update(sql).digest('hex'),
    });
  }
  for (let i = 1; i < migrations.length; i++) {
    if (migrations[i]!.version === migrations[i - 1]!.version) {
      throw new MigrationError(`${migrations[i - 1]!.file} and ${migrations[i]!.file} share version ${migrations[i]!.version}`);
    }
  }
  return migrations;
}

/** Applies what is pending; returns the migrations this call applied (none when up to date). */
export async function migrate(pool: pg.Pool, options: { dir?: string; log?: Logger } = {}): Promise<Migration[]> {
  const migrations = await readMigrations(options.dir);
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY.toString()]);
    try {
      await client.query(`
        CREATE TABLE IF NOT EXISTS schema_migrations (
          version    integer PRIMARY KEY,
          name       text NOT NULL,
          checksum   text NOT NULL,
          applied_at timestamptz NOT NULL DEFAULT now()
        )`);
      const done = await appliedChecksums(client);
      verifyUnchanged(migrations, done);
      const applied: Migration[] = [];
      for (const m of migrations) {
        if (done.has(m.version)) continue;
        await applyOne(client, m);
        options.log?.info({ migration: m.file }, 'migration applied');
        applied.push(m);
      }
      return applied;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY.toString()]);
    }
  } finally {
    client.release();
  }
}

export async function migrationStatus(pool: pg.Pool, dir?: string): Promise<MigrationStatus> {
  const migrations = await readMigrations(dir);
  let rows: Array<{ version: number; name: string; checksum: string; applied_at: Date }>;
  try {
    rows = (await pool.query('SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version')).rows;
  } catch (err) {
    if (pgCode(err) !== UNDEFINED_TABLE) throw err;
    rows = [];
  }
  const done = new Map(rows.map((r) => [r.version, r.checksum]));
  verifyUnchanged(migrations, done);
  return {
    applied: rows.map((r) => ({ version: r.version, name: r.name, appliedAt: r.applied_at })),
    pending: migrations.filter((m) => !done.has(m.version)),
  };
}

async function appliedChecksums(client: pg.PoolClient): Promise<Map<number, string>> {
  const { rows } = await client.query<{ version: number; checksum: string }>('SELECT version, checksum FROM schema_migrations');
  return new Map(rows.map((r) => [r.version, r.checksum]));
}

function verifyUnchanged(migrations: Migration[], done: Map<number, string>): void {
  for (const m of migrations) {
    const checksum = done.get(m.version);
    if (checksum !== undefined && checksum !== m.checksum) {
      throw new MigrationError(`${m.file} was edited after it was applied; add a new migration instead of changing an applied one`);
    }
  }
}

async function applyOne(client: pg.PoolClient, m: Migration): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query(m.sql);
    await client.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [m.version, m.name, m.checksum]);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw new MigrationError(`${m.file} failed and was rolled back: ${err instanceof Error ? err.message : String(err)}`);
  }
}
