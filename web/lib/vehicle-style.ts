import type { GeofenceRule } from '../../twins/geofences/geofence';
import type { VehicleSummary } from '../../twins/projection/fleet-view';

/** One palette for the map, the legend and the header, so a colour always means the same. */
export type Rgb = [number, number, number];

/** Fill: what the vehicle is doing. */
/** Geofences by rule: keep-out areas red, permitted areas blue, watched sites amber. */
export const geofenceColors: Record<GeofenceRule, Rgb> = { keep_out: [235, 70, 70], keep_in: [80, 150, 255], watch: [240, 190, 60] };

export const motionColors: Record<VehicleSummary['motion'], Rgb> = {
  driving: [56, 189, 248],
  idle: [167, 139, 250],
  parked: [100, 116, 139],
};

/** Ring: how healthy it is ('ok' is a dark outline that only separates overlapping dots). */
export const healthColors: Record<VehicleSummary['health'], Rgb> = {
  ok: [11, 16, 23],
  warn: [245, 158, 11],
  critical: [239, 68, 68],
};

/** Opacity: how fresh our knowledge of it is. */
export const connectivityAlpha: Record<VehicleSummary['connectivity'], number> = {
  online: 255,
  stale: 150,
  offline: 70,
};

/** Colour chips of the header and legend. */
export const connectivityColors: Record<VehicleSummary['connectivity'], Rgb> = {
  online: [74, 222, 128],
  stale: [250, 204, 21],
  offline: [148, 163, 184],
};

export const css = ([r, g, b]: Rgb, alpha = 1) => `rgba(${r}, ${g}, ${b}, ${alpha})`;
