import { expect } from 'vitest';
import { telemetrySchema, type Telemetry } from '../../telemetry/schema';
import { DecodeError, type DecodeContext, type DeviceAdapter } from '../adapter';

export type AdapterOutcome = { ok: true; records: Telemetry[] } | { ok: false; error: DecodeError };

const hexOf = (payload: Uint8Array) => Buffer.from(payload).toString('hex');

/**
 * Decodes `payload` and holds the adapter to its contract (adapter.ts): records, or a DecodeError
 * with a token code and a message; anything else fails the test, naming the payload. With
 * `canonical` (the default) every record must also pass the canonical schema.
 */
export function decodeOrRefuse(adapter: DeviceAdapter, payload: Uint8Array, ctx: DecodeContext, { canonical = true } = {}): AdapterOutcome {
  let records: Telemetry[];
  try {
    records = adapter.decode(payload, ctx);
  } catch (err) {
    if (!(err instanceof DecodeError)) throw new Error(`payload ${hexOf(payload)} threw ${String(err)}`);
    expect(err.code).toMatch(/^[a-z][a-z0-9_]*$/);
    expect(err.message.length).toBeGreaterThan(0);
    return { ok: false, error: err };
  }
  if (canonical) {
    for (const record of records) expect(telemetrySchema.safeParse(record).error, `payload ${hexOf(payload)}`).toBeUndefined();
  }
  return { ok: true, records };
}

/** The DecodeError `run` throws; a test fails if it throws nothing or anything else. */
export function refusal(run: () => unknown): DecodeError {
  try {
    run();
  } catch (err) {
    if (err instanceof DecodeError) return err;
    throw err;
  }
  throw new Error('expected a DecodeError');
}

const utf8 = new TextEncoder();

/** A JSON device message as the device sends it: UTF-8 JSON, or a string's own bytes. */
export const jsonPayload = (message: unknown): Uint8Array => utf8.encode(typeof message === 'string' ? message : JSON.stringify(message));
