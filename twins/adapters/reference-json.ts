import { z } from 'zod';
import { deviceKindSchema, readingSchema, type Telemetry } from '../telemetry/schema';
import { canonicalTelemetry, type DecodeContext, type DeviceAdapter } from './adapter';
import { envelopeFields, parseJsonPayload } from './json-envelope';

/**
 * FleetTwin's own device format (docs/device-format.md): one JSON object per reading, the
 * canonical reading fields plus the device's sequence number, its clock and its kind.
 * Strict: an unknown field is an error, so a device sending a misspelt field is told at once.
 */
export const referenceMessageSchema = readingSchema
  .extend({ ...envelopeFields, kind: deviceKindSchema })
  .strict();
export type ReferenceMessage = z.infer<typeof referenceMessageSchema>;

export const referenceJsonAdapter: DeviceAdapter = {
  format: 'json',
  defaultKind: 'gps',
  description: "FleetTwin's reference JSON device format",
  decode(payload, ctx): Telemetry[] {
    return [telemetryFromReference(parseJsonPayload(payload, referenceMessageSchema), ctx)];
  },
};

/**
 * A validated reference message as canonical telemetry. What-if runs call it directly on the
 * simulator's readings, so they reach the twins exactly as they would through the ingress.
 */
export function telemetryFromReference(message: ReferenceMessage, ctx: DecodeContext): Telemetry {
  const { v, seq, ts, kind, ...reading } = message;
  return canonicalTelemetry(reading, { v, seq, ts }, ctx, { deviceKind: kind, format: 'json' });
}
