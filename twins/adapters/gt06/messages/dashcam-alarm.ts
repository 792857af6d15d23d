import { dashcamEventAlarm } from '../alarms';
import type { ByteReader } from '../../binary/byte-reader';
import { readDateTime, readGps } from '../fields';
import type { Gt06Report } from '../report';
import type { MessageContext } from './context';

/**
 * 0x95 alarm of the JC100/JC400 dashcams: a date-time alone (short form) or a GPS block
 * (JC400: marker 0xFFFF, version, wide speed, course before speed, then the supply voltage),
 * then the event code, its data and the names of the video files recorded for it.
 */
export function decodeDashcamAlarm(r: ByteReader, report: Gt06Report, ctx: MessageContext): void {
  const jc400 = ctx.variant === 'jc400';
  const withPosition = r.remaining > 7;
  if (withPosition) {
    if (jc400) {
      r.u16('marker');
      r.u8('version');
    }
    readGps(r, report, { hasSatellites: jc400, hasSpeed: jc400, longSpeed: jc400, swapFlags: jc400 });
  } else {
    report.time = readDateTime(r);
  }
  if (jc400) report.vehiclePower(r.u16('supply voltage') / 10);
  const event = r.u8('event');
  report.set('event', event).alarm(dashcamEventAlarm(event, withPosition));
  if (r.remaining >= 2) report.set('eventData', r.u16('event data'));
  if (r.remaining > 0) report.set('eventFiles', r.latin1(r.remaining, 'event files'));
}
