import type { ByteReader } from '../../binary/byte-reader';
import { readGps, readLbs } from '../fields';
import type { Gt06Report } from '../report';
import type { MessageContext } from './context';

const AZ735_ALARM_STATUS: Record<number, string> = { 0xa2: 'lowBattery', 0xa3: 'lowBattery', 0xa4: 'general', 0xa5: 'door' };

/**
 * AZ735 position 0x32 and alarm 0x33 (extended frames): length-prefixed GPS and LBS blocks,
 * skipped extra cells and access points, a status byte and a reserved extension.
 */
export function decodeAz735(r: ByteReader, report: Gt06Report, ctx: MessageContext): void {
  readGps(r, report, { hasLength: true });
  if (readLbs(r, { hasLength: true })) report.set('rssi', r.u8('GSM signal'));
  r.skip(r.u8('extra cells length'), 'extra cells');
  r.skip(r.u8('WiFi length'), 'WiFi access points');
  const status = r.u8('status');
  report.set('status', status);
  if (ctx.frame.protocol === 0x33) {
    if (status === 0xa0 || status === 0xa1) report.set('armed', status === 0xa0);
    report.alarm(AZ735_ALARM_STATUS[status]);
  }
  r.skip(r.u8('reserved extension length'), 'reserved extension');
}
