import { describe, expect, it } from 'vitest';
import { FleetStore, GLIDE_MS } from './fleet-store';
import type { VehicleSummary } from '../../twins/projection/fleet-view';
import { feed, origin, v } from './fleet-store.fixtures';
import { motionColors } from './vehicle-style';

/** Where the map draws a vehicle at `now` (the GPU applies the same formula to every vehicle). */
const positionOf = (store: FleetStore, id: string, now: number) => {
  const [x, y] = store.positionAt(store.indexOf(id)!, now);
  return [x + origin[0], y + origin[1]];
};

describe('FleetStore', () => {
  it('glides a moving vehicle from where it is drawn to its new position over one update interval', () => {
    const store = new FleetStore(origin);
    feed(store, 0, { added: [[0, 'a']] }, [[0, v('a', 7.42, 43.73)]]);
    feed(store, 1_000, null, [[0, v('a', 7.421, 43.73)]]);
    expect(positionOf(store, 'a', 1_000)[0]).toBeCloseTo(7.42, 6);
    const halfway = positionOf(store, 'a', 1_000 + GLIDE_MS / 2)[0]!;
    expect(halfway).toBeGreaterThan(7.4205);
    expect(halfway).toBeLessThan(7.421);
    expect(positionOf(store, 'a', 1_000 + GLIDE_MS)[0]).toBeCloseTo(7.421, 6);
    expect(store.glideProgress(5_000)).toBe(1);
    expect(store.trailOf(store.indexOf('a')!).length).toBe(2);
  });

  it('an update mid-glide continues from where a vehicle is drawn, and one it does not list never jumps back', () => {
    const store = new FleetStore(origin);
    feed(store, 0, { added: [[0, 'a'], [1, 'b']] }, [[0, v('a', 7.42, 43.73)], [1, v('b', 7.43, 43.73)]]);
    feed(store, 1_000, null, [[0, v('a', 7.421, 43.73)], [1, v('b', 7.431, 43.73)]]);
    const drawn = positionOf(store, 'a', 1_500)[0]!;
    feed(store, 1_500, null, [[0, v('a', 7.422, 43.73)]]);
    expect(positionOf(store, 'a', 1_500)[0]).toBeCloseTo(drawn, 6);
    let b = positionOf(store, 'b', 1_499)[0]!;
    for (const now of [1_500, 1_700, 2_000, 2_500]) {
      const next = positionOf(store, 'b', now)[0]!;
      expect(next).toBeGreaterThanOrEqual(b - 1e-9);
      b = next;
    }
    expect(b).toBeCloseTo(7.431, 6);
    feed(store, 3_000, null, [[0, v('a', 7.422, 43.73)]]);
    expect(positionOf(store, 'b', 3_200)[0]).toBeCloseTo(7.431, 6);
    expect(positionOf(store, 'a', 2_500)[0]).toBeCloseTo(7.422, 6);
  });

  it('jumps, never glides, across a relocation of more than a kilometre, and starts a new trail', () => {
    const store = new FleetStore(origin);
    feed(store, 0, { added: [[0, 'a']] }, [[0, v('a', 7.42, 43.73)]]);
    feed(store, 10, null, [[0, v('a', 7.44, 43.75)]]);
    expect(positionOf(store, 'a', 11)).toEqual([expect.closeTo(7.44, 6), expect.closeTo(43.75, 6)]);
    expect(store.trailOf(store.indexOf('a')!).length).toBe(1);
  });

  it('keeps ids, states, positions, colours and trails of the other vehicles aligned after a removal', () => {
    const store = new FleetStore(origin);
    feed(store, 0, { added: [[0, 'a'], [1, 'b'], [2, 'c']] }, [
      [0, v('a', 7.41, 43.7)],
      [1, v('b', 7.42, 43.71, { motion: 'parked' })],
      [2, v('c', 7.43, 43.72, { motion: 'idle', health: 'warn' })],
    ]);
    feed(store, 1_000, { removed: [0] }, [[2, v('c', 7.4301, 43.72, { motion: 'idle', health: 'warn' })]]);
    expect(store.count).toBe(2);
    expect(store.ids.slice().sort()).toEqual(['b', 'c']);
    for (const id of ['b', 'c']) {
      const i = store.indexOf(id)!;
      const live = store.get(id)!;
      expect([...store.fillColors.subarray(4 * i, 4 * i + 3)]).toEqual(motionColors[live.motion]);
    }
    expect(store.get('c')).toMatchObject({ motion: 'idle', health: 'warn', connectivity: 'online', speedKph: 30 });
    expect(store.get('c')!.lon).toBeCloseTo(7.4301, 6);
    expect(store.trailOf(store.indexOf('c')!).length).toBe(2);
  });

  it('reuses a freed wire index for a new vehicle without mixing it up with the old one', () => {
    const store = new FleetStore(origin);
    feed(store, 0, { added: [[0, 'a'], [1, 'b']] }, [[0, v('a', 7.41, 43.7)], [1, v('b', 7.42, 43.71)]]);
    feed(store, 1_000, { removed: [0], added: [[0, 'z']] }, [[0, v('z', 7.43, 43.72, { motion: 'parked' })]]);
    expect(store.get('a')).toBeUndefined();
    expect(store.get('z')).toMatchObject({ motion: 'parked' });
    expect(store.get('b')).toMatchObject({ motion: 'driving' });
  });

  it('grows past its initial capacity without losing anyone, and a reset catalogue drops the unlisted', () => {
    const store = new FleetStore(origin);
    const many = Array.from({ length: 1_000 }, (_, n) => v(`v${n}`, 7.42 + n * 1e-5, 43.73));
    feed(store, 0, { added: many.map((x, n): [number, string] => [n, x.id]) }, many.map((x, n): [number, VehicleSummary] => [n, x]));
    expect(store.count).toBe(1_000);
    expect(positionOf(store, 'v999', 0)[0]).toBeCloseTo(7.42 + 999e-5, 6);
    feed(store, 1, { reset: true, added: many.slice(0, 10).map((x, n): [number, string] => [n, x.id]) }, []);
    expect(store.count).toBe(10);
    expect(store.get('v999')).toBeUndefined();
    expect(store.get('v9')?.id).toBe('v9');
  });
});
