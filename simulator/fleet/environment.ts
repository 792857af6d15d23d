/** Outside air temperature, °C: a daily swing peaking mid-afternoon (local time ≈ UTC + 1). */
export function ambientC(timeMs: number): number {
  // Every van of a fleet asks for the same instants of a step (its end, its sub-steps' ends): kept by second.
  const slot = Math.floor(timeMs / 1000) & (KEPT - 1);
  if (keptAt[slot] === timeMs) return kept[slot]!;
  const hour = ((timeMs / 3_600_000 + 1) % 24 + 24) % 24;
  const c = 17 + 6 * Math.sin((2 * Math.PI * (hour - 9)) / 24);
  keptAt[slot] = timeMs;
  kept[slot] = c;
  return c;
}

const KEPT = 128;
const keptAt = new Float64Array(KEPT).fill(NaN);
const kept = new Float64Array(KEPT);
