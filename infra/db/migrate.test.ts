import { cp, mkdtemp, rm, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/env';
import { migrate, MigrationError, migrationStatus, MIGRATIONS_DIR, readMigrations } from './migrate';
import { DatabaseUnreachableError, openDatabase } from './pool';
import { createScratchDatabase, type ScratchDatabase } from './scratch-database';

const baseUrl = loadConfig().FLEET_DATABASE_URL;

/** Tables, columns, indexes and triggers: what a second run must leave exactly as it was. */
async function schemaOf(pool: pg.Pool): Promise<string> {
  const { rows } = await pool.query(`
    SELECT 'col ' || table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable AS item
      FROM information_schema.columns WHERE table_schema = 'public'
    UNION ALL SELECT 'idx ' || indexname || ' ' || indexdef FROM pg_indexes WHERE schemaname = 'public'
    UNION ALL SELECT 'trg ' || tgname FROM pg_trigger WHERE NOT tgisinternal
    ORDER BY 1`);
  return rows.map((r) => r.item).join('\n');
}

describe('migrations', () => {
  let db: ScratchDatabase;
  beforeAll(async () => {
    db = await createScratchDatabase(baseUrl, 'migrate');
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('apply twice without change: the second run applies nothing and the schema is identical', async () => {
    const first = await migrate(db.pool);
    expect(first.map((m) => m.file)).toEqual((await readMigrations()).map((m) => m.file));
    const schema = await schemaOf(db.pool);
    expect(await migrate(db.pool)).toEqual([]);
    expect(await schemaOf(db.pool)).toBe(schema);
    const status = await migrationStatus(db.pool);
    expect(status.pending).toEqual([]);
    expect(status.applied).toHaveLength(first.length);
  });

  it('the audit log refuses UPDATE, DELETE and TRUNCATE but takes INSERT', async () => {
    await migrate(db.pool);
    await db.pool.query(`INSERT INTO audit_log (actor, action, subject) VALUES ('test', 'probe.write', 'audit_log/1')`);
    await expect(db.pool.query(`UPDATE audit_log SET actor = 'someone else'`)).rejects.toThrow(/append-only: UPDATE/);
    await expect(db.pool.query(`DELETE FROM audit_log`)).rejects.toThrow(/append-only: DELETE/);
    await expect(db.pool.query(`TRUNCATE audit_log`)).rejects.toThrow(/append-only: TRUNCATE/);
    const { rows } = await db.pool.query(`SELECT actor FROM audit_log`);
    expect(rows).toEqual([{ actor: 'test' }]);
  });
});

describe('concurrent migration runners', () => {
  let db: ScratchDatabase;
  beforeAll(async () => {
    db = await createScratchDatabase(baseUrl, 'migrate_race');
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('racing runners on a fresh database apply each migration exactly once between them', async () => {
    const pools = [0, 1, 2, 3].map(() => new pg.Pool({ connectionString: db.url, max: 2 }));
    try {
      const results = await Promise.all(pools.map((p) => migrate(p)));
      const total = (await readMigrations()).length;
      expect(results.flat()).toHaveLength(total);
      const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM schema_migrations');
      expect(rows[0].n).toBe(total);
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
  });
});

describe('migration files that went wrong', () => {
  let db: ScratchDatabase;
  let dir: string;
  beforeAll(async () => {
    db = await createScratchDatabase(baseUrl, 'migrate_bad');
    dir = await mkdtemp(join(tmpdir(), 'fleet-migrations-'));
  });
  afterAll(async () => {
    await db?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('a failing migration is rolled back whole and not recorded, and names its file', async () => {
    await writeFile(join(dir, '001_first.sql'), 'CREATE TABLE first_table (id int);');
    await writeFile(join(dir, '002_broken.sql'), 'CREATE TABLE half_made (id int);\nCREATE TABLE oops (id no_such_type);');
    await expect(migrate(db.pool, { dir })).rejects.toThrow(/002_broken\.sql failed and was rolled back/);
    const { rows } = await db.pool.query(`SELECT to_regclass('half_made') AS half, to_regclass('first_table') AS first`);
    expect(rows[0]).toEqual({ half: null, first: 'first_table' });
    const status = await migrationStatus(db.pool, dir);
    expect(status.applied.map((m) => m.name)).toEqual(['first']);
    expect(status.pending.map((m) => m.file)).toEqual(['002_broken.sql']);
  });

  it('an applied migration edited afterwards is refused instead of silently skipped', async () => {
    await writeFile(join(dir, '002_broken.sql'), 'CREATE TABLE second_table (id int);');
    await migrate(db.pool, { dir });
    await appendFile(join(dir, '001_first.sql'), '\nALTER TABLE first_table ADD COLUMN extra int;');
    await expect(migrate(db.pool, { dir })).rejects.toThrow(MigrationError);
    await expect(migrate(db.pool, { dir })).rejects.toThrow(/001_first\.sql was edited after it was applied/);
  });

  it('a file not named NNN_name.sql is refused before anything runs', async () => {
    const odd = await mkdtemp(join(tmpdir(), 'fleet-migrations-odd-'));
    try {
      await cp(MIGRATIONS_DIR, odd, { recursive: true });
      await writeFile(join(odd, '6_Add Stuff.sql'), 'SELECT 1;');
      await expect(readMigrations(odd)).rejects.toThrow(/6_Add Stuff\.sql: migration files are named NNN_lower_snake_name\.sql/);
    } finally {
      await rm(odd, { recursive: true, force: true });
    }
  });
});

describe('opening the database', () => {
  it('a missing database is created', async () => {
    const db = await createScratchDatabase(baseUrl, 'created');
    try {
      const { rows } = await db.pool.query('SELECT current_database() AS name');
      expect(db.url.endsWith(`/${rows[0].name}`)).toBe(true);
    } finally {
      await db.drop();
    }
  });

  it('an unreachable server is a clear error naming the address and `fleet up`, not a stack trace', async () => {
    // Nothing listens on port 1: connecting there is refused at once.
    const port = 1;
    const url = new URL(baseUrl);
    url.host = `127.0.0.1:${port}`;
    url.password = 'secret-password';
    const err = await openDatabase(url.toString()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatabaseUnreachableError);
    expect((err as Error).message).toMatch(new RegExp(`127\\.0\\.0\\.1:${port}.*unreachable.*fleet up`));
    expect((err as Error).message).not.toContain('secret-password');
  });
});
