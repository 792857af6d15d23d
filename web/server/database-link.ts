import type pg from 'pg';
import { openDatabase } from '../../infra/db/pool';
import type { Logger } from '../../infra/log/logger';
import { LazyLink } from './lazy-link';

/** The web server's PostgreSQL pool (the map needs no database). */
export class DatabaseLink extends LazyLink<pg.Pool> {
  constructor(url: string, log: Logger) {
    super(
      () => openDatabase(url, { log, max: 4 }),
      (pool) => pool.end(),
    );
  }

  pool(): Promise<pg.Pool> {
    return this.connection();
  }
}
