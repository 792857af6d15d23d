import type { ByteReader } from '../../binary/byte-reader';
import { readBcdDateTime, readDateTime } from '../fields';
import type { Gt06Report } from '../report';
import type { MessageContext } from './context';

/*
 * Network-location reports: several neighbouring cells, sometimes WiFi access points, and a
 * time. Canonical telemetry has no field for cells or access points, so these become a timed
 * record with no position (the device is alive and where it was); the lists are read past so
 * a malformed report is still refused.
 */

const LBS_ONLY = new Set([0x28, 0x2e, 0x24, 0xa1, 0x34]);
export const MULTI_CELL_TYPES = new Set([0x28, 0x2e, 0x24, 0x18, 0x2c, 0xa1, 0x34, 0xa2, 0x33]);

export function decodeMultiCell(r: ByteReader, report: Gt06Report, ctx: MessageContext): void {
  const type = ctx.frame.protocol;
  const { variant } = ctx;
  report.time = readDateTime(r);
  const timingAdvanceFirst = variant === 'wanwayS20' || variant === 'sl4x';
  if (timingAdvanceFirst) r.u8('timing advance');
  const mcc = r.u16('MCC');
  r.skip(mcc & 0x8000 || variant === 'sl4x' ? 2 : 1, 'MNC');
  const cells = variant === 'wanwayS20' ? r.u8('cell count') : type === 0x33 ? 6 : 7;
  const [lac, cid] = type === 0xa1 || type === 0xa2 ? [4, 8] : type === 0x33 || type === 0x34 ? [2, 4] : [2, 3];
  r.skip(cells * (lac + cid + 1), 'cells');
  if (!timingAdvanceFirst) r.u8('timing advance');
  if (!LBS_ONLY.has(type)) r.skip(r.u8('WiFi count') * 7, 'WiFi access points');
}

/** 0x17, 0x69 (access point count in the length byte, no CRC) and 0xF3. */
export function decodeWifi(r: ByteReader, report: Gt06Report, ctx: MessageContext): void {
  const type = ctx.frame.protocol;
  // 0x17 and 0x69 send the time in BCD, 0xF3 in binary (its samples have bytes like 0x2A).
  report.time = type === 0xf3 ? readDateTime(r) : readBcdDateTime(r);
  if (type === 0xf3) {
    r.skip(r.u8('WiFi count') * 8, 'WiFi access points');
    return;
  }
  r.skip(ctx.frame.length * 7, 'WiFi access points');
  const cells = r.u8('cell count');
  r.u16('MCC');
  r.u8('MNC');
  r.skip(cells * 5, 'cells');
}
