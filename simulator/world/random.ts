/**
 * Seeded randomness for everything the simulator decides. Every part takes its own stream from
 * `fork(label)`, so adding a vehicle or a device never shifts what the others draw.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  float(min: number, max: number): number;
  /** Uniform integer in [min, max], both included. */
  int(min: number, max: number): number;
  chance(probability: number): boolean;
  /** Normal with the given mean and standard deviation (Box-Muller). */
  gauss(mean: number, sd: number): number;
  pick<T>(items: readonly T[]): T;
  /** An independent stream named by `label`, the same for the same seed and label. */
  fork(label: string): Rng;
}

/** 32-bit string hash (MurmurHash3 finaliser over an FNV-style mix): seeds from any text. */
export function hashSeed(text: string): number {
  let h = 0x811c9dc5 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** sfc32: small, fast and passes PractRand; state seeded through splitmix32 so close seeds diverge. */
export function createRandom(seed: string | number): Rng {
  const root = typeof seed === 'number' ? `n:${seed}` : `s:${seed}`;
  return streamFor(root);
}

function streamFor(key: string): Rng {
  let x = hashSeed(key);
  const splitmix = (): number => {
    x = (x + 0x9e3779b9) | 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();

  const rng: Rng = {
    next,
    float: (min, max) => min + (max - min) * next(),
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    gauss: (mean, sd) => {
      const u = 1 - next();
      const v = next();
      return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    pick: (items) => {
      if (items.length === 0) throw new RangeError('pick from an empty list');
      return items[Math.floor(next() * items.length)]!;
    },
    fork: (label) => streamFor(`${key}/${label}`),
  };
  return rng;
}
