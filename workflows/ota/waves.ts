import type { WaveProgress } from './types';

/**
 * Splits `total` ordered targets into waves of cumulative percentages: wave k covers target
 * ordinals [from, to). Every wave gets at least one device while devices remain, so a 1 % first
 * wave of a small fleet is still a canary of one. Pure: the workflow calls it.
 */
export function planWaves(total: number, percents: readonly number[]): WaveProgress[] {
  const waves: WaveProgress[] = [];
  let from = 0;
  percents.forEach((percent, wave) => {
    if (from >= total) return;
    const wanted = wave === percents.length - 1 ? total : Math.ceil((total * percent) / 100);
    const to = Math.min(total, Math.max(wanted, from + 1));
    waves.push({ wave: waves.length, percent, from, to, counts: {} });
    from = to;
  });
  return waves;
}

/** Waves must rise strictly and end at 100 %. Returns the problem, or null. */
export function wavesProblem(percents: readonly number[]): string | null {
  if (percents.length === 0 || percents.length > 20) return 'give 1-20 waves';
  for (let i = 0; i < percents.length; i++) {
    const p = percents[i]!;
    if (!(p > 0 && p <= 100)) return `wave ${i + 1}: ${p} % is outside (0, 100]`;
    if (i > 0 && p <= percents[i - 1]!) return `waves must rise: ${percents[i - 1]} % then ${p} %`;
  }
  if (percents[percents.length - 1] !== 100) return 'the last wave must reach 100 %';
  return null;
}
