import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { databaseNameOf, openDatabase } from './pool';

/**
 * A throwaway database on the server of `baseUrl`, for tests: each test file gets its own, so
 * runs never see each other's rows, and drop() leaves nothing behind.
 */
export interface ScratchDatabase {
  url: string;
  pool: pg.Pool;
  drop(): Promise<void>;
}

export async function createScratchDatabase(baseUrl: string, label: string): Promise<ScratchDatabase> {
  const base = new URL(baseUrl);
  const name = `${databaseNameOf(baseUrl)}_${label}_${randomBytes(4).toString('hex')}`.slice(0, 63);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const pool = await openDatabase(url.toString());
  return {
    url: url.toString(),
    pool,
    async drop() {
      await pool.end();
      base.pathname = '/postgres';
      const admin = new pg.Client({ connectionString: base.toString() });
      await admin.connect();
      try {
        await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
      } finally {
        await admin.end();
      }
    },
  };
}
