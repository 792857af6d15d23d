import type pg from 'pg';
import { pgCode } from '../../infra/db/pool';
import { dayOf, ensureTelemetryPartitions } from '../../infra/db/telemetry-partitions';
import type { EventRow, TelemetryRow } from './records';

/**
 * One INSERT per batch: the rows travel as a handful of array parameters and unnest() turns them
 * back into rows, so a batch of thousands is one statement and one round trip. ON CONFLICT DO
 * NOTHING makes a redelivered message (or a republished event) a no-op: writing is idempotent,
 * which is what lets the recorder ack only after commit and never fear a redelivery.
 * Each write resolves to the number of rows that were new.
 */
export interface BatchWriter<Row> {
  write(rows: Row[], source: StreamSource): Promise<number>;
}

/** Which incarnation of a stream the batch came from: its sequence numbers are only unique within it. */
export interface StreamSource {
  streamCreatedAt: Date;
}

export class EventWriter implements BatchWriter<EventRow> {
  constructor(private readonly pool: pg.Pool) {}

  async write(rows: EventRow[], source: StreamSource): Promise<number> {
    const result = await this.pool.query(
      `INSERT INTO events (event_id, vehicle_id, kind, at, payload, stream_created_at, stream_seq)
       SELECT e, v, k, to_timestamp(a / 1000.0), p::jsonb, $6, s
         FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $7::bigint[]) AS t(e, v, k, a, p, s)
       ON CONFLICT DO NOTHING`,
      [
        rows.map((r) => r.eventId),
        rows.map((r) => r.vehicleId),
        rows.map((r) => r.kind),
        rows.map((r) => r.at),
        rows.map((r) => r.payload),
        source.streamCreatedAt,
        rows.map((r) => r.streamSeq),
      ],
    );
    return result.rowCount ?? 0;
  }
}

/** No partition for a row's device day: one was dropped by retention after we last looked. */
const NO_PARTITION = '23514';

export class TelemetryWriter implements BatchWriter<TelemetryRow> {
  /** Days whose partition this process has seen exist; saves a catalogue query per batch. */
  private readonly knownDays = new Set<number>();

  constructor(private readonly pool: pg.Pool) {}

  async write(rows: TelemetryRow[]): Promise<number> {
    await this.ensureDays(rows);
    try {
      return await this.insert(rows);
    } catch (err) {
      if (pgCode(err) !== NO_PARTITION) throw err;
      this.knownDays.clear();
      await this.ensureDays(rows);
      return await this.insert(rows);
    }
  }

  private async ensureDays(rows: TelemetryRow[]): Promise<void> {
    const missing = new Set<number>();
    for (const r of rows) {
      const day = dayOf(r.deviceTime);
      if (!this.knownDays.has(day)) missing.add(day);
    }
    if (missing.size === 0) return;
    await ensureTelemetryPartitions(this.pool, missing);
    for (const day of missing) this.knownDays.add(day);
  }

  private async insert(rows: TelemetryRow[]): Promise<number> {
    const result = await this.pool.query(
      `INSERT INTO telemetry_history (vehicle_id, device_id, seq, device_time, received_at, record)
       SELECT v, d, s, to_timestamp(dt / 1000.0), to_timestamp(rt / 1000.0), r::jsonb
         FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::text[]) AS t(v, d, s, dt, rt, r)
       ON CONFLICT DO NOTHING`,
      [
        rows.map((r) => r.vehicleId),
        rows.map((r) => r.deviceId),
        rows.map((r) => r.seq),
        rows.map((r) => r.deviceTime),
        rows.map((r) => r.receivedAt),
        rows.map((r) => r.record),
      ],
    );
    return result.rowCount ?? 0;
  }
}
