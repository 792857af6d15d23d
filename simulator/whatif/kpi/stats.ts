import { createRequire } from 'node:module';

// jstat ships no types; only Student's t quantile is used.
const { jStat } = createRequire(import.meta.url)('jstat') as { jStat: { studentt: { inv(p: number, dof: number): number } } };

/** Mean with a 95 % confidence interval; `n` seeds gave a value (unmeasurable ones are left out). */
export interface Estimate {
  n: number;
  mean: number | null;
  /** Half-width of the 95 % interval (t-distribution, n - 1 degrees of freedom); null below 2 values. */
  halfWidth: number | null;
  low: number | null;
  high: number | null;
}

export function tQuantile975(dof: number): number {
  return jStat.studentt.inv(0.975, dof);
}

function meanVar(xs: number[]): { mean: number; variance: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const variance = xs.length > 1 ? xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - 1) : 0;
  return { mean, variance };
}

export function estimate(values: Array<number | null>): Estimate {
  const xs = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (xs.length === 0) return { n: 0, mean: null, halfWidth: null, low: null, high: null };
  const { mean, variance } = meanVar(xs);
  if (xs.length < 2) return { n: 1, mean, halfWidth: null, low: null, high: null };
  const halfWidth = tQuantile975(xs.length - 1) * Math.sqrt(variance / xs.length);
  return { n: xs.length, mean, halfWidth, low: mean - halfWidth, high: mean + halfWidth };
}

/**
 * Difference of means b - a with a 95 % interval (Welch: unequal variances, Welch–Satterthwaite
 * degrees of freedom). `significant` when the interval excludes 0.
 */
export function difference(a: Array<number | null>, b: Array<number | null>): Estimate & { significant: boolean } {
  const xa = a.filter((v): v is number => v !== null && Number.isFinite(v));
  const xb = b.filter((v): v is number => v !== null && Number.isFinite(v));
  if (xa.length === 0 || xb.length === 0) return { n: 0, mean: null, halfWidth: null, low: null, high: null, significant: false };
  const A = meanVar(xa);
  const B = meanVar(xb);
  const mean = B.mean - A.mean;
  const n = Math.min(xa.length, xb.length);
  if (xa.length < 2 || xb.length < 2) return { n, mean, halfWidth: null, low: null, high: null, significant: false };
  const va = A.variance / xa.length;
  const vb = B.variance / xb.length;
  const se = Math.sqrt(va + vb);
  if (se === 0) return { n, mean, halfWidth: 0, low: mean, high: mean, significant: mean !== 0 };
  const dof = (va + vb) ** 2 / (va ** 2 / (xa.length - 1) + vb ** 2 / (xb.length - 1));
  const halfWidth = tQuantile975(dof) * se;
  return { n, mean, halfWidth, low: mean - halfWidth, high: mean + halfWidth, significant: mean - halfWidth > 0 || mean + halfWidth < 0 };
}

/**
 * Difference b - a for runs paired by seed (the same world, fleet and wear in both, only the policy
 * differs): the t interval of the per-seed differences, far tighter than comparing two means.
 */
export function pairedDifference(a: Array<number | null>, b: Array<number | null>): Estimate & { significant: boolean } {
  const diffs = a.map((x, i) => (x !== null && b[i] !== null && b[i] !== undefined ? b[i]! - x : null));
  const e = estimate(diffs);
  const significant = e.low !== null && e.high !== null && (e.low > 0 || e.high < 0);
  return { ...e, significant };
}
