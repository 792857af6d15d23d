import { z } from 'zod';
import { idSchema } from '../telemetry/schema';
import { decodeTelemetryBatch } from '../telemetry/batch';

/**
 * What the recorder turns each part of a stream message into (an event message is one part, a
 * telemetry batch one a record): a row for PostgreSQL, or the reason it cannot be stored (the
 * part then goes to the dead-letter stream, `data` or else the whole message, instead of
 * blocking the consumer).
 */
export type Decoded<Row> = { ok: true; row: Row } | { ok: false; reason: string; detail: string; data?: Uint8Array };

/** The message as the recorder sees it: enough of a JetStream message to decode, easy to build in tests. */
export interface StreamMessage {
  subject: string;
  streamSeq: number;
  body: string;
}

const epochMs = z.number().int().min(0).max(8_640_000_000_000_000);

/** The fields the recorder needs from an EVENTS body; everything else is kept as the payload. */
export const recordedEventSchema = z.looseObject({
  id: z.string().min(1).max(256).optional(),
  kind: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'kinds are single subject tokens'),
  vehicleId: idSchema,
  at: epochMs,
});

export interface EventRow {
  eventId: string | null;
  vehicleId: string;
  kind: string;
  at: number;
  payload: string;
  streamSeq: number;
}

export interface TelemetryRow {
  vehicleId: string;
  deviceId: string;
  seq: number;
  deviceTime: number;
  receivedAt: number;
  record: string;
}

const encoder = new TextEncoder();

/** evt.<kind>.<vehicleId> */
export function decodeEvent(m: StreamMessage): Array<Decoded<EventRow>> {
  let json: unknown;
  try {
    json = JSON.parse(m.body);
  } catch (err) {
    return [{ ok: false, reason: 'not_json', detail: (err as Error).message }];
  }
  const parsed = recordedEventSchema.safeParse(json);
  if (!parsed.success) return [{ ok: false, reason: 'invalid_event', detail: issuesOf(parsed.error) }];
  const e = parsed.data;
  const [, kind, vehicleId] = m.subject.split('.');
  if (kind !== e.kind || vehicleId !== e.vehicleId) {
    return [{ ok: false, reason: 'subject_mismatch', detail: `body says ${e.kind} of ${e.vehicleId}, subject is ${m.subject}` }];
  }
  return [{ ok: true, row: { eventId: e.id ?? null, vehicleId: e.vehicleId, kind: e.kind, at: e.at, payload: m.body, streamSeq: m.streamSeq } }];
}

/** tel.<partition>: a batch of canonical Telemetry v1 records (twins/telemetry/batch.ts), a row each. */
export function decodeTelemetry(m: StreamMessage): Array<Decoded<TelemetryRow>> {
  const batch = decodeTelemetryBatch(m.body);
  if (!batch.ok) return [{ ok: false, reason: 'not_json', detail: batch.detail }];
  return batch.entries.map((entry): Decoded<TelemetryRow> => {
    if (!entry.ok) return { ok: false, reason: 'invalid_telemetry', detail: entry.detail, data: encoder.encode(JSON.stringify(entry.raw)) };
    const t = entry.record;
    return { ok: true, row: { vehicleId: t.vehicleId, deviceId: t.deviceId, seq: t.seq, deviceTime: t.deviceTime, receivedAt: t.receivedAt, record: JSON.stringify(t) } };
  });
}

function issuesOf(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`)
    .join('; ');
}
