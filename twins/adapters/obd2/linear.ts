/**
 * A linear bus parameter: physical = raw × scale + offset, reported to `decimals` places (enough
 * for the parameter's resolution, so decode(encode(decode(raw))) is stable).
 */
export interface LinearScale {
  scale: number;
  offset: number;
  decimals: number;
}

export function physicalValue(raw: number, s: LinearScale): number {
  const factor = 10 ** s.decimals;
  // Adding 0 turns a rounded -0 into 0.
  return Math.round((raw * s.scale + s.offset) * factor) / factor + 0;
}

/** The raw value nearest to `value`, held inside [0, maxRaw] so it always fits its bytes. */
export function rawValue(value: number, s: LinearScale, maxRaw: number): number {
  const raw = Math.round((value - s.offset) / s.scale);
  return Math.min(maxRaw, Math.max(0, raw));
}
