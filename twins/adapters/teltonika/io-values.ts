import type { IoElement } from './frame';
import { toHex } from '../binary/hex';

/** A fixed-width value as an unsigned number; undefined for bytes or an 8-byte value past 2^53. */
export function unsignedOf(e: IoElement): number | undefined {
  return typeof e.value === 'number' ? e.value : undefined;
}

/** A fixed-width value read as two's complement at the width the device declared. */
export function signedOf(e: IoElement): number | undefined {
  if (e.value instanceof Uint8Array) return undefined;
  if (e.size === 8) {
    const v = BigInt.asIntN(64, BigInt(e.value));
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : undefined;
  }
  if (typeof e.value !== 'number' || ![1, 2, 4].includes(e.size)) return undefined;
  const half = 2 ** (8 * e.size - 1);
  return e.value >= half ? e.value - 2 * half : e.value;
}

/** The value's bytes, big-endian at its declared width (fixed values) or as sent. */
export function bytesOf(e: IoElement): Uint8Array {
  if (e.value instanceof Uint8Array) return e.value;
  const out = new Uint8Array(e.size);
  let v = BigInt(e.value);
  for (let i = e.size - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** Attribute values are numbers or strings: a bigint as its decimal digits, bytes as hex. */
export function plainValueOf(e: IoElement): number | string {
  if (e.value instanceof Uint8Array) return toHex(e.value);
  return typeof e.value === 'bigint' ? e.value.toString() : e.value;
}
