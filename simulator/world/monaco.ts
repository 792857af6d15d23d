import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { carDirection, carRoadClass, carSpeedLimitKph } from './car-access';
import { RoadNetworkBuilder, type RoadNetwork } from './road-network';

/** The shipped Monaco extract (OSM, ODbL): highway ways as LineStrings with their OSM node ids. */
export const MONACO_GEOJSON = fileURLToPath(new URL('./data/monaco_highways.geojson', import.meta.url));

const tag = z.string().optional();
const wayFeatureSchema = z.object({
  type: z.literal('Feature'),
  properties: z
    .object({
      osm_way_id: z.number().int(),
      highway: z.string(),
      name: tag,
      oneway: tag,
      junction: tag,
      access: tag,
      motor_vehicle: tag,
      motorcar: tag,
      area: tag,
      maxspeed: tag,
      node_refs: z.array(z.number().int()).min(2),
    })
    .loose(),
  geometry: z.object({
    type: z.literal('LineString'),
    coordinates: z.array(z.tuple([z.number(), z.number()]).rest(z.number())).min(2),
  }),
});
const roadFileSchema = z.object({ type: z.literal('FeatureCollection'), features: z.array(z.unknown()) });

/**
 * Loads a highway GeoJSON (as shipped in world/data) into a car road network. Ways share OSM
 * node ids at junctions, which is what joins them into one graph.
 */
export function loadRoadGeojson(path: string, name: string): RoadNetwork {
  const file = roadFileSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  const builder = new RoadNetworkBuilder(name);
  for (const raw of file.features) {
    const parsed = wayFeatureSchema.safeParse(raw);
    if (!parsed.success) throw new Error(`${path}: unreadable way: ${parsed.error.issues[0]?.message}`);
    const { properties: tags, geometry } = parsed.data;
    const direction = carDirection(tags);
    const roadClass = carRoadClass(tags.highway);
    if (!direction || !roadClass) continue;
    if (tags.node_refs.length !== geometry.coordinates.length) {
      throw new Error(`${path}: way ${tags.osm_way_id} has ${tags.node_refs.length} node ids for ${geometry.coordinates.length} points`);
    }
    tags.node_refs.forEach((id, i) => {
      const [lon, lat] = geometry.coordinates[i]!;
      builder.addNode(id, { lat, lon });
    });
    builder.addRoad(tags.node_refs, { roadClass, speedLimitKph: carSpeedLimitKph(tags), ...(tags.name ? { name: tags.name } : {}) }, direction);
  }
  return builder.build();
}

export function loadMonaco(): RoadNetwork {
  return loadRoadGeojson(MONACO_GEOJSON, 'monaco');
}
