import type { PilotKpi } from '../../workflows/pilot/types';

/**
 * The KPIs the seed documents judge a fleet by, with their targets: the strategic plan
 * (shared/seeds/000) sets uptime > 95 %, OTA success > 99 %, safety score > 85 and a 5-10 %
 * fuel improvement; the CTO guide (001) makes idle time a leading KPI without a number.
 */
export interface KpiTarget {
  kpi: PilotKpi;
  label: string;
  unit: string;
  /** Shown value = raw value × scale. */
  scale: number;
  digits: number;
  /** A threshold the fleet must beat, when the seeds give one. */
  threshold: { above: number } | { below: number } | null;
  target: string;
  source: string;
}

export const kpiTargets: KpiTarget[] = [
  { kpi: 'uptime', label: 'Uptime', unit: '%', scale: 100, digits: 1, threshold: { above: 95 }, target: '> 95 %', source: 'strategic plan: vehicle uptime' },
  { kpi: 'otaSuccess', label: 'OTA success rate', unit: '%', scale: 100, digits: 1, threshold: { above: 99 }, target: '> 99 %', source: 'strategic plan: OTA update success rate' },
  { kpi: 'safetyScore', label: 'Safety score', unit: '', scale: 1, digits: 1, threshold: { above: 85 }, target: '> 85', source: 'strategic plan: driver safety score' },
  { kpi: 'idleShare', label: 'Idle share', unit: '%', scale: 100, digits: 1, threshold: null, target: 'lower is better (no number set)', source: 'CTO guide: high-idle sessions, a leading KPI' },
  { kpi: 'fuelPer100Km', label: 'Fuel per 100 km', unit: '% of tank', scale: 1, digits: 2, threshold: null, target: '5-10 % below the baseline', source: 'strategic plan: fuel efficiency improvement (compare with a pilot)' },
];

/** Whether a shown value meets its threshold; null when there is no threshold or no value. */
export function meetsTarget(target: KpiTarget, shown: number | null): boolean | null {
  if (shown === null || target.threshold === null) return null;
  return 'above' in target.threshold ? shown > target.threshold.above : shown < target.threshold.below;
}
