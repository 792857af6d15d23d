import { DecodeError } from '../adapter';
import { ByteReader } from '../binary/byte-reader';
import type { AttributeValue } from './reading-builder';
import { toHex } from '../binary/hex';

type Attributes = Array<[string, AttributeValue]>;

const utf8 = new TextDecoder('utf-8');

/**
 * Bluetooth beacon list (NX IO 385): a data-part byte, then per beacon a flags byte, an iBeacon
 * (UUID, major, minor) or Eddystone (namespace, instance) id, the RSSI and, when flagged, battery
 * and temperature. Attribute names are Traccar's. Undefined when the bytes do not hold a whole
 * list, so the caller keeps them raw rather than half-read.
 */
export function readBeaconList(data: Uint8Array): Attributes | undefined {
  return whole(() => {
    const out: Attributes = [];
    const r = new ByteReader(data);
    r.u8('beacon data part');
    for (let i = 1; r.remaining > 0; i++) {
      const flags = r.u8('beacon flags');
      if (flags >> 4 > 0) {
        out.push([`beacon${i}Uuid`, toHex(r.bytesOf(16, 'beacon UUID'))]);
        out.push([`beacon${i}Major`, r.u16('beacon major')]);
        out.push([`beacon${i}Minor`, r.u16('beacon minor')]);
      } else {
        out.push([`beacon${i}Namespace`, toHex(r.bytesOf(10, 'beacon namespace'))]);
        out.push([`beacon${i}Instance`, toHex(r.bytesOf(6, 'beacon instance'))]);
      }
      out.push([`beacon${i}Rssi`, r.i8('beacon RSSI')]);
      if (flags & 0b010) out.push([`beacon${i}Battery`, r.u16('beacon battery') / 100]);
      if (flags & 0b100) out.push([`beacon${i}Temp`, r.u16('beacon temperature')]);
    }
    return out;
  });
}

/**
 * BLE sensor/tag list (NX IO 548, 10828, 10829, 10831, 11317): a header byte, then per tag a
 * length-prefixed list of (parameter id, length, value). Known parameters become Traccar's
 * `tag<n>…` attributes; each value is read inside its own declared length.
 */
export function readTagList(data: Uint8Array): Attributes | undefined {
  return whole(() => {
    const out: Attributes = [];
    const r = new ByteReader(data);
    r.u8('tag list header');
    for (let i = 1; r.remaining > 0; i++) {
      const tag = new ByteReader(r.bytesOf(r.u8('tag length'), 'tag'));
      while (tag.remaining > 0) {
        const id = tag.u8('tag parameter id');
        const raw = tag.bytesOf(tag.u8('tag parameter length'), `tag parameter ${id}`);
        const v = new ByteReader(raw);
        const name = (suffix: string): string => `tag${i}${suffix}`;
        switch (id) {
          case 0:
            out.push([name('Rssi'), v.i8('tag RSSI')]);
            break;
          case 1:
            out.push([name('Id'), toHex(raw)]);
            break;
          case 2: {
            const flags = v.u8('tag battery flags');
            if (flags & 0x40) out.push([name('LowBattery'), true]);
            if (flags & 0x80) out.push([name('Voltage'), v.u8('tag voltage') * 10 + 2000]);
            break;
          }
          case 5:
            out.push([name('Name'), utf8.decode(raw)]);
            break;
          case 6:
            out.push([name('Temp'), v.i16('tag temperature')]);
            break;
          case 7:
            out.push([name('Humidity'), v.u8('tag humidity')]);
            break;
          case 8:
            out.push([name('Magnet'), v.u8('tag magnet') > 0]);
            break;
          case 9:
            out.push([name('Motion'), v.u8('tag motion') > 0]);
            break;
          case 10:
            out.push([name('MotionCount'), v.u16('tag motion count')]);
            break;
          case 11:
            out.push([name('Pitch'), v.i8('tag pitch')]);
            break;
          case 12:
            out.push([name('AngleRoll'), v.i16('tag roll')]);
            break;
          case 13:
            out.push([name('LowBattery'), v.u8('tag low battery')]);
            break;
          case 14:
            out.push([name('Battery'), v.u16('tag battery')]);
            break;
          case 15:
            out.push([name('Mac'), toHex(v.bytesOf(6, 'tag MAC'))]);
            break;
          default:
            break;
        }
      }
    }
    return out;
  });
}

function whole(read: () => Attributes): Attributes | undefined {
  try {
    return read();
  } catch (err) {
    if (err instanceof DecodeError) return undefined;
    throw err;
  }
}
