import type { SeedResult } from '../engine/seed-run';
import type { Scenario } from '../scenario/schema';
import { kpiNames, type KpiName } from './seed-kpis';
import { difference, estimate, pairedDifference, type Estimate } from './stats';

export interface ScenarioOutcome {
  name: string;
  scenario: Scenario;
  seeds: SeedResult[];
  kpis: Record<KpiName, Estimate>;
}

export interface ScenarioDifference {
  /** The scenario compared with the first one (the baseline). */
  name: string;
  baseline: string;
  /** Both ran the same seeds: the difference is taken seed by seed (paired t), else Welch's t. */
  paired: boolean;
  kpis: Record<KpiName, Estimate & { significant: boolean }>;
}

export interface Comparison {
  scenarios: ScenarioOutcome[];
  differences: ScenarioDifference[];
}

const valuesOf = (seeds: SeedResult[], kpi: KpiName) => seeds.map((s) => s.kpis[kpi]);

export function summarise(scenario: Scenario, seeds: SeedResult[]): ScenarioOutcome {
  const kpis = Object.fromEntries(kpiNames.map((k) => [k, estimate(valuesOf(seeds, k))])) as Record<KpiName, Estimate>;
  return { name: scenario.name, scenario, seeds, kpis };
}

/** Every scenario's KPIs, and each later scenario's difference from the first, across seeds. */
export function compare(outcomes: ScenarioOutcome[]): Comparison {
  const [baseline, ...others] = outcomes;
  const differences = baseline
    ? others.map((o) => ({
        name: o.name,
        baseline: baseline.name,
        paired: samePairs(baseline, o),
        kpis: Object.fromEntries(
          kpiNames.map((k) => [k, (samePairs(baseline, o) ? pairedDifference : difference)(valuesOf(baseline.seeds, k), valuesOf(o.seeds, k))]),
        ) as ScenarioDifference['kpis'],
      }))
    : [];
  return { scenarios: outcomes, differences };
}

function samePairs(a: ScenarioOutcome, b: ScenarioOutcome): boolean {
  return a.seeds.length === b.seeds.length && a.seeds.every((s, i) => s.seed === b.seeds[i]!.seed);
}
