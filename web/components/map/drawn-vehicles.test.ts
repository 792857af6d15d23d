import { describe, expect, it } from 'vitest';
import { FleetStore } from '../../lib/fleet-store';
import { feed, origin, v } from '../../lib/fleet-store.fixtures';
import type { VehicleSummary } from '../../../twins/projection/fleet-view';
import { DrawnVehicles, type DotCamera } from './drawn-vehicles';

const camera: DotCamera = { longitude: origin[0], latitude: origin[1], zoom: 15, width: 800, height: 600 };
/** Degrees of longitude per screen pixel at zoom 15. */
const lonPerPx = 360 / (512 * 2 ** 15);

function storeOf(vehicles: VehicleSummary[]): FleetStore {
  const store = new FleetStore(origin);
  feed(store, 0, { added: vehicles.map((x, n): [number, string] => [n, x.id]) }, vehicles.map((x, n): [number, VehicleSummary] => [n, x]));
  return store;
}

function drawnIds(store: FleetStore, at: DotCamera = camera, options: { hidden?: string[]; selected?: string } = {}): string[] {
  const shown = new Float32Array(store.count).map((_, i) => (options.hidden?.includes(store.ids[i]!) ? 0 : 1));
  const dots = new DrawnVehicles();
  dots.update(store, shown, at, options.selected === undefined ? undefined : store.indexOf(options.selected));
  return Array.from(dots.slots.subarray(0, dots.count), (slot) => store.ids[slot]!);
}

describe('the dots the map draws', () => {
  it('vehicles a few pixels apart share one dot, and a critical one is never hidden under a healthy one', () => {
    const store = storeOf([
      v('critical', origin[0], origin[1], { health: 'critical' }),
      v('ok-on-top', origin[0] + 0.5 * lonPerPx, origin[1]),
      v('apart', origin[0] + 40 * lonPerPx, origin[1]),
    ]);
    expect(drawnIds(store)).toEqual(['critical', 'apart']);
  });

  it('zoomed in far enough, every vehicle has its dot again', () => {
    const store = storeOf([v('a', origin[0], origin[1]), v('b', origin[0] + 0.5 * lonPerPx, origin[1])]);
    expect(drawnIds(store, { ...camera, zoom: 19 })).toEqual(['a', 'b']);
  });

  it('filtered-out vehicles and vehicles far outside the viewport get no dot; the selected one always has its dot', () => {
    const store = storeOf([
      v('filtered', origin[0] + 10 * lonPerPx, origin[1]),
      v('far-away', origin[0] + 2000 * lonPerPx, origin[1]),
      v('beside-the-edge', origin[0] + 410 * lonPerPx, origin[1]),
      v('crowd', origin[0] - 20 * lonPerPx, origin[1]),
      v('selected', origin[0] - 20 * lonPerPx, origin[1]),
      v('crowd-top', origin[0] - 20 * lonPerPx, origin[1]),
    ]);
    expect(drawnIds(store, camera, { hidden: ['filtered'], selected: 'selected' })).toEqual(['beside-the-edge', 'selected', 'crowd-top']);
  });

  it('panning keeps the same vehicle of a crowded spot on top (cells are fixed in the world, not on the screen)', () => {
    const crowd = Array.from({ length: 40 }, (_, i) => v(`c${i}`, origin[0] + (i % 7) * 0.45 * lonPerPx, origin[1] + Math.floor(i / 7) * 0.4 * lonPerPx));
    const store = storeOf(crowd);
    const before = drawnIds(store);
    for (let dx = 1; dx < 6; dx++) expect(drawnIds(store, { ...camera, longitude: camera.longitude + dx * 0.37 * lonPerPx })).toEqual(before);
  });

  it('measures the longest glide in screen pixels, so frames that move nothing visibly can be skipped', () => {
    const store = storeOf([v('a', origin[0], origin[1]), v('b', origin[0] + 100 * lonPerPx, origin[1])]);
    feed(store, 1000, null, [[0, v('a', origin[0] + 8 * lonPerPx, origin[1])]]);
    const dots = new DrawnVehicles();
    dots.update(store, new Float32Array([1, 1]), camera, undefined);
    expect(dots.maxGlidePx).toBeCloseTo(8, 1);
  });
});
