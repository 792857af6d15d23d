import { crc16X25 } from '../binary/crc16';

/** A well-formed GT06 frame (length, serial, CRC-ITU, stop bits) around any content. */
export function gt06Frame(protocol: number, content: Uint8Array, { extended = false, serial = 1 } = {}): Uint8Array {
  const length = content.length + 5;
  const head = extended ? [0x79, 0x79, length >> 8, length & 0xff] : [0x78, 0x78, length];
  const frame = Uint8Array.from([...head, protocol, ...content, serial >> 8, serial & 0xff, 0, 0, 0x0d, 0x0a]);
  const crcAt = frame.length - 4;
  const crc = crc16X25(frame.subarray(2, crcAt));
  frame[crcAt] = crc >> 8;
  frame[crcAt + 1] = crc & 0xff;
  return frame;
}

/** Login content: the IMEI as 8 BCD bytes with a leading 0 nibble. */
export const loginContent = (imei: string): Uint8Array => Uint8Array.from(Buffer.from(`0${imei}`, 'hex'));

export interface TestFix {
  time: number;
  lat: number;
  lon: number;
  speedKph: number;
  courseDeg: number;
  satellites?: number;
  positioned?: boolean;
}

/** 0x12 GPS + LBS content: date-time (UTC), satellites, coordinates, speed, course/status, a cell. */
export function positionContent(fix: TestFix): Uint8Array {
  const d = new Date(fix.time);
  const u32 = (n: number) => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
  const flags = (fix.courseDeg & 0x3ff) | (fix.lat >= 0 ? 0x400 : 0) | (fix.lon < 0 ? 0x800 : 0) | ((fix.positioned ?? true) ? 0x1000 : 0);
  return Uint8Array.from([
    d.getUTCFullYear() - 2000, d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(),
    0xc0 | (fix.satellites ?? 9),
    ...u32(Math.round(Math.abs(fix.lat) * 1_800_000)),
    ...u32(Math.round(Math.abs(fix.lon) * 1_800_000)),
    fix.speedKph,
    flags >> 8, flags & 0xff,
    0x00, 0xd0, 0x01, 0x00, 0x2a, 0x00, 0x1f, 0xb8, // MCC 208, MNC 1, LAC 42, cell id 8120
  ]);
}
