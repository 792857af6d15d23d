import type { Rng } from '../../../simulator/world/random';

export const randomBytes = (rng: Rng, n: number): Uint8Array => Uint8Array.from({ length: n }, () => rng.int(0, 255));

/** A copy of `payload` with `count` random bits flipped, as a noisy link delivers it. */
export function flipBits(rng: Rng, payload: Uint8Array, count: number): Uint8Array {
  const copy = Uint8Array.from(payload);
  for (let n = count; n > 0; n--) copy[rng.int(0, copy.length - 1)]! ^= 1 << rng.int(0, 7);
  return copy;
}

const utf8 = new TextEncoder();

/** The two ways a format's valid message is damaged inside while its JSON stays valid. */
export type JsonDamage<M> = readonly [(message: M, rng: Rng) => void, (message: M, rng: Rng) => void];

/**
 * Breaks a JSON device message the way radio links, loggers and bugs do, each way as likely:
 * cut short, bits flipped, replaced by noise, damaged inside in the format's own two ways
 * (`damage`, the JSON staying valid), or replaced by other JSON (`junk`).
 */
export function mangleJsonMessage<M>(
  rng: Rng,
  text: string,
  damage: JsonDamage<M>,
  junk: readonly unknown[],
): Uint8Array {
  const bytes = utf8.encode(text);
  const way = rng.int(0, 5);
  switch (way) {
    case 0:
      return bytes.subarray(0, rng.int(0, bytes.length));
    case 1:
      return flipBits(rng, bytes, rng.int(1, 4));
    case 2:
      return randomBytes(rng, rng.int(0, 64));
    case 3:
    case 4: {
      const message = JSON.parse(text) as M;
      damage[way - 3]!(message, rng);
      return utf8.encode(JSON.stringify(message));
    }
    default:
      return utf8.encode(JSON.stringify(rng.pick(junk)));
  }
}
