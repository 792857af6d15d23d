import { describe, expect, it } from 'vitest';
import { kpiNames } from './kpi/seed-kpis';
import { toCsv, type ComparisonJson } from './report';

const estimate = (mean: number | null, half: number | null) => ({
  n: 3, mean, halfWidth: half, low: mean === null || half === null ? null : mean - half, high: mean === null || half === null ? null : mean + half,
});
const kpis = (mean: number | null) => Object.fromEntries(kpiNames.map((k) => [k, estimate(mean, 1)])) as ComparisonJson['scenarios'][number]['kpis'];
const seeds = [{ seed: 's-1', kpis: {}, twinEvents: 1, wallMs: 1 }] as unknown as ComparisonJson['scenarios'][number]['seeds'];

describe('what-if CSV', () => {
  it('has a row per KPI and scenario, the change only on later scenarios, empty cells for n/a, and names with commas quoted', () => {
    const comparison: ComparisonJson = {
      scenarios: [
        { name: 'base', seeds, kpis: kpis(10) },
        { name: 'waves of 5 %, predictive', seeds, kpis: kpis(null) },
      ],
      differences: [
        {
          name: 'waves of 5 %, predictive', baseline: 'base', paired: true,
          kpis: Object.fromEntries(kpiNames.map((k) => [k, { ...estimate(-2, 0.5), significant: true }])) as ComparisonJson['differences'][number]['kpis'],
        },
      ],
    };
    const lines = toCsv(comparison).trimEnd().split('\n');
    expect(lines[0]).toBe('kpi,label,unit,better,scenario,seeds,mean,ci95_low,ci95_high,change_from,change,change_ci95_low,change_ci95_high,change_significant');
    expect(lines).toHaveLength(1 + kpiNames.length * 2);
    const [base, variant] = [lines[1]!, lines[2]!];
    expect(base).toMatch(/^uptimePct,.*,base,1,10,9,11,,,,,$/);
    // The mean is n/a (empty), the change from the base is there and significant.
    expect(variant).toMatch(/^uptimePct,.*,"waves of 5 %, predictive",1,,,,base,-2,-2.5,-1.5,true$/);
  });
});
