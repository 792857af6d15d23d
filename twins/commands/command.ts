import { z } from 'zod';
import { idSchema } from '../telemetry/schema';

/**
 * Device formats whose devices take these commands and report their OTA steps in telemetry.
 * Binary trackers (Teltonika, GT06) carry no OTA report and are updated by their vendor's own
 * FOTA service, so campaigns leave them out.
 */
export const OTA_FORMATS: readonly string[] = ['json'];

/**
 * Commands the platform sends a device: published to JetStream COMMANDS on `cmd.<vehicleId>`,
 * bridged to the device's MQTT topic `cmd/<vehicleId>/<deviceId>` (QoS 1) by the ingress process.
 * The device is the judge of an offer's manifest (it verifies it before anything else), so the
 * bridge passes the manifest through as it is.
 */
const commandBase = {
  v: z.literal(1),
  /** Unique per command; a device ignores a repeat. */
  id: z.string().min(1).max(256),
  vehicleId: idSchema,
  deviceId: idSchema,
  campaignId: z.string().min(1).max(128),
};

export const deviceCommandSchema = z.discriminatedUnion('type', [
  z
    .object({
      ...commandBase,
      type: z.literal('ota.offer'),
      /** Where the artifact is downloaded from (HTTP GET). */
      url: z.url().max(2048),
      manifest: z.record(z.string(), z.unknown()),
    })
    .strict(),
  z
    .object({
      ...commandBase,
      type: z.literal('ota.rollback'),
      /** The campaign's version the device is to leave. */
      version: z.string().min(1).max(64),
    })
    .strict(),
]);
export type DeviceCommand = z.infer<typeof deviceCommandSchema>;

/** The device's command topic: outside `fleet/#`, so the ingress never takes commands for telemetry. */
export function commandTopic(vehicleId: string, deviceId: string): string {
  return `cmd/${vehicleId}/${deviceId}`;
}
