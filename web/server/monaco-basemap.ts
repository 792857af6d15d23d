import highways from '../../simulator/world/data/monaco_highways.geojson';
import { buildBasemap } from './basemap';

/** Monaco's roads (OpenStreetMap, ODbL), bundled with the server: no tile server is needed. */
export const monacoBasemap = buildBasemap(highways);
