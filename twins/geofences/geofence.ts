import { z } from 'zod';

/**
 * What a geofence asks of the vehicles that cross it:
 * - `keep_out`: entering is a breach (a restricted area);
 * - `keep_in`: leaving is a breach (a vehicle's permitted area);
 * - `watch`: entering and leaving are recorded, nothing more (a depot, a customer site).
 */
export const geofenceRules = ['keep_out', 'keep_in', 'watch'] as const;
export type GeofenceRule = (typeof geofenceRules)[number];

const lonLat = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]);

export const geofenceIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'id: 1-64 lower-case letters, digits, "-" or "_", starting with a letter or digit');

/** A geofence: one polygon ring of [longitude, latitude] points (GeoJSON order), closed or not. */
export const geofenceSchema = z
  .object({
    id: geofenceIdSchema,
    name: z.string().trim().min(1).max(120),
    rule: z.enum(geofenceRules),
    polygon: z.array(lonLat).min(3, 'polygon: at least 3 points').max(2000, 'polygon: at most 2,000 points'),
  })
  .strict()
  .transform((fence) => ({ ...fence, polygon: closedRing(fence.polygon) }))
  .refine((fence) => new Set(fence.polygon.slice(0, -1).map((p) => p.join(','))).size >= 3, {
    message: 'polygon: at least 3 distinct points',
    path: ['polygon'],
  });
export type Geofence = z.output<typeof geofenceSchema>;

/** GeoJSON rings repeat their first point at the end; accept either form and store the closed one. */
function closedRing(points: Array<[number, number]>): Array<[number, number]> {
  const first = points[0]!;
  const last = points[points.length - 1]!;
  return first[0] === last[0] && first[1] === last[1] ? points : [...points, first];
}

/** The geofences a vehicle entered and left with one reading, and which of those moves break a rule. */
export interface GeofenceCrossing {
  entered: string[];
  exited: string[];
  breaches: string[];
}
