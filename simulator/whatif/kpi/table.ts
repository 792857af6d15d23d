import type { Comparison } from './compare';
import { kpiLabels, kpiNames } from './seed-kpis';
import type { Estimate } from './stats';

const digits = (x: number): number => (Math.abs(x) >= 100 ? 0 : Math.abs(x) >= 10 ? 1 : 2);
const num = (x: number): string => x.toFixed(digits(x));

/** "12.3 ± 1.4" (95 % interval), "12.3 (1 seed)" or "n/a". */
export function formatEstimate(e: Estimate, signed = false): string {
  if (e.mean === null) return 'n/a';
  const mean = `${signed && e.mean > 0 ? '+' : ''}${num(e.mean)}`;
  if (e.halfWidth === null) return `${mean} (1 seed)`;
  return `${mean} ± ${num(e.halfWidth)}`;
}

function pad(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ')).join('\n');
}

/**
 * The side-by-side table: one row per KPI, one column per scenario (mean ± 95 % CI across seeds),
 * then each scenario's difference from the first, marked * where the interval excludes zero.
 */
export function formatComparison(c: Comparison): string {
  const head = ['KPI (mean ± 95 % CI)', ...c.scenarios.map((s) => `${s.name} (${s.seeds.length} seeds)`), ...c.differences.map((d) => `Δ ${d.name}`)];
  const rows = kpiNames.map((k) => {
    const { label, unit } = kpiLabels[k];
    return [
      `${label}${unit ? ` [${unit}]` : ''}`,
      ...c.scenarios.map((s) => formatEstimate(s.kpis[k])),
      ...c.differences.map((d) => `${formatEstimate(d.kpis[k], true)}${d.kpis[k].significant ? ' *' : ''}`),
    ];
  });
  const how = c.differences.every((d) => d.paired) ? 'paired by seed (t)' : 'paired by seed where the seeds match, else Welch t';
  const note = c.differences.length ? `\nΔ: scenario minus ${c.scenarios[0]!.name}, ${how}; * the 95 % interval excludes 0.` : '';
  return `${pad([head, ...rows])}${note}`;
}
