import { z } from 'zod';
import { deviceKindSchema, readingSchema, type Telemetry } from '../telemetry/schema';
import { DecodeError, type DeviceAdapter } from './adapter';

/**
 * FleetTwin's own device format (docs/device-format.md): one JSON object per reading, the
 * canonical reading fields plus the device's sequence number, its clock and its kind.
 * Strict: an unknown field is an error, so a device sending a misspelt field is told at once.
 */
export const referenceMessageSchema = readingSchema
  .extend({
    v: z.literal(1),
    seq: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    ts: z.number().int().min(0),
    kind: deviceKindSchema,
  })
  .strict();
export type ReferenceMessage = z.infer<typeof referenceMessageSchema>;

const decoder = new TextDecoder('utf-8', { fatal: true });

export const referenceJsonAdapter: DeviceAdapter = {
  format: 'json',
  defaultKind: 'gps',
  description: "FleetTwin's reference JSON device format",
  decode(payload, ctx): Telemetry[] {
    let text: string;
    try {
      text = decoder.decode(payload);
    } catch {
      throw new DecodeError('not_utf8', 'payload is not UTF-8 text');
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new DecodeError('bad_json', `payload is not JSON: ${(err as Error).message}`);
    }
    const parsed = referenceMessageSchema.safeParse(json);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      const where = first?.path.length ? first.path.join('.') : 'message';
      throw new DecodeError('bad_fields', `${where}: ${first?.message ?? 'invalid'}`);
    }
    const { v, seq, ts, kind, ...reading } = parsed.data;
    return [
      {
        ...reading,
        v,
        vehicleId: ctx.vehicleId,
        deviceId: ctx.deviceId,
        deviceKind: kind,
        seq,
        deviceTime: ts,
        receivedAt: ctx.receivedAt,
        format: 'json',
      },
    ];
  },
};
