import { z } from 'zod';

/**
 * What the fleet-wide views (map, API) know of each vehicle: the twin's summary, published by
 * twin hosts as batched deltas on subjects.fleetDeltas(hostId) at least once a second.
 */
export const motionStates = ['parked', 'idle', 'driving'] as const;
export const healthStates = ['ok', 'warn', 'critical'] as const;
export const connectivityStates = ['online', 'stale', 'offline'] as const;

export const vehicleSummarySchema = z.object({
  id: z.string(),
  lat: z.number(),
  lon: z.number(),
  speedKph: z.number(),
  headingDeg: z.number(),
  motion: z.enum(motionStates),
  health: z.enum(healthStates),
  connectivity: z.enum(connectivityStates),
  odometerKm: z.number(),
  updatedAt: z.number(),
});
export type VehicleSummary = z.infer<typeof vehicleSummarySchema>;

export const fleetDeltaSchema = z.object({
  hostId: z.string(),
  at: z.number(),
  /** true: `vehicles` is every twin the host owns; false: only those changed since the last batch. */
  full: z.boolean(),
  vehicles: z.array(vehicleSummarySchema),
});
export type FleetDelta = z.infer<typeof fleetDeltaSchema>;
