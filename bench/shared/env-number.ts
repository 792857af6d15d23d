/** A numeric FLEET_BENCH_* setting, or its default; anything else ends the bench with a clear message (exit 2). */
export function envNumber(bench: string, name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) {
    console.error(`bench:${bench}: ${name}="${raw}" must be a number within ${min}..${max}`);
    process.exit(2);
  }
  return value;
}
