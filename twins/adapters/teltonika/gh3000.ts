import type { ByteReader } from '../binary/byte-reader';
import type { AvlRecord } from './frame';

/** GH3000 times count seconds from 2007-01-01T00:00:00Z. */
const GH3000_EPOCH_S = 1_167_609_600;

const bit = (mask: number, n: number): boolean => (mask & (1 << n)) !== 0;

/**
 * Codec 7, the GH3000 personal tracker's record: a 30-bit time with the priority in the top two
 * bits, then a global mask saying which parts follow and a location mask saying which GPS fields
 * follow. Unlike the other codecs, latitude comes first and as a 32-bit float.
 */
export function readGh3000Record(r: ByteReader): AvlRecord {
  const time = r.u32('GH3000 time');
  const record: AvlRecord = {
    timestampMs: ((time & 0x3fffffff) + GH3000_EPOCH_S) * 1000,
    priority: time >>> 30,
    io: [],
  };
  const globalMask = r.u8('GH3000 global mask');
  if (bit(globalMask, 0)) {
    const locationMask = r.u8('GH3000 location mask');
    if (bit(locationMask, 0)) {
      record.latitude = r.f32('latitude');
      record.longitude = r.f32('longitude');
    }
    if (bit(locationMask, 1)) record.altitude = r.u16('altitude');
    if (bit(locationMask, 2)) record.angle = (r.u8('angle') * 360) / 256;
    if (bit(locationMask, 3)) record.speed = r.u8('speed');
    if (bit(locationMask, 4)) record.satellites = r.u8('satellites');
    const gsm: NonNullable<AvlRecord['gsm']> = {};
    if (bit(locationMask, 5)) {
      gsm.lac = r.u16('LAC');
      gsm.cid = r.u16('cell id');
    }
    if (bit(locationMask, 6)) gsm.rssi = r.u8('signal quality');
    if (bit(locationMask, 7)) gsm.operator = r.u32('operator code');
    if (Object.keys(gsm).length > 0) record.gsm = gsm;
  }
  for (const [maskBit, size] of [[1, 1], [2, 2], [3, 4]] as const) {
    if (!bit(globalMask, maskBit)) continue;
    const n = r.u8(`${size}-byte IO count`);
    for (let i = 0; i < n; i++) {
      const id = r.u8('IO id');
      const value = size === 1 ? r.u8('IO value') : size === 2 ? r.u16('IO value') : r.u32('IO value');
      record.io.push({ id, size, value });
    }
  }
  return record;
}
