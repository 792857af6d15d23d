/**
 * Hex text as OBD dongles and CAN loggers print it: pairs of hex digits, upper or lower case,
 * with or without whitespace between the bytes. Returns undefined for anything else, so the
 * caller can say which field was not hex.
 */
export function parseHex(text: string): Uint8Array | undefined {
  const digits = text.replace(/\s+/g, '');
  if (digits.length % 2 !== 0 || !/^[0-9A-Fa-f]*$/.test(digits)) return undefined;
  const bytes = new Uint8Array(digits.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(digits.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

/** Upper-case hex bytes, space-separated by default, as an ELM327 prints a response. */
export function toHex(bytes: Iterable<number>, separator = ' '): string {
  return Array.from(bytes, hexByte).join(separator);
}

export function hexByte(byte: number): string {
  return byte.toString(16).toUpperCase().padStart(2, '0');
}
