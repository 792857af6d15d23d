import type { Telemetry } from './schema';
import { parseTelemetry } from './validate';

/**
 * A TELEMETRY stream message: canonical records of one partition stored together, as a JSON
 * array in arrival order. nats-server pays per stored and delivered message, not per byte, so
 * a few readings a message cost it less than half of one a message (docs/benchmarks.md). A lone
 * record object reads as a batch of one, so a hand-written publish (a test, a replay tool) needs
 * no wrapping.
 */
export type TelemetryBatchEntry =
  | { ok: true; index: number; record: Telemetry }
  | { ok: false; index: number; detail: string; raw: unknown };

export type DecodedTelemetryBatch = { ok: true; entries: TelemetryBatchEntry[] } | { ok: false; detail: string };

const encoder = new TextEncoder();

export function encodeTelemetryBatch(records: readonly Telemetry[]): Uint8Array {
  return encoder.encode(JSON.stringify(records));
}

/** Each record checked on its own: one bad record is reported, the rest still count. */
export function decodeTelemetryBatch(body: string): DecodedTelemetryBatch {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (err) {
    return { ok: false, detail: `not JSON: ${(err as Error).message}` };
  }
  const values = Array.isArray(json) ? json : [json];
  return {
    ok: true,
    entries: values.map((value, index): TelemetryBatchEntry => {
      const parsed = parseTelemetry(value);
      if (parsed.success) return { ok: true, index, record: parsed.data };
      const issue = parsed.error.issues[0];
      return { ok: false, index, raw: value, detail: `record ${index}: ${issue?.path.join('.') || 'record'}: ${issue?.message ?? 'not canonical telemetry'}` };
    }),
  };
}
