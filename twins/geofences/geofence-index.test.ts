import { describe, expect, it } from 'vitest';
import { geofenceSchema, type Geofence } from './geofence';
import { GeofenceIndex } from './geofence-index';

/** A square of `size` degrees with its south-west corner at (lon, lat). */
function square(id: string, rule: Geofence['rule'], lon: number, lat: number, size = 0.01): Geofence {
  return geofenceSchema.parse({ id, name: id, rule, polygon: [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size]] });
}

describe('geofence definitions', () => {
  it('closes an open ring and keeps a closed one as given', () => {
    const open = square('a', 'watch', 7.4, 43.7);
    expect(open.polygon).toHaveLength(5);
    expect(open.polygon[4]).toEqual(open.polygon[0]);
    expect(geofenceSchema.parse(open).polygon).toEqual(open.polygon);
  });

  it.each([
    ['an id with capitals', { id: 'Depot A' }, /id: 1-64 lower-case/],
    ['fewer than 3 points', { polygon: [[7.4, 43.7], [7.5, 43.7]] }, /at least 3 points/],
    ['3 points of which 2 are the same', { polygon: [[7.4, 43.7], [7.5, 43.7], [7.4, 43.7], [7.4, 43.7]] }, /at least 3 distinct points/],
    ['a longitude out of range', { polygon: [[190, 43.7], [7.5, 43.7], [7.5, 43.8]] }, /180/],
    ['an unknown rule', { rule: 'forbid' }, /keep_out/],
    ['an unknown field', { colour: 'red' }, /colour/],
  ])('refuses %s with a message that names it', (_what, change, message) => {
    const fence = { id: 'a', name: 'A', rule: 'watch', polygon: [[7.4, 43.7], [7.5, 43.7], [7.5, 43.8]], ...change };
    const parsed = geofenceSchema.safeParse(fence);
    expect(parsed.success).toBe(false);
    expect(JSON.stringify(parsed.error?.issues)).toMatch(message);
  });
});

describe('geofence index', () => {
  const index = new GeofenceIndex([square('depot', 'watch', 7.42, 43.73), square('school', 'keep_out', 7.425, 43.735), square('city', 'keep_in', 7.3, 43.6, 0.3)]);

  it('finds every fence containing a point, overlapping ones included, boundary counted as inside', () => {
    expect(index.containing(7.427, 43.737)).toEqual(['city', 'depot', 'school']);
    expect(index.containing(7.421, 43.731)).toEqual(['city', 'depot']);
    expect(index.containing(7.42, 43.735)).toEqual(['city', 'depot']);
    expect(index.containing(8.0, 44.0)).toEqual([]);
  });

  it('entering a keep-out fence and leaving a keep-in fence are breaches; a watched fence never is', () => {
    expect(index.crossing(['city'], ['city', 'depot', 'school'])).toEqual({ entered: ['depot', 'school'], exited: [], breaches: ['school'] });
    expect(index.crossing(['city', 'depot'], [])).toEqual({ entered: [], exited: ['city', 'depot'], breaches: ['city'] });
    expect(index.crossing(['city', 'school'], ['city'])).toEqual({ entered: [], exited: ['school'], breaches: [] });
  });

  it('a fence deleted while a vehicle was in it is neither left nor breached', () => {
    expect(index.crossing(['city', 'gone'], ['city'])).toEqual({ entered: [], exited: [], breaches: [] });
  });
});
