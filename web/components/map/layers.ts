import { COORDINATE_SYSTEM } from '@deck.gl/core';
import { PathLayer, PolygonLayer, ScatterplotLayer } from '@deck.gl/layers';
import type { Geofence } from '../../../twins/geofences/geofence';
import { geofenceColors, type Rgb } from '../../lib/vehicle-style';
import type { RoadPaths } from './road-paths';
import { VehicleDotsLayer } from './vehicle-dots-layer';

const SELECTED_RING: Rgb = [255, 255, 255];

/** Positions are float32 offsets from the map's origin (cheaper than 64-bit LNGLAT on the GPU). */
const offsetsFrom = (origin: readonly [number, number]) => ({
  coordinateSystem: COORDINATE_SYSTEM.LNGLAT_OFFSETS,
  coordinateOrigin: [origin[0], origin[1], 0] as [number, number, number],
});

/** The drawn dots' typed arrays (drawn-vehicles.ts) as deck.gl binary attributes; a new table only when they changed. */
export interface VehicleTable {
  length: number;
  attributes: {
    getPosition: { value: Float32Array; size: 2 };
    getGlideFrom: { value: Float32Array; size: 2 };
    getFillColor: { value: Uint8Array; size: 4 };
    getLineColor: { value: Uint8Array; size: 4 };
  };
}

/** The basemap: made once when the roads arrive and handed to every frame's layer list as is. */
export function roadLayer(paths: RoadPaths, origin: readonly [number, number]) {
  return new PathLayer({
    id: 'roads',
    ...offsetsFrom(origin),
    data: paths,
    // Roads never close into loops: skip deck.gl's check of every path.
    _pathType: 'open',
    widthUnits: 'meters',
    widthMinPixels: 1,
  });
}

/** The geofences in force, under the vehicles; made again only when the list changes. */
export function geofenceLayer(fences: Geofence[], origin: readonly [number, number]) {
  return new PolygonLayer<Geofence>({
    id: 'geofences',
    ...offsetsFrom(origin),
    data: fences,
    getPolygon: (f) => f.polygon.map(([lon, lat]) => [lon - origin[0], lat - origin[1]]),
    getFillColor: (f) => [...geofenceColors[f.rule], 38],
    getLineColor: (f) => [...geofenceColors[f.rule], 220],
    lineWidthUnits: 'pixels',
    getLineWidth: 2,
  });
}

/** Every vehicle; only `glideProgress` changes between updates, so a frame uploads nothing. */
export function vehicleLayer(table: VehicleTable, origin: readonly [number, number], glideProgress: number) {
  return new VehicleDotsLayer({
    id: 'vehicles',
    ...offsetsFrom(origin),
    data: table,
    glideProgress,
    radiusMeters: 6,
    radiusMinPixels: 4.5,
    radiusMaxPixels: 12,
    lineWidthPixels: 2,
    pickable: true,
    autoHighlight: true,
    highlightColor: [255, 255, 255, 90],
  });
}

/** The selected vehicle's ring and its trail of reported positions up to where it is drawn now. */
export function selectionLayers(origin: readonly [number, number], trail: Array<[number, number]>, at: [number, number] | null) {
  return [
    new PathLayer<Array<[number, number]>>({
      id: 'selected-trail',
      ...offsetsFrom(origin),
      data: at ? [[...trail, at]] : [],
      getPath: (path) => path,
      getColor: [255, 255, 255, 140],
      getWidth: 2,
      widthUnits: 'pixels',
      jointRounded: true,
    }),
    new ScatterplotLayer<[number, number]>({
      id: 'selected-vehicle',
      ...offsetsFrom(origin),
      data: at ? [at] : [],
      getPosition: (p) => p,
      radiusUnits: 'pixels',
      getRadius: 13,
      filled: false,
      stroked: true,
      lineWidthUnits: 'pixels',
      getLineWidth: 2.5,
      getLineColor: [...SELECTED_RING, 230],
    }),
  ];
}
