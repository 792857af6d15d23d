import { crc16Ibm } from '../binary/crc16';
import { deviceVectors, type DeviceVector } from '../vectors/device-vectors';

export { bytes, type DeviceVector } from '../vectors/device-vectors';

export const teltonikaVectors = (): DeviceVector[] => deviceVectors('teltonika');

/** A TCP frame around `data` (codec id … second record count) with the right length and CRC. */
export function tcpFrameAround(data: Uint8Array): Uint8Array {
  const frame = new Uint8Array(data.length + 12);
  const view = new DataView(frame.buffer);
  view.setUint32(4, data.length);
  frame.set(data, 8);
  view.setUint32(8 + data.length, crc16Ibm(data));
  return frame;
}

/** The data field of a well-formed TCP frame. */
export const tcpData = (frame: Uint8Array): Uint8Array => frame.slice(8, frame.length - 4);

export const ctx = { vehicleId: 'van-7', deviceId: 'fmb-1', receivedAt: 1_750_000_000_000 };
