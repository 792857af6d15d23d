import type { Comparison } from './kpi/compare';

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
