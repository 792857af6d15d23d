import { DecodeError } from '../adapter';

/**
 * Big-endian reads over one view of a payload that can never go past its end: every read checks
 * the bytes left first and refuses with DecodeError('truncated') naming what it was reading.
 * Reads index the view itself (never its underlying ArrayBuffer), so a payload that is a slice
 * of a larger buffer is read exactly as far as it goes.
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

  u32(what: string): number {
    const at = this.take(4, what);
    return this.bytes[at]! * 0x1000000 + ((this.bytes[at + 1]! << 16) | (this.bytes[at + 2]! << 8) | this.bytes[at + 3]!);
  }

  i32(what: string): number {
    const v = this.u32(what);
    return v >= 0x80000000 ? v - 0x100000000 : v;
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
}
