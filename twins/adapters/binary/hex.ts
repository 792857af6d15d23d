const digits = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/** Lower-case hex of some bytes, as Traccar's hexDump writes them. */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += digits[b];
  return out;
}
