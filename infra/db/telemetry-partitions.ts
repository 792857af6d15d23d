import pg from 'pg';
import { inTransaction } from './transaction';

/**
 * The daily partitions of telemetry_history (one per UTC day of device time): created ahead and on
 * demand by the recorder, created ahead and expired by the retention workflow.
 */
export const DAY_MS = 86_400_000;
const PARENT = 'telemetry_history';
const PREFIX = 'telemetry_history_p';
/** Detached partitions are renamed with this prefix before they are counted and dropped. */
const EXPIRED_PREFIX = 'telemetry_history_expired_p';
const NAME = /^(\d{4,6})(\d{2})(\d{2})$/;
/** Serialises partition DDL between recorders and retention; any constant, spells "FleetPart". */
const PARTITION_LOCK_KEY = 0x466c_6565_7450_6172n;

/** Days since the epoch (UTC) of an epoch-ms time. */
export function dayOf(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

export function partitionName(day: number): string {
  return PREFIX + dateDigits(day);
}

/** Creates the partitions of the given days that do not exist yet; returns the names it created. */
export async function ensureTelemetryPartitions(pool: pg.Pool, days: Iterable<number>): Promise<string[]> {
  const wanted = [...new Set(days)];
  if (wanted.length === 0) return [];
  const attached = await attachedDays(pool);
  if (wanted.every((d) => attached.has(d))) return [];
  return inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [PARTITION_LOCK_KEY.toString()]);
    // Another process may have created some while we waited for the lock.
    const now = await attachedDays(client);
    const created: string[] = [];
    for (const day of wanted.sort((a, b) => a - b)) {
      if (now.has(day)) continue;
      const name = partitionName(day);
      await client.query(
        `CREATE TABLE ${pg.escapeIdentifier(name)} PARTITION OF ${PARENT}
           FOR VALUES FROM (${boundOf(day)}) TO (${boundOf(day + 1)})`,
      );
      created.push(name);
    }
    return created;
  });
}

/** Today (by `now`) and the `ahead` days after it. */
export function daysAround(now: number, behind: number, ahead: number): number[] {
  const today = dayOf(now);
  return Array.from({ length: behind + ahead + 1 }, (_, i) => today - behind + i);
}

export interface ExpiredTelemetry {
  partitions: string[];
  rows: number;
}

/**
 * Removes every partition whose whole day lies before `cutoffMs` and counts its rows. A partition
 * is first detached in a short transaction (inserts wait only for that), then counted and dropped
 * off the table; a detached one left behind by a crash is finished by the next call.
 */
export async function expireTelemetryBefore(
  pool: pg.Pool,
  cutoffMs: number,
  onPartition: (name: string, rows: number) => void = () => {},
): Promise<ExpiredTelemetry> {
  const result: ExpiredTelemetry = { partitions: [], rows: 0 };
  const finish = async (expired: string, partition: string) => {
    const { rows } = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${pg.escapeIdentifier(expired)}`);
    const n = Number(rows[0]!.n);
    await pool.query(`DROP TABLE ${pg.escapeIdentifier(expired)}`);
    result.partitions.push(partition);
    result.rows += n;
    onPartition(partition, n);
  };

  for (const expired of await tablesNamed(pool, EXPIRED_PREFIX)) {
    await finish(expired, PREFIX + expired.slice(EXPIRED_PREFIX.length));
  }
  const lastExpiredDay = dayOf(cutoffMs) - 1;
  const days = [...(await attachedDays(pool))].filter((d) => d <= lastExpiredDay).sort((a, b) => a - b);
  for (const day of days) {
    const partition = partitionName(day);
    const expired = EXPIRED_PREFIX + dateDigits(day);
    await inTransaction(pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [PARTITION_LOCK_KEY.toString()]);
      // Waiting behind a long query would hold up every insert queued after us; give up instead.
      await client.query(`SET LOCAL lock_timeout = '10s'`);
      await client.query(`ALTER TABLE ${PARENT} DETACH PARTITION ${pg.escapeIdentifier(partition)}`);
      await client.query(`ALTER TABLE ${pg.escapeIdentifier(partition)} RENAME TO ${pg.escapeIdentifier(expired)}`);
    });
    await finish(expired, partition);
  }
  return result;
}

async function attachedDays(db: pg.Pool | pg.PoolClient): Promise<Set<number>> {
  const { rows } = await db.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = $1::regclass`,
    [PARENT],
  );
  const days = new Set<number>();
  for (const { name } of rows) {
    if (!name.startsWith(PREFIX)) continue;
    const day = dayOfDigits(name.slice(PREFIX.length));
    if (day !== undefined) days.add(day);
  }
  return days;
}

async function tablesNamed(pool: pg.Pool, prefix: string): Promise<string[]> {
  const { rows } = await pool.query<{ name: string }>(
    `SELECT relname AS name FROM pg_class
      WHERE relkind = 'r' AND relnamespace = current_schema()::regnamespace AND starts_with(relname, $1)`,
    [prefix],
  );
  return rows.map((r) => r.name).filter((n) => dayOfDigits(n.slice(prefix.length)) !== undefined);
}

function utcParts(day: number): { year: number; month: number; date: number } {
  const d = new Date(day * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, date: d.getUTCDate() };
}

function dateDigits(day: number): string {
  const { year, month, date } = utcParts(day);
  return `${String(year).padStart(4, '0')}${String(month).padStart(2, '0')}${String(date).padStart(2, '0')}`;
}

function dayOfDigits(digits: string): number | undefined {
  const m = NAME.exec(digits);
  if (!m) return undefined;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return Number.isFinite(ms) ? dayOf(ms) : undefined;
}

/**
 * Device times reach far beyond year 9999, which ISO strings cannot write plainly; PostgreSQL can.
 * The day after the last one a JavaScript Date can hold is the open end.
 */
function boundOf(day: number): string {
  if (!Number.isFinite(new Date(day * DAY_MS).getTime())) return 'MAXVALUE';
  const { year, month, date } = utcParts(day);
  return `'${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(date).padStart(2, '0')} 00:00:00+00'`;
}
