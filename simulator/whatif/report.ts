import { stringify } from 'csv-stringify/sync';
import type { Comparison } from './kpi/compare';
import { kpiLabels, kpiNames } from './kpi/seed-kpis';

/** The comparison without the scenarios' full settings and per-seed details, for --json and the web page. */
export function toJson(c: Comparison) {
  return {
    scenarios: c.scenarios.map((s) => ({
      name: s.name,
      seeds: s.seeds.map((r) => ({ seed: r.seed, kpis: r.kpis, twinEvents: r.twinEvents, wallMs: Math.round(r.wallMs) })),
      kpis: s.kpis,
    })),
    differences: c.differences,
  };
}
export type ComparisonJson = ReturnType<typeof toJson>;

const CSV_COLUMNS = [
  'kpi', 'label', 'unit', 'better', 'scenario', 'seeds', 'mean', 'ci95_low', 'ci95_high',
  'change_from', 'change', 'change_ci95_low', 'change_ci95_high', 'change_significant',
];

/**
 * The comparison for a spreadsheet: one row per KPI and scenario (mean and 95 % interval across
 * seeds) and, for every scenario after the first, its change from the first with that change's
 * interval. Empty cells where a value does not exist (n/a, or the baseline's own change).
 */
export function toCsv(c: ComparisonJson): string {
  const rows = kpiNames.flatMap((k) =>
    c.scenarios.map((s, i) => {
      const e = s.kpis[k];
      // differences[i - 1] is scenario i's change from the first (compare.ts keeps the order).
      const d = i === 0 ? undefined : c.differences[i - 1]?.kpis[k];
      const { label, unit, better } = kpiLabels[k];
      return [
        k, label, unit, better, s.name, s.seeds.length, e.mean, e.low, e.high,
        d ? c.scenarios[0]!.name : null, d?.mean ?? null, d?.low ?? null, d?.high ?? null, d ? d.significant : null,
      ];
    }),
  );
  return stringify(rows, { header: true, columns: CSV_COLUMNS, cast: { boolean: (b) => String(b) } });
}
