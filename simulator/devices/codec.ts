import type { ReferenceMessage } from '../../twins/adapters/reference-json';

/**
 * How a device puts a reading on the wire. The MQTT topic's last level is `format`, which picks
 * the ingress adapter.
 */
export interface DeviceCodec {
  format: string;
  encode(message: ReferenceMessage): Uint8Array;
  /**
   * The sequence number the platform will know this reading by, when the format carries none of
   * its own (Teltonika: the record time in ms). Absent: the reading's `seq`.
   */
  platformSeq?(message: ReferenceMessage): number;
}

const encoder = new TextEncoder();

/** FleetTwin's reference JSON device format (docs/device-format.md). */
export const jsonCodec: DeviceCodec = {
  format: 'json',
  encode: (message) => encoder.encode(JSON.stringify(message)),
};
