import { DecodeError } from '../adapter';
import { toHex } from './hex';

const latin1 = new TextDecoder('latin1');

/** Bytes as Latin-1 text: every byte is one character, so nothing is lost or refused. */
export function toLatin1(bytes: Uint8Array): string {
  return latin1.decode(bytes);
}

/**
 * Big-endian reads over one view of a binary payload that can never go past its end: every read
 * checks the bytes left first and refuses with DecodeError('truncated') naming what it was
 * reading. Reads index the view itself (never its underlying ArrayBuffer), so a payload that is
 * a slice of a larger buffer is read exactly as far as it goes. Shared by the binary adapters.
 */
export class ByteReader {
  private offset = 0;

  constructor(private readonly bytes: Uint8Array) {}

  get position(): number {
    return this.offset;
  }

  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  private take(count: number, what: string): number {
    if (count > this.remaining) {
      throw new DecodeError(
        'truncated',
        `${what} needs ${count} byte${count === 1 ? '' : 's'} at offset ${this.offset}, ${this.remaining} left`,
      );
    }
    const at = this.offset;
    this.offset += count;
    return at;
  }

  /** The byte `ahead` positions on, without consuming it. */
  peek(what: string, ahead = 0): number {
    if (ahead >= this.remaining) throw new DecodeError('truncated', `${what} needs a byte at offset ${this.offset + ahead}, ${this.remaining} left`);
    return this.bytes[this.offset + ahead]!;
  }

  skip(count: number, what: string): void {
    this.take(count, what);
  }

  u8(what: string): number {
    return this.bytes[this.take(1, what)]!;
  }

  i8(what: string): number {
    const v = this.u8(what);
    return v >= 0x80 ? v - 0x100 : v;
  }

  u16(what: string): number {
    const at = this.take(2, what);
    return (this.bytes[at]! << 8) | this.bytes[at + 1]!;
  }

  i16(what: string): number {
    const v = this.u16(what);
    return v >= 0x8000 ? v - 0x10000 : v;
  }

  u24(what: string): number {
    const at = this.take(3, what);
    return (this.bytes[at]! << 16) | (this.bytes[at + 1]! << 8) | this.bytes[at + 2]!;
  }

  u32(what: string): number {
    const at = this.take(4, what);
    return this.bytes[at]! * 0x1000000 + ((this.bytes[at + 1]! << 16) | (this.bytes[at + 2]! << 8) | this.bytes[at + 3]!);
  }

  i32(what: string): number {
    const v = this.u32(what);
    return v >= 0x80000000 ? v - 0x100000000 : v;
  }

  /** Little-endian unsigned 32-bit (a few vendor fields are). */
  u32le(what: string): number {
    const at = this.take(4, what);
    return this.bytes[at + 3]! * 0x1000000 + ((this.bytes[at + 2]! << 16) | (this.bytes[at + 1]! << 8) | this.bytes[at]!);
  }

  /** IEEE-754 single precision (GH3000 coordinates). */
  f32(what: string): number {
    const at = this.take(4, what);
    return new DataView(this.bytes.buffer, this.bytes.byteOffset + at, 4).getFloat32(0, false);
  }

  /** Unsigned 64-bit: a number while it is exact, a bigint above 2^53 - 1. */
  u64(what: string): number | bigint {
    const hi = this.u32(what);
    const lo = this.u32(what);
    if (hi < 0x200000) return hi * 0x100000000 + lo;
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  /**
   * A copy of the next `count` bytes, so a decoded value never aliases the payload. (Copied
   * through the Uint8Array constructor: a Node Buffer's `slice` would share memory.)
   */
  bytesOf(count: number, what: string): Uint8Array {
    const at = this.take(count, what);
    return new Uint8Array(this.bytes.subarray(at, at + count));
  }

  hex(count: number, what: string): string {
    return toHex(this.bytesOf(count, what));
  }

  latin1(count: number, what: string): string {
    return toLatin1(this.bytesOf(count, what));
  }

  /** Everything left. */
  rest(what: string): Uint8Array {
    return this.bytesOf(this.remaining, what);
  }
}
