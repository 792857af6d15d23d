import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/env';
import { migrate } from './migrate';
import { createScratchDatabase, type ScratchDatabase } from './scratch-database';
import { DAY_MS, dayOf, ensureTelemetryPartitions, expireTelemetryBefore, partitionName } from './telemetry-partitions';

let db: ScratchDatabase;

beforeAll(async () => {
  db = await createScratchDatabase(loadConfig().FLEET_DATABASE_URL, 'partitions');
  await migrate(db.pool);
});
afterAll(async () => {
  await db?.drop();
});

async function partitions(): Promise<string[]> {
  const { rows } = await db.pool.query(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'telemetry_history'::regclass ORDER BY 1`,
  );
  return rows.map((r) => r.name);
}

async function insertAt(deviceTime: number, seq: number): Promise<void> {
  await db.pool.query(
    `INSERT INTO telemetry_history (vehicle_id, device_id, seq, device_time, received_at, record)
     VALUES ('v', 'd', $1, to_timestamp($2 / 1000.0), now(), '{}')`,
    [seq, deviceTime],
  );
}

describe('telemetry partitions', () => {
  it('racing creators make each day exactly once and report only what they made', async () => {
    const day = dayOf(Date.UTC(2040, 0, 10));
    const pools = [0, 1, 2].map(() => new pg.Pool({ connectionString: db.url, max: 1 }));
    try {
      const created = await Promise.all(pools.map((p) => ensureTelemetryPartitions(p, [day, day + 1, day + 2])));
      expect(created.flat().sort()).toEqual([partitionName(day), partitionName(day + 1), partitionName(day + 2)]);
      expect(await ensureTelemetryPartitions(db.pool, [day, day + 1])).toEqual([]);
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
    expect(partitionName(day)).toBe('telemetry_history_p20400110');
  });

  it('a partition holds exactly its UTC day: the last millisecond is in, midnight is the next day', async () => {
    const day = dayOf(Date.UTC(2041, 5, 1));
    await ensureTelemetryPartitions(db.pool, [day, day + 1]);
    await insertAt((day + 1) * DAY_MS - 1, 1);
    await insertAt((day + 1) * DAY_MS, 2);
    const { rows } = await db.pool.query(`SELECT tableoid::regclass::text AS part, seq::int FROM telemetry_history WHERE seq IN (1, 2) ORDER BY seq`);
    expect(rows).toEqual([{ part: partitionName(day), seq: 1 }, { part: partitionName(day + 1), seq: 2 }]);
  });

  it('the last day a device clock can name (year 275760) gets a partition open at the top', async () => {
    const max = 8_640_000_000_000_000;
    expect(await ensureTelemetryPartitions(db.pool, [dayOf(max)])).toEqual([partitionName(dayOf(max))]);
    await insertAt(max, 3);
  });

  it('expiry drops whole days before the cutoff with their row counts and keeps the day the cutoff falls in', async () => {
    const base = dayOf(Date.UTC(2042, 2, 1));
    await ensureTelemetryPartitions(db.pool, [base, base + 1, base + 2]);
    await insertAt(base * DAY_MS + 5, 10);
    await insertAt(base * DAY_MS + 6, 11);
    await insertAt((base + 1) * DAY_MS, 12);
    await insertAt((base + 2) * DAY_MS, 13);
    const before = await partitions();
    const dropped: Array<[string, number]> = [];
    // The cutoff is inside day base+2: days base and base+1 are wholly older, base+2 is not.
    const result = await expireTelemetryBefore(db.pool, (base + 2) * DAY_MS + 1000, (name, rows) => dropped.push([name, rows]));
    const expected = before.filter((name) => name <= partitionName(base + 1));
    expect(result.partitions).toEqual(expected);
    expect(dropped.find(([name]) => name === partitionName(base))).toEqual([partitionName(base), 2]);
    expect(dropped.find(([name]) => name === partitionName(base + 1))).toEqual([partitionName(base + 1), 1]);
    expect(await partitions()).toContain(partitionName(base + 2));
    expect(await partitions()).not.toContain(partitionName(base + 1));
  });

  it('a partition left detached by a crash mid-expiry is counted and dropped by the next run', async () => {
    const day = dayOf(Date.UTC(2043, 0, 1));
    await ensureTelemetryPartitions(db.pool, [day]);
    await insertAt(day * DAY_MS, 20);
    const name = partitionName(day);
    const expired = name.replace('telemetry_history_p', 'telemetry_history_expired_p');
    await db.pool.query(`ALTER TABLE telemetry_history DETACH PARTITION ${name}`);
    await db.pool.query(`ALTER TABLE ${name} RENAME TO ${expired}`);
    const result = await expireTelemetryBefore(db.pool, 0);
    expect(result).toEqual({ partitions: [name], rows: 1 });
    const { rows } = await db.pool.query(`SELECT to_regclass($1) AS t`, [expired]);
    expect(rows[0].t).toBeNull();
  });
});
