import type { RoadClass, TravelDirection } from './road-network';

/**
 * Which OpenStreetMap ways a delivery van may drive, in which direction and how fast.
 * Follows GraphHopper's car profile closely enough to reproduce its Monaco benchmark: highway
 * classes a car may use, access/motor_vehicle restrictions, oneway and roundabout rules.
 */
export interface WayTags {
  highway: string;
  oneway?: string | undefined;
  junction?: string | undefined;
  access?: string | undefined;
  motor_vehicle?: string | undefined;
  motorcar?: string | undefined;
  area?: string | undefined;
  maxspeed?: string | undefined;
}

/** Urban speed limits by class where the way has no maxspeed (Monaco is all built-up area). */
const defaultLimitKph: Record<RoadClass, number> = {
  motorway: 110,
  trunk: 90,
  primary: 50,
  secondary: 50,
  tertiary: 50,
  unclassified: 40,
  residential: 30,
  living_street: 20,
  service: 20,
  road: 30,
};

const restricted = new Set(['no', 'private', 'agricultural', 'forestry', 'delivery', 'military', 'emergency', 'restricted']);
const allowed = new Set(['yes', 'designated', 'permissive', 'destination']);

/** The road class of a drivable highway tag (links count as their main class), or null. */
export function carRoadClass(highway: string): RoadClass | null {
  const base = highway.endsWith('_link') ? highway.slice(0, -'_link'.length) : highway;
  return base in defaultLimitKph ? (base as RoadClass) : null;
}

export function carDirection(tags: WayTags): TravelDirection | null {
  if (!carRoadClass(tags.highway) || tags.area === 'yes') return null;
  const vehicleAccess = tags.motorcar ?? tags.motor_vehicle;
  if (vehicleAccess !== undefined) {
    if (restricted.has(vehicleAccess)) return null;
  } else if (tags.access !== undefined && restricted.has(tags.access) && !allowed.has(tags.access)) {
    return null;
  }
  const oneway = tags.oneway;
  if (oneway === '-1' || oneway === 'reverse') return 'backward';
  if (oneway === 'yes' || oneway === 'true' || oneway === '1') return 'forward';
  if (oneway === 'no') return 'both';
  if (tags.junction === 'roundabout' || tags.highway === 'motorway') return 'forward';
  return 'both';
}

export function carSpeedLimitKph(tags: WayTags): number {
  const posted = tags.maxspeed ? Number.parseFloat(tags.maxspeed) : Number.NaN;
  if (Number.isFinite(posted) && posted > 0) return tags.maxspeed!.includes('mph') ? posted * 1.609 : posted;
  const roadClass = carRoadClass(tags.highway);
  if (!roadClass) throw new RangeError(`highway=${tags.highway} is not drivable`);
  const limit = defaultLimitKph[roadClass];
  return tags.highway.endsWith('_link') ? Math.min(limit, 40) : limit;
}
