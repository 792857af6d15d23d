import { z } from 'zod';
import { otaStates } from './ota-states';

/**
 * Canonical telemetry, version 1: the one shape every vendor payload is turned into by the
 * ingress, and the only shape twins, recorders and the simulator's checks ever read.
 * Units are in the field names; times are epoch milliseconds (UTC).
 */
export const TELEMETRY_VERSION = 1 as const;

/** Ids are single NATS subject tokens and single MQTT topic levels. */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const idSchema = z.string().regex(ID_PATTERN, 'ids are 1-64 characters of A-Z a-z 0-9 _ -');

export const deviceKinds = ['gps', 'obd', 'dashcam', 'temperature', 'tyre', 'telematics'] as const;
export const deviceKindSchema = z.enum(deviceKinds);
export type DeviceKind = z.infer<typeof deviceKindSchema>;

const epochMs = z.number().int().min(0).max(8_640_000_000_000_000);

export const positionSchema = z.object({
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
  altM: z.number().min(-1000).max(20000).optional(),
  speedKph: z.number().min(0).max(400).optional(),
  headingDeg: z.number().min(0).max(360).optional(),
  satellites: z.number().int().min(0).max(255).optional(),
});

export const engineSchema = z.object({
  ignition: z.boolean().optional(),
  rpm: z.number().min(0).max(20000).optional(),
  coolantC: z.number().min(-60).max(260).optional(),
  oilPressureKpa: z.number().min(0).max(2000).optional(),
  fuelLevelPct: z.number().min(0).max(100).optional(),
  odometerKm: z.number().min(0).max(10_000_000).optional(),
  engineHours: z.number().min(0).max(1_000_000).optional(),
  batteryV: z.number().min(0).max(100).optional(),
  loadPct: z.number().min(0).max(100).optional(),
  throttlePct: z.number().min(0).max(100).optional(),
  intakeAirC: z.number().min(-60).max(260).optional(),
});

/** A diagnostic trouble code: OBD-II (SAE J2012 P/C/B/U code) or J1939 (SPN and FMI). */
export const dtcSchema = z.discriminatedUnion('system', [
  z.object({
    system: z.literal('obd2'),
    code: z.string().regex(/^[PCBU][0-3][0-9A-F]{3}$/, 'OBD-II codes look like P0301'),
  }),
  z.object({
    system: z.literal('j1939'),
    spn: z.number().int().min(0).max(524_287),
    fmi: z.number().int().min(0).max(31),
    occurrences: z.number().int().min(0).max(127).optional(),
  }),
]);
export type Dtc = z.infer<typeof dtcSchema>;

export const tyreSchema = z.object({
  position: z.string().regex(/^[A-Z0-9]{1,6}$/, 'tyre positions look like FL, RR or A2L'),
  pressureKpa: z.number().min(0).max(2000),
  tempC: z.number().min(-60).max(200).optional(),
});

export const harshKinds = ['braking', 'acceleration', 'cornering', 'impact'] as const;
export const harshEventSchema = z.object({
  kind: z.enum(harshKinds),
  g: z.number().min(0).max(50).optional(),
});

export { otaStates };
export const otaReportSchema = z.object({
  campaignId: z.string().min(1).max(128).optional(),
  version: z.string().min(1).max(64),
  state: z.enum(otaStates),
  reason: z.string().max(500).optional(),
});

const attributeValue = z.union([z.number(), z.string().max(1024), z.boolean()]);

/** The body a device reports: everything but the identities and the receive time. */
export const readingSchema = z.object({
  position: positionSchema.optional(),
  engine: engineSchema.optional(),
  dtcs: z.array(dtcSchema).max(64).optional(),
  cargoTempC: z.array(z.number().min(-100).max(150)).max(16).optional(),
  tyres: z.array(tyreSchema).max(32).optional(),
  doorOpen: z.boolean().optional(),
  harsh: z.array(harshEventSchema).max(16).optional(),
  firmware: z.string().min(1).max(64).optional(),
  ota: otaReportSchema.optional(),
  /** Vendor values with no canonical field, under the vendor's (or Traccar's) attribute name. */
  attributes: z.record(z.string().max(64), attributeValue).optional(),
});
export type Reading = z.infer<typeof readingSchema>;

export const telemetrySchema = readingSchema.extend({
  v: z.literal(TELEMETRY_VERSION),
  vehicleId: idSchema,
  deviceId: idSchema,
  deviceKind: deviceKindSchema,
  /** Per-device sequence number; strictly increasing on the device, the dedupe key with deviceId. */
  seq: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  deviceTime: epochMs,
  receivedAt: epochMs,
  /** The adapter that produced this record (json, teltonika, gt06, obd2, ...). */
  format: z.string().min(1).max(32),
});
export type Telemetry = z.infer<typeof telemetrySchema>;
