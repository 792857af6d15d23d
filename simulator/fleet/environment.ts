/** Outside air temperature, °C: a daily swing peaking mid-afternoon (local time ≈ UTC + 1). */
export function ambientC(timeMs: number): number {
  const hour = ((timeMs / 3_600_000 + 1) % 24 + 24) % 24;
  return 17 + 6 * Math.sin((2 * Math.PI * (hour - 9)) / 24);
}
