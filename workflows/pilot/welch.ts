import { difference } from '../../simulator/whatif/kpi/stats';
import { pilotKpis, type GroupKpis, type KpiDifference, type KpiSummary, type PilotKpi, type VehicleKpis } from './types';

/** Mean and sample standard deviation of the values present. */
export function summarize(values: Array<number | null>): KpiSummary {
  const xs = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (xs.length === 0) return { n: 0, mean: null, sd: null };
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  if (xs.length < 2) return { n: xs.length, mean, sd: null };
  const variance = xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - 1);
  return { n: xs.length, mean, sd: Math.sqrt(variance) };
}

export function summarizeGroup(vehicles: VehicleKpis[]): GroupKpis {
  return Object.fromEntries(pilotKpis.map((k) => [k, summarize(vehicles.map((v) => v[k]))])) as GroupKpis;
}

/**
 * Cohort minus control with Welch's 95 % interval (unequal variances and group sizes, which a
 * pilot's small, hand-picked groups have), from the per-vehicle values; the same statistics the
 * what-if runs report (simulator/whatif/kpi/stats.ts). No interval below two values per group.
 */
export function welchDifference(kpi: PilotKpi, cohortValues: Array<number | null>, controlValues: Array<number | null>): KpiDifference {
  const d = difference(controlValues, cohortValues);
  return {
    kpi,
    cohort: summarize(cohortValues),
    control: summarize(controlValues),
    difference: d.mean,
    ci95: d.low !== null && d.high !== null ? [d.low, d.high] : null,
    significant: d.significant,
  };
}
