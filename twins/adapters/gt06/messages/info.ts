import { DecodeError } from '../../adapter';
import type { ByteReader } from '../../binary/byte-reader';
import { readDateTime } from '../fields';
import type { Gt06Report } from '../report';
import type { MessageContext } from './context';

/** "!AIOIL," fuel sensor sentence: address, output, temperature, version, status, level, motion, waves, checksum. */
const FUEL_SENTENCE = /^!AIOIL,\d+,\d+\.\d+,(\d+\.\d+),[^,]+,\d{4},(\d+\.\d+),[01],\d+,[0-9A-Fa-f]{2}/;

/** 0x94 information transfer. Basic frames carry the external voltage alone; extended ones a sub-type. */
export function decodeInformation(r: ByteReader, report: Gt06Report, ctx: MessageContext): void {
  if (!ctx.frame.extended) {
    report.vehiclePower(r.i16('external voltage') / 100);
    return;
  }
  const subType = r.u8('information type');
  switch (subType) {
    case 0x00:
      report.set('adc1', r.u16('ADC') / 100);
      return;
    case 0x04:
      return readAlarmStatusText(r.latin1(r.remaining, 'status text'), report);
    case 0x05:
      if (r.remaining >= 7) report.time = readDateTime(r);
      {
        const flags = r.u8('door status');
        report.set('door', (flags & 0x01) !== 0).set('io1', (flags & 0x04) !== 0);
      }
      return;
    case 0x0a:
      r.skip(8, 'IMEI');
      r.skip(8, 'IMSI');
      report.set('iccid', r.hex(10, 'ICCID').replace(/f+$/, ''));
      return;
    case 0x0b:
      if (r.remaining === 1) report.set('networkTechnology', r.u8('network') > 0 ? '4G' : '2G');
      else if (r.remaining === 2) report.vehiclePower(r.u16('external voltage') / 100);
      else throw new DecodeError('bad_length', `information 0x0b holds ${r.remaining} bytes, 1 or 2 expected`);
      return;
    case 0x0d: {
      if (r.peek('fuel sentence') !== 0x21) r.skip(6, 'fuel sensor header');
      const match = FUEL_SENTENCE.exec(r.latin1(r.remaining, 'fuel sentence'));
      if (!match) throw new DecodeError('no_reading', 'fuel sensor message is not an !AIOIL sentence');
      report.set('temp1', Number(match[1])).set('fuel', Number(match[2]));
      return;
    }
    case 0x1b:
      if (isLetter(r.peek('serial data'))) {
        report.set('serial', r.latin1(r.remaining, 'serial data').trim());
      } else {
        r.u8('header');
        r.u8('card type');
        report.set('driverUniqueId', r.hex(4, 'card id'));
        r.u8('checksum');
        r.u8('footer');
      }
      return;
    case 0x1e:
      report.probeTemp(r.i32('temperature') / 10);
      report.set('humidity', r.i32('humidity') / 10);
      return;
    default:
      throw new DecodeError('no_reading', `information type 0x${subType.toString(16).padStart(2, '0')} carries no reading the adapter knows`);
  }
}

const isLetter = (b: number) => (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);

/** "ALM1=C5;ALM2=CC;ALM3=5C;STA1=C0;DYD=01;..." (hex values). */
function readAlarmStatusText(text: string, report: Gt06Report): void {
  for (const item of text.split(';')) {
    const [key, value] = item.split('=');
    if (value === undefined || !/^[0-9A-Fa-f]+$/.test(value)) continue;
    const n = parseInt(value, 16);
    if (/^ALM[1-4]$/.test(key!)) report.set(`alarm${key!.charAt(3)}Status`, n);
    else if (key === 'STA1') report.set('otherStatus', n);
    else if (key === 'DYD') report.set('engineStatus', n);
  }
}
