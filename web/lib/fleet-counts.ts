import type { VehicleSummary } from '../../twins/projection/fleet-view';

export interface FleetCounts {
  vehicles: number;
  motion: Record<VehicleSummary['motion'], number>;
  connectivity: Record<VehicleSummary['connectivity'], number>;
  health: Record<VehicleSummary['health'], number>;
}

export function countFleet(vehicles: Iterable<VehicleSummary>): FleetCounts {
  const counts: FleetCounts = {
    vehicles: 0,
    motion: { driving: 0, idle: 0, parked: 0 },
    connectivity: { online: 0, stale: 0, offline: 0 },
    health: { ok: 0, warn: 0, critical: 0 },
  };
  for (const v of vehicles) {
    counts.vehicles++;
    counts.motion[v.motion]++;
    counts.connectivity[v.connectivity]++;
    counts.health[v.health]++;
  }
  return counts;
}
