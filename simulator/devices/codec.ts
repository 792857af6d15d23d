import type { ReferenceMessage } from '../../twins/adapters/reference-json';

/**
 * How a device puts a reading on the wire. The MQTT topic's last level is `format`, which picks
 * the ingress adapter. A binary format (Teltonika, OBD-II) is one more codec beside this one.
 */
export interface DeviceCodec {
  format: string;
  encode(message: ReferenceMessage): Uint8Array;
}

const encoder = new TextEncoder();

/** FleetTwin's reference JSON device format (docs/device-format.md). */
export const jsonCodec: DeviceCodec = {
  format: 'json',
  encode: (message) => encoder.encode(JSON.stringify(message)),
};
