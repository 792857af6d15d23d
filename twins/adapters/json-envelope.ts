import { z } from 'zod';
import type { DeviceKind, Reading, Telemetry } from '../telemetry/schema';
import { fastParser } from '../telemetry/validate';
import { canonicalTelemetry, DecodeError, type DecodeContext, type DeviceAdapter } from './adapter';
import type { ReferenceMessage } from './reference-json';

/**
 * The envelope every JSON device format wraps its body in (docs/device-format.md): the format
 * version, the device's sequence number and its clock. Spread into each format's strict schema.
 */
export const envelopeFields = {
  v: z.literal(1),
  seq: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  ts: z.number().int().min(0),
};
export interface Envelope {
  v: 1;
  seq: number;
  ts: number;
}

const utf8Decoder = new TextDecoder('utf-8', { fatal: true });
const utf8Encoder = new TextEncoder();

/**
 * The text → JSON → schema steps every JSON-carried device format shares, each failure a
 * DecodeError: not_utf8, bad_json, bad_fields (naming the field).
 */
export function parseJsonPayload<T>(payload: Uint8Array, schema: z.ZodType<T>): T {
  let text: string;
  try {
    text = utf8Decoder.decode(payload);
  } catch {
    throw new DecodeError('not_utf8', 'payload is not UTF-8 text');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new DecodeError('bad_json', `payload is not JSON: ${(err as Error).message}`);
  }
  const parsed = fastParser(schema)(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first?.path.length ? first.path.join('.') : 'message';
    throw new DecodeError('bad_fields', `${where}: ${first?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

/**
 * A vehicle-bus device format carried in the JSON envelope: `schema` checks a message, `read`
 * decodes its body into one reading (throwing DecodeError), from a device of `defaultKind`.
 */
export function jsonEnvelopeAdapter<M extends Envelope>(spec: {
  format: string;
  defaultKind: DeviceKind;
  description: string;
  schema: z.ZodType<M>;
  read(message: M): Reading;
}): DeviceAdapter {
  return {
    format: spec.format,
    defaultKind: spec.defaultKind,
    description: spec.description,
    decode(payload, ctx): Telemetry[] {
      const message = parseJsonPayload(payload, spec.schema);
      return [canonicalTelemetry(spec.read(message), message, ctx, { deviceKind: spec.defaultKind, format: spec.format })];
    },
  };
}

/**
 * The simulator's device codec (the shape of simulator/devices/codec.ts DeviceCodec) for a JSON
 * envelope format: `toMessage` turns the simulated reading into the format's message, sent as
 * UTF-8 JSON.
 */
export function jsonEnvelopeCodec(format: string, toMessage: (seq: number, ts: number, reading: Reading) => Envelope) {
  return {
    format,
    encode(message: ReferenceMessage): Uint8Array {
      const { v: _v, seq, ts, kind: _kind, ...reading } = message;
      return utf8Encoder.encode(JSON.stringify(toMessage(seq, ts, reading)));
    },
  };
}
