import { z } from 'zod';
import { roadKinds, type Basemap, type Road, type RoadKind } from '../lib/basemap';

const lineString = z.object({
  type: z.literal('LineString'),
  coordinates: z.array(z.tuple([z.number(), z.number()])).min(2),
});

const highwaysSchema = z.object({
  type: z.literal('FeatureCollection'),
  metadata: z.object({ licence: z.string() }).optional(),
  features: z.array(
    z.object({
      properties: z.object({ highway: z.string(), name: z.string().optional() }),
      geometry: lineString,
    }),
  ),
});

/** OSM highway values by how prominently the map draws them. */
const kindOfHighway: Record<string, RoadKind> = {
  motorway: 'major',
  motorway_link: 'major',
  trunk: 'major',
  trunk_link: 'major',
  primary: 'major',
  primary_link: 'major',
  secondary: 'secondary',
  secondary_link: 'secondary',
  tertiary: 'secondary',
  tertiary_link: 'secondary',
};
const footHighways = new Set(['footway', 'pedestrian', 'steps', 'path', 'cycleway', 'bridleway', 'corridor']);

export function roadKindOf(highway: string): RoadKind {
  return kindOfHighway[highway] ?? (footHighways.has(highway) ? 'foot' : 'minor');
}

/** ~10 cm: plenty for a screen, and a third of the JSON. */
const round6 = (value: number) => Math.round(value * 1e6) / 1e6;

/** Turns the shipped OSM highways GeoJSON into the basemap the browser draws. */
export function buildBasemap(geojson: unknown, fallbackAttribution = '© OpenStreetMap contributors (ODbL)'): Basemap {
  const data = highwaysSchema.parse(geojson);
  const bounds: Basemap['bounds'] = [Infinity, Infinity, -Infinity, -Infinity];
  const roads: Road[] = data.features.map(({ properties, geometry }) => {
    const path = geometry.coordinates.map(([lon, lat]): [number, number] => {
      bounds[0] = Math.min(bounds[0], lon);
      bounds[1] = Math.min(bounds[1], lat);
      bounds[2] = Math.max(bounds[2], lon);
      bounds[3] = Math.max(bounds[3], lat);
      return [round6(lon), round6(lat)];
    });
    const road: Road = { kind: roadKindOf(properties.highway), path };
    if (properties.name) road.name = properties.name;
    return road;
  });
  if (roads.length === 0) throw new Error('the road network has no roads');
  roads.sort((a, b) => roadKinds.indexOf(a.kind) - roadKinds.indexOf(b.kind));
  const licence = data.metadata?.licence;
  return {
    attribution: licence ? licence.replace('(c)', '©') : fallbackAttribution,
    bounds,
    roads,
  };
}
