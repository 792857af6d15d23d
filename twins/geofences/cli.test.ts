import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ringFromGeoJson } from './geojson';

/** `fleet geofences` as an operator runs it, against the test run's NATS. */
const fleetBin = fileURLToPath(new URL('../../bin/fleet.mjs', import.meta.url));
const id = `yard-${randomBytes(3).toString('hex')}`;
let dir: string;

function fleet(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [fleetBin, ...args], (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const ring = [[7.42, 43.73], [7.43, 43.73], [7.43, 43.74], [7.42, 43.74], [7.42, 43.73]];
const feature = { type: 'Feature', properties: { name: 'North yard' }, geometry: { type: 'Polygon', coordinates: [ring] } };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'geofence-cli-'));
});
afterAll(async () => {
  await fleet(['geofences', 'remove', id]);
  await rm(dir, { recursive: true, force: true });
});

describe('geofences from GeoJSON', () => {
  it('takes the ring of a Polygon, a Feature (with its name) or a collection of one feature', () => {
    expect(ringFromGeoJson(feature.geometry)).toEqual({ ring });
    expect(ringFromGeoJson(feature)).toEqual({ ring, name: 'North yard' });
    expect(ringFromGeoJson({ type: 'FeatureCollection', features: [feature] })).toEqual({ ring, name: 'North yard' });
  });

  it.each([
    [{ type: 'FeatureCollection', features: [feature, feature] }, /2 features: give one polygon per geofence/],
    [{ type: 'Polygon', coordinates: [ring, ring] }, /1 hole\(s\)/],
    [{ type: 'MultiPolygon', coordinates: [[ring]] }, /a GeoJSON MultiPolygon: give a Polygon/],
    [[1, 2], /not a GeoJSON object/],
  ])('refuses what is not one polygon, saying what it found (%#)', (doc, message) => {
    expect(() => ringFromGeoJson(doc)).toThrow(message);
  });
});

describe('fleet geofences', () => {
  it('puts a fence from a GeoJSON file, lists it, and removes it once', async () => {
    await writeFile(join(dir, 'yard.geojson'), JSON.stringify(feature));
    const put = await fleet(['geofences', 'put', id, '--file', join(dir, 'yard.geojson'), '--rule', 'watch']);
    expect(put.stderr).toBe('');
    expect(put.stdout.trim()).toBe(`geofence ${id} (watch, 4 points) is in force`);
    const listed = await fleet(['geofences', '--json']);
    expect(JSON.parse(listed.stdout)).toContainEqual({ id, name: 'North yard', rule: 'watch', polygon: ring });
    expect((await fleet(['geofences', 'remove', id])).stdout.trim()).toBe(`geofence ${id} removed`);
    const again = await fleet(['geofences', 'remove', id]);
    expect(again.code).toBe(1);
    expect(again.stderr.trim()).toBe(`fleet geofences remove: no geofence ${id}`);
  });

  it('bad input exits 2 with the reason: a rule not offered, a bad id, a file that is not one polygon', async () => {
    await writeFile(join(dir, 'two.geojson'), JSON.stringify({ type: 'FeatureCollection', features: [feature, feature] }));
    const rule = await fleet(['geofences', 'put', id, '--file', join(dir, 'two.geojson'), '--rule', 'forbid']);
    expect(rule.code).toBe(2);
    expect(rule.stderr).toMatch(/Allowed choices are keep_out, keep_in, watch/);
    const badId = await fleet(['geofences', 'put', 'Big Yard', '--file', join(dir, 'two.geojson'), '--rule', 'watch']);
    expect(badId.code).toBe(2);
    expect(badId.stderr.trim()).toMatch(/^fleet: "Big Yard" is not a geofence id/);
    const two = await fleet(['geofences', 'put', id, '--file', join(dir, 'two.geojson'), '--rule', 'watch']);
    expect(two.code).toBe(2);
    expect(two.stderr.trim()).toBe(`fleet: ${join(dir, 'two.geojson')}: a FeatureCollection of 2 features: give one polygon per geofence`);
  });
});
