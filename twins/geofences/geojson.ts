/**
 * The ring of a geofence from what people draw fences with: a GeoJSON Polygon, a Feature holding
 * one, or a FeatureCollection of exactly one such feature (geojson.io and QGIS export these).
 * Anything else is refused with what was found, so a wrong file is named, not half-read.
 */
export class GeoJsonError extends Error {
  override name = 'GeoJsonError';
}

type Json = { [key: string]: unknown };
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export function ringFromGeoJson(doc: unknown): { ring: unknown[]; name?: string } {
  if (!isObject(doc)) throw new GeoJsonError('not a GeoJSON object');
  switch (doc.type) {
    case 'FeatureCollection': {
      const features = Array.isArray(doc.features) ? doc.features : [];
      if (features.length !== 1) throw new GeoJsonError(`a FeatureCollection of ${features.length} features: give one polygon per geofence`);
      return ringFromGeoJson(features[0]);
    }
    case 'Feature': {
      const { ring } = ringFromGeoJson(doc.geometry);
      const name = isObject(doc.properties) && typeof doc.properties.name === 'string' ? doc.properties.name : undefined;
      return name === undefined ? { ring } : { ring, name };
    }
    case 'Polygon': {
      const rings = Array.isArray(doc.coordinates) ? doc.coordinates : [];
      if (rings.length === 0 || !Array.isArray(rings[0])) throw new GeoJsonError('a Polygon without coordinates');
      if (rings.length > 1) throw new GeoJsonError(`a Polygon with ${rings.length - 1} hole(s): geofences are one outer ring`);
      return { ring: rings[0] as unknown[] };
    }
    default:
      throw new GeoJsonError(`a GeoJSON ${typeof doc.type === 'string' ? doc.type : 'object without a type'}: give a Polygon, or a Feature with one`);
  }
}
