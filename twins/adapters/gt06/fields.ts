import { DecodeError } from '../adapter';
import type { ByteReader } from '../binary/byte-reader';
import type { Gt06Report } from './report';
import { terminalInfoAlarm } from './alarms';

const two = (n: number) => String(n).padStart(2, '0');

/** UTC epoch ms of a calendar date-time, refusing fields that are not a date (month 0, hour 25...). */
export function utcTime(year: number, month: number, day: number, hour: number, minute: number, second: number): number {
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const back = new Date(ms);
  if (
    month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59 ||
    back.getUTCDate() !== day || back.getUTCMonth() !== month - 1
  ) {
    throw new DecodeError('bad_time', `date-time ${year}-${two(month)}-${two(day)} ${two(hour)}:${two(minute)}:${two(second)} is not a valid date`);
  }
  return ms;
}

/** Six binary bytes: year - 2000, month, day, hour, minute, second. */
export function readDateTime(r: ByteReader): number {
  const f = [r.u8('year'), r.u8('month'), r.u8('day'), r.u8('hour'), r.u8('minute'), r.u8('second')] as const;
  return utcTime(2000 + f[0], f[1], f[2], f[3], f[4], f[5]);
}

/** Six BCD bytes, yymmddhhmmss (the WiFi reports). */
export function readBcdDateTime(r: ByteReader): number {
  const f: number[] = [];
  for (const what of ['year', 'month', 'day', 'hour', 'minute', 'second']) {
    const b = r.u8(what);
    if (b >> 4 > 9 || (b & 0xf) > 9) throw new DecodeError('bad_time', `${what} byte 0x${b.toString(16)} is not BCD`);
    f.push((b >> 4) * 10 + (b & 0xf));
  }
  return utcTime(2000 + f[0]!, f[1]!, f[2]!, f[3]!, f[4]!, f[5]!);
}

/** Course and status word: course in bits 0-9, north bit 10, west bit 11, positioned bit 12, ACC in 14-15. */
export function applyCourseStatus(report: Gt06Report, latitudeAbs: number, longitudeAbs: number, flags: number, speedKph?: number): void {
  report.fix = {
    latitude: flags & 0x400 ? latitudeAbs : -latitudeAbs,
    longitude: flags & 0x800 ? -longitudeAbs : longitudeAbs,
    valid: (flags & 0x1000) !== 0,
    courseDeg: flags & 0x3ff,
    ...(speedKph !== undefined ? { speedKph } : {}),
  };
  if (flags & 0x4000) report.set('ignition', (flags & 0x8000) !== 0);
}

/** Degrees from GT06's unit: minutes * 30000. */
export const coordinate = (raw: number) => raw / 60 / 30000;

export interface GpsLayout {
  /** A GPS-length byte after the date-time; 0 means "no fix in this message". */
  hasLength?: boolean;
  hasSatellites?: boolean;
  hasSpeed?: boolean;
  /** Speed on 2 bytes (JC400). */
  longSpeed?: boolean;
  /** Course/status word before the speed (JC400). */
  swapFlags?: boolean;
}

/**
 * The GPS block: date-time, [length], satellites (low nibble), latitude, longitude, speed km/h,
 * course/status. Returns false when the length byte says the block is empty (the time is kept).
 */
export function readGps(r: ByteReader, report: Gt06Report, layout: GpsLayout = {}): boolean {
  const { hasLength = false, hasSatellites = true, hasSpeed = true, longSpeed = false, swapFlags = false } = layout;
  report.time = readDateTime(r);
  if (hasLength && r.u8('GPS length') === 0) return false;
  if (hasSatellites) report.set('sat', r.u8('satellites') & 0xf);
  const latitude = coordinate(r.u32('latitude'));
  const longitude = coordinate(r.u32('longitude'));
  let flags = swapFlags ? r.u16('course/status') : 0;
  const speed = hasSpeed ? (longSpeed ? r.u16('speed') : r.u8('speed')) : undefined;
  if (!swapFlags) flags = r.u16('course/status');
  applyCourseStatus(report, latitude, longitude, flags, speed);
  return true;
}

export interface LbsLayout {
  /** A length byte before the block. */
  hasLength: boolean;
  /** A cell type byte first (0x38); types 3 and up are 4G with a 4-byte LAC and 8-byte cell id. */
  hasCellType?: boolean;
  /** 2-byte MNC whatever the MCC's top bit says. */
  mnc16?: boolean;
  lacBytes?: 2 | 4;
  cidBytes?: 3 | 4 | 8;
}

/**
 * The serving cell: [length], MCC (top bit: 2-byte MNC), MNC, LAC, cell id. Cell towers have no
 * place in canonical telemetry, so the block is only read past. The length byte counts MCC..cell
 * id plus itself in the classic 8-byte layout (9); longer blocks carry extra bytes, which are
 * skipped. A variant layout (wider MNC or cell id) that would not fit the stated length is not
 * what the device sent, so the classic layout is read instead. Returns false for an empty block.
 */
export function readLbs(r: ByteReader, layout: LbsLayout): boolean {
  let length = 0;
  let { mnc16 = false, lacBytes = 2, cidBytes = 3 } = layout;
  if (layout.hasLength) {
    length = r.u8('LBS length');
    if (length === 0) return false;
    if (2 + (mnc16 ? 2 : 1) + lacBytes + cidBytes > length) [mnc16, lacBytes, cidBytes] = [false, 2, 3];
  }
  const cellType = layout.hasCellType ? r.u8('cell type') : 0;
  const lte = cellType >= 3;
  const mcc = r.u16('MCC');
  r.skip(mcc & 0x8000 || mnc16 ? 2 : 1, 'MNC');
  r.skip(lte ? 4 : lacBytes, 'LAC');
  r.skip(lte ? 8 : cidBytes, 'cell id');
  if (layout.hasCellType) r.skip(lte ? 2 : 1, 'cell signal');
  if (length > 9) r.skip(length - 9, 'LBS extension');
  return true;
}

/** Terminal information byte: ACC (bit 1), charging (bit 2), alarm (bits 3-5), fuel cut (bit 7). */
export function readTerminalInfo(r: ByteReader, report: Gt06Report, overspeedVariant: boolean): void {
  const status = r.u8('terminal information');
  report
    .set('status', status)
    .set('ignition', (status & 0x02) !== 0)
    .set('charge', (status & 0x04) !== 0)
    .set('blocked', (status & 0x80) !== 0)
    .alarm(terminalInfoAlarm((status >> 3) & 0x7, overspeedVariant));
}

/** Printable ASCII, tabs and line ends (devices end text lines with CR LF). */
export function isPrintable(bytes: Uint8Array): boolean {
  return bytes.every((b) => (b >= 0x20 && b <= 0x7e) || b === 0x09 || b === 0x0a || b === 0x0d);
}
