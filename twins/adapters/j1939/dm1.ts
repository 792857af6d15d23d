import type { Dtc } from '../../telemetry/schema';
import { DecodeError } from '../adapter';
import { toHex } from '../obd2/hex';

type J1939Dtc = Extract<Dtc, { system: 'j1939' }>;

/** The four lamps of DM1 byte 1, two bits each (00 off, 01 on, 10/11 not available). */
export const lampAttributes = ['protectLamp', 'amberWarningLamp', 'redStopLamp', 'milOn'] as const;
export type Lamps = Partial<Record<(typeof lampAttributes)[number], boolean>>;

export interface Dm1 {
  lamps: Lamps;
  dtcs: J1939Dtc[];
  /** DTCs written by an older SPN conversion method (CM = 1), as hex: their SPN is ambiguous. */
  legacy: string[];
}

/** SAE J1939-73 says an occurrence count of 127 is "not available". */
const OCCURRENCE_NOT_AVAILABLE = 0x7f;

/**
 * DM1, active diagnostic trouble codes (J1939-73): lamp status, flash status, then 4 bytes per
 * DTC — SPN bits 0-7, SPN bits 8-15, SPN bits 16-18 (top 3 bits) with the FMI (low 5 bits), the
 * conversion method bit and the occurrence count. A single DTC fits one 8-byte frame padded with
 * FF; more arrive through the transport protocol. "No active DTC" is SPN 0 FMI 0.
 */
export function decodeDm1(data: Uint8Array, where: string): Dm1 {
  if (data.length !== 8 && (data.length < 6 || (data.length - 2) % 4 !== 0)) {
    throw new DecodeError('bad_frame', `${where}: DM1 is 2 lamp bytes and 4 bytes a trouble code, not ${data.length} bytes`);
  }
  const lamps: Lamps = {};
  const status = data[0] ?? 0;
  lampAttributes.forEach((name, i) => {
    const bits = (status >> (2 * i)) & 0x3;
    if (bits < 2) lamps[name] = bits === 1;
  });
  const dtcs: J1939Dtc[] = [];
  const legacy: string[] = [];
  for (let at = 2; at + 4 <= data.length; at += 4) {
    const [a = 0, b = 0, c = 0, d = 0] = data.subarray(at, at + 4);
    // FF padding after the last code of a single-frame DM1.
    if (a === 0xff && b === 0xff && c === 0xff && d === 0xff) continue;
    const spn = a | (b << 8) | ((c >> 5) << 16);
    const fmi = c & 0x1f;
    if (spn === 0 && fmi === 0) continue;
    if (d & 0x80) {
      legacy.push(toHex([a, b, c, d], ''));
      continue;
    }
    const count = d & 0x7f;
    dtcs.push(count === OCCURRENCE_NOT_AVAILABLE ? { system: 'j1939', spn, fmi } : { system: 'j1939', spn, fmi, occurrences: count });
  }
  return { lamps, dtcs, legacy };
}

/** A DM1 body: 8 bytes for zero or one code (FF padded), 2 + 4n bytes for more. */
export function encodeDm1(lamps: Lamps, dtcs: readonly J1939Dtc[]): Uint8Array {
  let status = 0;
  lampAttributes.forEach((name, i) => {
    status |= (lamps[name] === undefined ? 0x3 : lamps[name] ? 1 : 0) << (2 * i);
  });
  const codes = dtcs.length === 0 ? [[0, 0, 0, 0]] : dtcs.map((d) => [d.spn & 0xff, (d.spn >> 8) & 0xff, ((d.spn >> 16) << 5) | d.fmi, (d.occurrences ?? OCCURRENCE_NOT_AVAILABLE) & 0x7f]);
  const body = [status, 0xff, ...codes.flat()];
  while (body.length < 8) body.push(0xff);
  return Uint8Array.from(body);
}
