import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { VehicleSummary } from '../../twins/projection/fleet-view';
import { buildBasemap } from './basemap';
import { parseFleetDelta } from './fleet-feed';
import { FleetProjection } from './fleet-projection';

const summary = (id: string, patch: Partial<VehicleSummary> = {}): VehicleSummary => ({
  id,
  lat: 43.73,
  lon: 7.42,
  speedKph: 0,
  headingDeg: 0,
  motion: 'parked',
  health: 'ok',
  connectivity: 'online',
  odometerKm: 10,
  updatedAt: 1_000,
  ...patch,
});

describe('FleetProjection', () => {
  it('does not resend a vehicle that a full batch merely repeats', () => {
    const p = new FleetProjection();
    p.apply({ hostId: 'h1', at: 1, full: true, vehicles: [summary('v1'), summary('v2')] }, 0);
    expect(p.takeChanges().vehicles.map((v) => v.id).sort()).toEqual(['v1', 'v2']);
    p.apply({ hostId: 'h1', at: 2, full: true, vehicles: [summary('v1'), summary('v2', { connectivity: 'stale' })] }, 0);
    expect(p.takeChanges()).toEqual({ vehicles: [summary('v2', { connectivity: 'stale' })], removed: [] });
  });

  it("keeps a vehicle that moved to another host when its old host's full batch no longer lists it", () => {
    const p = new FleetProjection();
    p.apply({ hostId: 'old', at: 1, full: true, vehicles: [summary('v1')] }, 0);
    p.apply({ hostId: 'new', at: 2, full: false, vehicles: [summary('v1', { updatedAt: 2_000 })] }, 0);
    // the old host, a moment late, still lists it with an older reading, then drops it
    p.apply({ hostId: 'old', at: 3, full: false, vehicles: [summary('v1', { updatedAt: 1_500 })] }, 0);
    p.apply({ hostId: 'old', at: 4, full: true, vehicles: [] }, 0);
    expect(p.get('v1')?.updatedAt).toBe(2_000);
    expect(p.takeChanges().removed).toEqual([]);
  });

  it('keeps every vehicle of a full batch split over several messages, and drops the unlisted once the next batch begins', () => {
    const p = new FleetProjection();
    p.apply({ hostId: 'h', at: 1, full: false, vehicles: [summary('a'), summary('b'), summary('retired')] }, 0);
    // one full batch of a big host, as two messages with the same `at`
    p.apply({ hostId: 'h', at: 5, full: true, vehicles: [summary('a')] }, 0);
    p.apply({ hostId: 'h', at: 5, full: true, vehicles: [summary('b')] }, 0);
    expect(p.snapshot().map((v) => v.id).sort()).toEqual(['a', 'b', 'retired']);
    p.takeChanges();
    p.apply({ hostId: 'h', at: 10, full: true, vehicles: [summary('a')] }, 0);
    expect(p.snapshot().map((v) => v.id).sort()).toEqual(['a', 'b']);
    expect(p.takeChanges().removed).toEqual(['retired']);
  });

  it('drops the vehicles of a host that went silent, and only those', () => {
    const p = new FleetProjection();
    p.apply({ hostId: 'gone', at: 1, full: true, vehicles: [summary('a')] }, 0);
    p.apply({ hostId: 'alive', at: 1, full: true, vehicles: [summary('b')] }, 10_000);
    p.takeChanges();
    expect(p.expireSilentHosts(16_000, 15_000)).toEqual(['gone']);
    expect(p.snapshot().map((v) => v.id)).toEqual(['b']);
    expect(p.takeChanges().removed).toEqual(['a']);
  });

  it('forgives silence that was the web server’s own outage', () => {
    const p = new FleetProjection();
    p.apply({ hostId: 'h', at: 1, full: true, vehicles: [summary('a')] }, 0);
    p.forgiveSilence(60_000);
    expect(p.expireSilentHosts(61_000, 15_000)).toEqual([]);
    expect(p.get('a')).toBeDefined();
  });
});

describe('parseFleetDelta', () => {
  const bytes = (text: string) => new TextEncoder().encode(text);

  it('names what is wrong with a bad delta instead of throwing', () => {
    expect(parseFleetDelta(bytes('nope'))).toEqual({ ok: false, reason: 'not JSON' });
    const missing = parseFleetDelta(bytes(JSON.stringify({ hostId: 'h', at: 1, full: false, vehicles: [{ id: 'x' }] })));
    expect(missing).toMatchObject({ ok: false, reason: expect.stringMatching(/^vehicles\.0\.lat: /) });
    expect(parseFleetDelta(bytes('null'))).toMatchObject({ ok: false, reason: expect.stringMatching(/^delta: /) });
  });

  it('accepts a valid delta', () => {
    const delta = { hostId: 'h', at: 1, full: true, vehicles: [summary('v')] };
    expect(parseFleetDelta(bytes(JSON.stringify(delta)))).toEqual({ ok: true, delta });
  });
});

describe('buildBasemap', () => {
  const monaco = buildBasemap(
    JSON.parse(readFileSync(new URL('../../simulator/world/data/monaco_highways.geojson', import.meta.url), 'utf8')),
  );

  it("fits Monaco's roads and carries the OpenStreetMap attribution", () => {
    const [west, south, east, north] = monaco.bounds;
    expect(west).toBeCloseTo(7.404, 2);
    expect(east).toBeCloseTo(7.439, 2);
    expect(south).toBeCloseTo(43.722, 2);
    expect(north).toBeCloseTo(43.752, 2);
    expect(monaco.attribution).toMatch(/© OpenStreetMap contributors/);
    expect(monaco.roads).toHaveLength(866);
  });

  it('draws major roads last so footpaths never cover them', () => {
    const kinds = monaco.roads.map((r) => r.kind);
    expect(kinds[0]).toBe('foot');
    expect(kinds.at(-1)).toBe('major');
    expect(kinds.lastIndexOf('foot')).toBeLessThan(kinds.indexOf('major'));
  });

  it('refuses data that is not a LineString FeatureCollection, with a zod error', () => {
    expect(() => buildBasemap({ type: 'FeatureCollection', features: [{ properties: {}, geometry: null }] })).toThrow(
      /highway|geometry/,
    );
  });
});
