import type { Command } from 'commander';
import type pg from 'pg';
import { loadConfig } from '../config/env';
import { createLogger } from '../log/logger';
import { migrate, MigrationError, migrationStatus } from './migrate';
import { DatabaseUnreachableError, describeDatabaseUrl, openDatabase } from './pool';

/** `fleet db migrate` and `fleet db status`: the records database's schema. */
export function register(program: Command): void {
  const db = program.command('db').description('PostgreSQL records: schema migrations');

  db.command('migrate')
    .description('Create the database if missing and apply the pending migrations (infra/db/migrations), in order')
    .action(() =>
      withDatabase('db migrate', async (pool, where) => {
        const applied = await migrate(pool, { log: createLogger('db') });
        const { applied: all } = await migrationStatus(pool);
        console.log(
          applied.length === 0
            ? `${where}: up to date (${all.length} migrations applied)`
            : `${where}: applied ${applied.map((m) => m.file).join(', ')}`,
        );
      }),
    );

  db.command('status')
    .description('List applied and pending migrations; exits 1 when some are pending')
    .action(() =>
      withDatabase('db status', async (pool, where) => {
        const { applied, pending } = await migrationStatus(pool);
        console.log(where);
        for (const m of applied) console.log(`  applied  ${String(m.version).padStart(3, '0')}_${m.name}  ${m.appliedAt.toISOString()}`);
        for (const m of pending) console.log(`  pending  ${m.file}`);
        if (pending.length > 0) {
          console.log('run `fleet db migrate` to apply the pending migrations');
          process.exitCode = 1;
        }
      }),
    );
}

async function withDatabase(command: string, work: (pool: pg.Pool, where: string) => Promise<void>): Promise<void> {
  const url = loadConfig().FLEET_DATABASE_URL;
  try {
    const pool = await openDatabase(url);
    try {
      await work(pool, describeDatabaseUrl(url));
    } finally {
      await pool.end();
    }
  } catch (err) {
    if (!(err instanceof DatabaseUnreachableError || err instanceof MigrationError)) throw err;
    console.error(`fleet ${command}: ${err.message}`);
    process.exitCode = 1;
  }
}
