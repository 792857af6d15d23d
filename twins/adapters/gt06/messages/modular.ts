import { ByteReader } from '../../binary/byte-reader';
import { applyCourseStatus, coordinate } from '../fields';
import type { Gt06Report } from '../report';

const MODULAR_EVENT_ALARMS: Record<number, string> = {
  0x10: 'door',
  0x12: 'removing',
  0x14: 'geofenceEnter',
  0x15: 'geofenceExit',
  0x16: 'temperature',
  0x1a: 'lowBattery',
  0x1b: 'overspeed',
  0x1c: 'powerOn',
  0x1d: 'powerOff',
  0x20: 'vibration',
  0x21: 'powerCut',
  0x23: 'tampering',
};

/**
 * 0x70 modular GPS (extended): a list of (type, length, data) modules. Each module is read
 * inside its own declared length, so an unknown or oversized one never shifts the next.
 */
export function decodeModular(r: ByteReader, report: Gt06Report): void {
  while (r.remaining > 0) {
    const type = r.u16('module type');
    const m = new ByteReader(r.bytesOf(r.u16('module length'), `module 0x${type.toString(16)}`));
    switch (type) {
      case 0x03: report.set('iccid', m.hex(10, 'ICCID')); break;
      case 0x09: report.set('sat', m.u8('satellites')); break;
      case 0x0a: report.set('satVisible', m.u8('visible satellites')); break;
      case 0x18: report.set('battery', m.u16('battery') / 100); break;
      case 0x28: report.set('hdop', m.u8('HDOP') / 10); break;
      case 0x29: report.set('index', m.u32('index')); break;
      case 0x2a: {
        const input = m.u8('input');
        report.set('door', (input & 0x0f) > 0).set('tamper', input >> 4 > 0);
        break;
      }
      case 0x2b: report.set('bootReason', m.u8('boot reason')); break;
      case 0x2e: report.set('odometer', m.u32le('odometer')); break;
      case 0x33: {
        const seconds = m.u32('GPS time');
        // 0: the device has no time yet; the record then takes the receive time.
        if (seconds > 0) report.time = seconds * 1000;
        report.set('sat', m.u8('satellites'));
        const altitude = m.i16('altitude');
        const latitude = coordinate(m.u32('latitude'));
        const longitude = coordinate(m.u32('longitude'));
        const speed = m.u8('speed');
        applyCourseStatus(report, latitude, longitude, m.u16('course/status'), speed);
        report.fixAltitude(altitude);
        break;
      }
      case 0x34: {
        const event = m.u8('event');
        report.alarm(MODULAR_EVENT_ALARMS[event]).set('event', event);
        break;
      }
      case 0x7f:
        report
          .set('tag1Id', m.hex(6, 'tag id'))
          .set('tag1Battery', m.u16('tag battery') / 1000)
          .set('tag1BatteryLevel', m.u8('tag battery level'))
          .set('tag1Temp', m.i16('tag temperature') / 10)
          .set('tag1Humidity', m.i16('tag humidity'))
          .set('tag1Status', m.u8('tag status'));
        break;
      default:
        break;
    }
  }
}
