import bbox from '@turf/bbox';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import { polygon as turfPolygon } from '@turf/helpers';
import type { Geofence, GeofenceCrossing, GeofenceRule } from './geofence';

interface Indexed {
  fence: Geofence;
  feature: ReturnType<typeof turfPolygon>;
  /** [minLon, minLat, maxLon, maxLat]: most fixes are far from most fences and stop here. */
  box: [number, number, number, number];
}

/**
 * The geofences in force, for the twins' folds: which contain a point, and what a move from one
 * set of fences to another means. Immutable: a change of definitions makes a new index, so a fold
 * in progress never sees half of one.
 */
export class GeofenceIndex {
  static readonly empty = new GeofenceIndex([]);
  private readonly fences: Indexed[];
  private readonly byId: Map<string, Geofence>;

  constructor(fences: Geofence[]) {
    this.fences = fences.map((fence) => {
      const feature = turfPolygon([fence.polygon]);
      return { fence, feature, box: bbox(feature) as [number, number, number, number] };
    });
    this.byId = new Map(fences.map((f) => [f.id, f]));
  }

  get size(): number {
    return this.fences.length;
  }

  list(): Geofence[] {
    return this.fences.map((f) => f.fence);
  }

  rule(id: string): GeofenceRule | undefined {
    return this.byId.get(id)?.rule;
  }

  /** Ids of the fences containing the point (boundary included), sorted. */
  containing(lon: number, lat: number): string[] {
    const inside: string[] = [];
    for (const { fence, feature, box } of this.fences) {
      if (lon < box[0] || lat < box[1] || lon > box[2] || lat > box[3]) continue;
      if (booleanPointInPolygon([lon, lat], feature)) inside.push(fence.id);
    }
    return inside.sort();
  }

  /**
   * From the fences a vehicle was in to those it is in now. A fence deleted meanwhile is neither
   * left nor breached: it is simply no longer reported.
   */
  crossing(before: readonly string[], after: readonly string[]): GeofenceCrossing {
    const entered = after.filter((id) => !before.includes(id));
    const exited = before.filter((id) => !after.includes(id) && this.byId.has(id));
    const breaches = [
      ...entered.filter((id) => this.rule(id) === 'keep_out'),
      ...exited.filter((id) => this.rule(id) === 'keep_in'),
    ].sort();
    return { entered, exited, breaches };
  }
}
