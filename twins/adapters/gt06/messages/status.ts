import type { ByteReader } from '../../binary/byte-reader';
import { utcTime } from '../fields';
import type { Gt06Report } from '../report';

/** 0x23 heartbeat (GK310): terminal status, then battery voltage and GSM signal when present. */
export function decodeHeartbeat(r: ByteReader, report: Gt06Report): void {
  const status = r.u8('terminal status');
  report
    .set('armed', (status & 0x01) !== 0)
    .set('ignition', (status & 0x02) !== 0)
    .set('charge', (status & 0x04) !== 0);
  if (r.remaining >= 2) report.set('battery', r.u16('battery voltage') / 100);
  if (r.remaining >= 1) report.set('rssi', r.u8('GSM signal'));
}

/** 0x13 status with 16 bytes of content: battery level and the device's own temperature. */
export const LONG_STATUS_LENGTH = 16;

export function decodeLongStatus(r: ByteReader, report: Gt06Report): void {
  r.u8('information content');
  r.u16('satellites');
  r.u8('alarm');
  r.u8('language');
  report.set('batteryLevel', r.u8('battery level'));
  r.u8('working mode');
  r.u16('working voltage');
  r.u8('reserved');
  r.u16('working times');
  r.u16('working time');
  const value = r.u16('temperature');
  // Traccar's reading: bit 15 set means above zero.
  const celsius = (value & 0x7fff) / 10;
  report.set('temp1', value & 0x8000 ? celsius : -celsius);
}

/**
 * 0xA3 with 19 bytes of content (Concox GL21L status). No manual was at hand: the layout is read
 * from the sample in Traccar's tests, whose only published value is the step count (600, the
 * bytes 0x0258 at content offset 11). A date of all zeros is a clock the device has not set
 * yet, so the record takes the receive time. The other bytes are left unnamed.
 */
export function decodeGl21lStatus(r: ByteReader, report: Gt06Report): void {
  const [year, month, day, hour, minute, second] = [r.u8('year'), r.u8('month'), r.u8('day'), r.u8('hour'), r.u8('minute'), r.u8('second')];
  if (year !== 0 || month !== 0 || day !== 0) report.time = utcTime(2000 + year, month, day, hour, minute, second);
  r.skip(3, 'unidentified status bytes');
  report.set('steps', r.u32('steps'));
}
