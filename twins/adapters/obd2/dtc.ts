import { DecodeError } from '../adapter';
import { hexByte } from './hex';

/** Services 03, 07 and 0A answer with 0x40 added: stored, pending and permanent trouble codes. */
export const dtcServices = {
  stored: 0x43,
  pending: 0x47,
  permanent: 0x4a,
} as const;
export type DtcList = keyof typeof dtcServices;

const systems = ['P', 'C', 'B', 'U'] as const;
const J2012 = /^([PCBU])([0-3])([0-9A-F])([0-9A-F]{2})$/;

/** Two bytes → an SAE J2012 code: bits 15-14 the system, 13-12 the first digit, then three hex digits. */
export function dtcFromBytes(a: number, b: number): string {
  return `${systems[a >> 6]}${(a >> 4) & 0x3}${(a & 0xf).toString(16).toUpperCase()}${hexByte(b)}`;
}

export function dtcToBytes(code: string): [number, number] {
  const m = J2012.exec(code);
  if (!m) throw new RangeError(`"${code}" is not an SAE J2012 code like P0133`);
  const [, system, digit, third, rest] = m as unknown as [string, string, string, string, string];
  const a = (systems.indexOf(system as (typeof systems)[number]) << 6) | (Number(digit) << 4) | Number.parseInt(third, 16);
  return [a, Number.parseInt(rest, 16)];
}

/**
 * The codes in one service 03/07/0A response (`data` = the bytes after the service byte).
 * On CAN (ISO 15765-4) the first byte counts the codes, so the data length is odd; the older
 * K-line/J1850 frames carry exactly three codes without a count, padded with 0000, so it is
 * even. A 0000 pair is padding, never a code.
 */
export function dtcsFromResponse(data: Uint8Array, where: string): string[] {
  let pairs = data.length / 2;
  let start = 0;
  if (data.length % 2 === 1) {
    const count = data[0] ?? 0;
    const carried = (data.length - 1) / 2;
    if (count > carried) {
      throw new DecodeError('bad_response', `${where}: the count byte says ${count} trouble codes, the response carries ${carried}`);
    }
    pairs = count;
    start = 1;
  }
  const codes: string[] = [];
  for (let i = 0; i < pairs; i++) {
    const a = data[start + 2 * i] ?? 0;
    const b = data[start + 2 * i + 1] ?? 0;
    if (a === 0 && b === 0) continue;
    codes.push(dtcFromBytes(a, b));
  }
  return codes;
}

/** A CAN-format response: the service byte, the count, two bytes a code. */
export function dtcResponse(service: number, codes: readonly string[]): Uint8Array {
  if (codes.length > 0xff) throw new RangeError(`a response holds at most 255 trouble codes, not ${codes.length}`);
  return Uint8Array.from([service, codes.length, ...codes.flatMap(dtcToBytes)]);
}
