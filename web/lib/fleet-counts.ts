import { connectivityStates, healthStates, motionStates, type VehicleSummary } from '../../twins/projection/fleet-view';
import { connectivityOf, healthOf, motionOf } from './fleet-wire';

export interface FleetCounts {
  vehicles: number;
  motion: Record<VehicleSummary['motion'], number>;
  connectivity: Record<VehicleSummary['connectivity'], number>;
  health: Record<VehicleSummary['health'], number>;
}

/** Counts by state from the store's packed state bytes (first `count` of them). */
export function countFleet(states: Uint8Array, count: number): FleetCounts {
  const counts: FleetCounts = {
    vehicles: count,
    motion: { driving: 0, idle: 0, parked: 0 },
    connectivity: { online: 0, stale: 0, offline: 0 },
    health: { ok: 0, warn: 0, critical: 0 },
  };
  for (let i = 0; i < count; i++) {
    const s = states[i]!;
    counts.motion[motionOf(s)]++;
    counts.connectivity[connectivityOf(s)]++;
    counts.health[healthOf(s)]++;
  }
  return counts;
}

/** Which vehicles the map shows: per dimension, the states left out (empty: all shown). */
export interface FleetFilter {
  motion: ReadonlySet<VehicleSummary['motion']>;
  connectivity: ReadonlySet<VehicleSummary['connectivity']>;
  health: ReadonlySet<VehicleSummary['health']>;
  /** The vehicles the chosen registry facets let through (web/lib/fleet-facets.ts); null: all. */
  vehicles: ReadonlySet<string> | null;
}

export const noFilter: FleetFilter = { motion: new Set(), connectivity: new Set(), health: new Set(), vehicles: null };

export function isFiltering(filter: FleetFilter): boolean {
  return filter.motion.size + filter.connectivity.size + filter.health.size > 0 || filter.vehicles !== null;
}

export type FilterDimension = 'motion' | 'connectivity' | 'health';
export const filterValues = { motion: motionStates, connectivity: connectivityStates, health: healthStates } as const;

/** Toggles one state of one dimension in or out of view. */
export function toggleFilter<D extends FilterDimension>(filter: FleetFilter, dimension: D, value: string): FleetFilter {
  const hidden = new Set<string>(filter[dimension]);
  if (hidden.has(value)) hidden.delete(value);
  else hidden.add(value);
  return { ...filter, [dimension]: hidden };
}

function isShown(state: number, vehicleId: string, filter: FleetFilter): boolean {
  return (
    !filter.motion.has(motionOf(state)) &&
    !filter.connectivity.has(connectivityOf(state)) &&
    !filter.health.has(healthOf(state)) &&
    (filter.vehicles === null || filter.vehicles.has(vehicleId))
  );
}

/** How many of the first `count` vehicles the filter shows. */
export function countShown(states: Uint8Array, ids: readonly string[], count: number, filter: FleetFilter): number {
  let shown = 0;
  for (let i = 0; i < count; i++) if (isShown(states[i]!, ids[i]!, filter)) shown++;
  return shown;
}

/**
 * Fills `mask` (1 shown, 0 hidden) for the first `count` vehicles; the map hands it to deck.gl's
 * vehicle layer (its `shown` attribute), so filtering is a GPU test, not a rebuilt layer.
 */
export function filterMask(states: Uint8Array, ids: readonly string[], count: number, filter: FleetFilter, mask: Float32Array): void {
  for (let i = 0; i < count; i++) mask[i] = isShown(states[i]!, ids[i]!, filter) ? 1 : 0;
}
