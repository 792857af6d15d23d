/**
 * Spherical geometry on short distances. The earth radius is GraphHopper's (DistanceCalcEarth),
 * so route lengths compare with its benchmark without a systematic offset.
 */
export const EARTH_RADIUS_M = 6_371_000;

export interface LatLon {
  lat: number;
  lon: number;
}

const RAD = Math.PI / 180;

export function haversineM(a: LatLon, b: LatLon): number {
  const dLat = (b.lat - a.lat) * RAD;
  const dLon = (b.lon - a.lon) * RAD;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * RAD) * Math.cos(b.lat * RAD) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Initial bearing from a to b, degrees clockwise from north in [0, 360). */
export function bearingDeg(a: LatLon, b: LatLon): number {
  const lat1 = a.lat * RAD;
  const lat2 = b.lat * RAD;
  const dLon = (b.lon - a.lon) * RAD;
  const y = Math.sin(dLon) * Math.cos(lat2);
  const x = Math.cos(lat1) * Math.sin(lat2) - Math.sin(lat1) * Math.cos(lat2) * Math.cos(dLon);
  const deg = Math.atan2(y, x) / RAD;
  return (deg + 360) % 360;
}

/** Linear interpolation in degrees: exact enough on road segments of a few hundred metres. */
export function lerp(a: LatLon, b: LatLon, t: number): LatLon {
  return { lat: a.lat + (b.lat - a.lat) * t, lon: a.lon + (b.lon - a.lon) * t };
}

/** Moves a point by metres north and east (local flat approximation). */
export function offsetM(p: LatLon, northM: number, eastM: number): LatLon {
  return {
    lat: p.lat + northM / (EARTH_RADIUS_M * RAD),
    lon: p.lon + eastM / (EARTH_RADIUS_M * RAD * Math.cos(p.lat * RAD)),
  };
}

/** Absolute difference of two headings in degrees, in [0, 180]. */
export function turnAngleDeg(headingIn: number, headingOut: number): number {
  const d = Math.abs(headingOut - headingIn) % 360;
  return d > 180 ? 360 - d : d;
}

/** Distance from p to segment a-b in metres, and where along a-b the closest point is (0..1). */
export function pointToSegment(p: LatLon, a: LatLon, b: LatLon): { distanceM: number; t: number } {
  // Project in a local equirectangular frame around p: fine for segments of city length.
  const kx = Math.cos(p.lat * RAD) * EARTH_RADIUS_M * RAD;
  const ky = EARTH_RADIUS_M * RAD;
  const ax = (a.lon - p.lon) * kx;
  const ay = (a.lat - p.lat) * ky;
  const bx = (b.lon - p.lon) * kx;
  const by = (b.lat - p.lat) * ky;
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, -(ax * dx + ay * dy) / len2));
  const cx = ax + t * dx;
  const cy = ay + t * dy;
  return { distanceM: Math.sqrt(cx * cx + cy * cy), t };
}
