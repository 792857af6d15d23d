import { describe, expect, it } from 'vitest';
import type { VehicleSummary } from '../../twins/projection/fleet-view';
import { FleetStore, GLIDE_MS } from './fleet-store';
import { motionColors } from './vehicle-style';

const origin: [number, number] = [7.42, 43.73];
const v = (id: string, lon: number, lat: number, patch: Partial<VehicleSummary> = {}): VehicleSummary => ({
  id,
  lat,
  lon,
  speedKph: 30,
  headingDeg: 0,
  motion: 'driving',
  health: 'ok',
  connectivity: 'online',
  odometerKm: 0,
  updatedAt: 0,
  ...patch,
});

const positionOf = (store: FleetStore, id: string) => {
  const i = store.indexOf(id)!;
  return [store.positions[2 * i]! + origin[0], store.positions[2 * i + 1]! + origin[1]];
};

describe('FleetStore', () => {
  it('glides a moving vehicle from where it is drawn to its new position over one update interval', () => {
    const store = new FleetStore(origin);
    store.upsert([v('a', 7.42, 43.73)], 0);
    store.upsert([v('a', 7.421, 43.73)], 1_000);
    store.frame(1_000);
    expect(positionOf(store, 'a')[0]).toBeCloseTo(7.42, 6);
    store.frame(1_000 + GLIDE_MS / 2);
    const halfway = positionOf(store, 'a')[0]!;
    expect(halfway).toBeGreaterThan(7.4205);
    expect(halfway).toBeLessThan(7.421);
    store.frame(1_000 + GLIDE_MS);
    expect(positionOf(store, 'a')[0]).toBeCloseTo(7.421, 6);
    expect(store.frame(5_000)).toBe(false);
  });

  it('jumps, never glides, across a relocation of more than a kilometre', () => {
    const store = new FleetStore(origin);
    store.upsert([v('a', 7.42, 43.73)], 0);
    store.upsert([v('a', 7.44, 43.75)], 10);
    store.frame(11);
    expect(positionOf(store, 'a')).toEqual([expect.closeTo(7.44, 6), expect.closeTo(43.75, 6)]);
  });

  it('keeps ids, summaries, positions and colours of the other vehicles aligned after a removal', () => {
    const store = new FleetStore(origin);
    store.upsert([v('a', 7.41, 43.7), v('b', 7.42, 43.71, { motion: 'parked' }), v('c', 7.43, 43.72, { motion: 'idle' })], 0);
    store.remove(['a', 'unknown']);
    expect(store.count).toBe(2);
    expect(store.ids.slice().sort()).toEqual(['b', 'c']);
    for (const id of ['b', 'c']) {
      const i = store.indexOf(id)!;
      expect(store.summaries[i]!.id).toBe(id);
      expect([...store.fillColors.subarray(4 * i, 4 * i + 3)]).toEqual(motionColors[store.summaries[i]!.motion]);
    }
    expect(positionOf(store, 'c')).toEqual([expect.closeTo(7.43, 6), expect.closeTo(43.72, 6)]);
  });

  it('grows past its initial capacity without losing anyone, and a snapshot drops the unlisted', () => {
    const store = new FleetStore(origin);
    const many = Array.from({ length: 1_000 }, (_, n) => v(`v${n}`, 7.42 + n * 1e-5, 43.73));
    store.upsert(many, 0);
    expect(store.count).toBe(1_000);
    expect(positionOf(store, 'v999')[0]).toBeCloseTo(7.42 + 999e-5, 6);
    store.replaceAll(many.slice(0, 10), 1);
    expect(store.count).toBe(10);
    expect(store.get('v999')).toBeUndefined();
    expect(store.get('v9')?.id).toBe('v9');
  });
});
