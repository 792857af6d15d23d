import type { ByteReader } from '../../binary/byte-reader';
import { readDateTime } from '../fields';
import type { Gt06Report } from '../report';

/** Traccar's reading of the FM08ABC "id=hex value" pairs (keyed by the id's first two hex digits). */
const OBD_VALUES: Record<number, [key: string, scale: number | 'text']> = {
  40: ['odometer', 0.01],
  43: ['fuel', 0.01],
  45: ['coolantTemp', 0.01],
  53: ['obdSpeed', 0.01],
  54: ['rpm', 0.01],
  71: ['fuelUsed', 0.01],
  73: ['hours', 0.01],
  74: ['vin', 'text'],
};

/** The text is followed by 12 bytes the decoder does not use. */
const TRAILER = 12;

/** 0x8C OBD data (FM08ABC, extended): date-time, ACC, then comma-separated id=value pairs. */
export function decodeObd(r: ByteReader, report: Gt06Report): void {
  report.time = readDateTime(r);
  report.set('ignition', r.u8('ACC') > 0);
  const text = r.latin1(Math.max(0, r.remaining - TRAILER), 'OBD text');
  for (const pair of text.split(',')) {
    const [id, value] = pair.split('=');
    if (id === undefined || value === undefined || !/^[0-9A-Fa-f]{2}/.test(id)) continue;
    const known = OBD_VALUES[parseInt(id.substring(0, 2), 16)];
    if (!known) continue;
    const [key, scale] = known;
    if (scale === 'text') report.set(key, value);
    else if (/^[0-9A-Fa-f]{1,13}$/.test(value)) report.set(key, parseInt(value, 16) * scale);
  }
}
