import { z } from 'zod';
import { idSchema } from '../telemetry/schema';
import { parseTelemetry } from '../telemetry/validate';

/**
 * What the recorder turns each stream message into: a row for PostgreSQL, or the reason it cannot
 * be stored (the message then goes to the dead-letter stream instead of blocking the consumer).
 */
export type Decoded<Row> = { ok: true; row: Row } | { ok: false; reason: string; detail: string };

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

/** evt.<kind>.<vehicleId> */
export function decodeEvent(m: StreamMessage): Decoded<EventRow> {
  const json = parseJson(m.body);
  if (!json.ok) return json;
  const parsed = recordedEventSchema.safeParse(json.value);
  if (!parsed.success) return { ok: false, reason: 'invalid_event', detail: issuesOf(parsed.error) };
  const e = parsed.data;
  const [, kind, vehicleId] = m.subject.split('.');
  if (kind !== e.kind || vehicleId !== e.vehicleId) {
    return { ok: false, reason: 'subject_mismatch', detail: `body says ${e.kind} of ${e.vehicleId}, subject is ${m.subject}` };
  }
  return {
    ok: true,
    row: { eventId: e.id ?? null, vehicleId: e.vehicleId, kind: e.kind, at: e.at, payload: m.body, streamSeq: m.streamSeq },
  };
}

/** tel.<partition>.<vehicleId>, canonical Telemetry v1. */
export function decodeTelemetry(m: StreamMessage): Decoded<TelemetryRow> {
  const json = parseJson(m.body);
  if (!json.ok) return json;
  const parsed = parseTelemetry(json.value);
  if (!parsed.success) return { ok: false, reason: 'invalid_telemetry', detail: issuesOf(parsed.error) };
  const t = parsed.data;
  if (m.subject.split('.')[2] !== t.vehicleId) {
    return { ok: false, reason: 'subject_mismatch', detail: `record is of ${t.vehicleId}, subject is ${m.subject}` };
  }
  return {
    ok: true,
    row: { vehicleId: t.vehicleId, deviceId: t.deviceId, seq: t.seq, deviceTime: t.deviceTime, receivedAt: t.receivedAt, record: m.body },
  };
}

function parseJson(body: string): { ok: true; value: unknown } | { ok: false; reason: string; detail: string } {
  try {
    return { ok: true, value: JSON.parse(body) };
  } catch (err) {
    return { ok: false, reason: 'not_json', detail: (err as Error).message };
  }
}

function issuesOf(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`)
    .join('; ');
}
