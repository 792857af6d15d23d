/**
 * Ways a payload arrives broken, each one the ingress must refuse with a reason:
 * - truncated: the connection cut the message short;
 * - corrupted: the bytes are wrong in a way the format detects — a JSON device announcing a
 *   format version that does not exist, a binary frame whose CRC does not match.
 */
export const malformKinds = ['truncated', 'corrupted'] as const;
export type MalformKind = (typeof malformKinds)[number];

const utf8 = new TextDecoder();
const encoder = new TextEncoder();

export function malform(payload: Uint8Array, kind: MalformKind): Uint8Array {
  if (kind === 'truncated') return payload.slice(0, Math.max(1, Math.floor(payload.length / 2)));
  if (payload[0] === 0x7b /* { */) {
    const text = utf8.decode(payload);
    const wrongVersion = text.replace(/^\{"v":\d+/, '{"v":99');
    return wrongVersion === text ? malform(payload, 'truncated') : encoder.encode(wrongVersion);
  }
  // Binary frames end with their CRC: flipping its last byte is a transmission error.
  const copy = payload.slice();
  copy[copy.length - 1] = copy[copy.length - 1]! ^ 0xff;
  return copy;
}
