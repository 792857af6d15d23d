import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../infra/config/env';
import { migrate } from '../../infra/db/migrate';
import { createScratchDatabase, type ScratchDatabase } from '../../infra/db/scratch-database';
import { DAY_MS, expireTelemetryBefore } from '../../infra/db/telemetry-partitions';
import type { EventRow, TelemetryRow } from './records';
import { EventWriter, TelemetryWriter } from './writers';

let db: ScratchDatabase;

beforeAll(async () => {
  db = await createScratchDatabase(loadConfig().FLEET_DATABASE_URL, 'writers');
  await migrate(db.pool);
});
afterAll(async () => {
  await db?.drop();
});

const reading = (seq: number, deviceTime: number): TelemetryRow => ({
  vehicleId: 'V1', deviceId: 'D1', seq, deviceTime, receivedAt: deviceTime + 100, record: JSON.stringify({ seq }),
});
const event = (streamSeq: number, eventId: string | null): EventRow => ({
  eventId, vehicleId: 'V1', kind: 'motion', at: Date.UTC(2030, 0, 1), payload: JSON.stringify({ streamSeq }), streamSeq,
});

describe('batch writers', () => {
  it('a reading for a day whose partition retention dropped under a running writer is still stored', async () => {
    const writer = new TelemetryWriter(db.pool);
    const day = Date.UTC(2035, 3, 3, 12);
    expect(await writer.write([reading(1, day)])).toBe(1);
    await expireTelemetryBefore(db.pool, day + DAY_MS);
    // The writer still believes the day's partition exists; the insert fails, it recreates it and retries.
    expect(await writer.write([reading(2, day)])).toBe(1);
    const { rows } = await db.pool.query('SELECT seq::int FROM telemetry_history ORDER BY seq');
    expect(rows).toEqual([{ seq: 2 }]);
  });

  it('a reading resent inside one batch or in a later one is stored once; a restarted counter with a new time is kept', async () => {
    const writer = new TelemetryWriter(db.pool);
    const t = Date.UTC(2035, 4, 4);
    expect(await writer.write([reading(7, t), reading(7, t), reading(8, t + 1000)])).toBe(2);
    expect(await writer.write([reading(7, t)])).toBe(0);
    expect(await writer.write([reading(7, t + 60_000)])).toBe(1);
  });

  it('events are stored once per stream message and once per twin event id, but a recreated stream starts afresh', async () => {
    const writer = new EventWriter(db.pool);
    const stream1 = { streamCreatedAt: new Date('2030-01-01T00:00:00Z') };
    const stream2 = { streamCreatedAt: new Date('2030-02-01T00:00:00Z') };
    expect(await writer.write([event(1, 't1.0'), event(2, null)], stream1)).toBe(2);
    // Redelivery of the same messages.
    expect(await writer.write([event(1, 't1.0'), event(2, null)], stream1)).toBe(0);
    // The twin republished t1.0 after a take-over: a new stream message, the same event.
    expect(await writer.write([event(3, 't1.0')], stream1)).toBe(0);
    // The stream was recreated and numbers from 1 again: these are new events.
    expect(await writer.write([event(1, 't9.0'), event(2, null)], stream2)).toBe(2);
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM events');
    expect(rows[0].n).toBe(4);
  });
});
