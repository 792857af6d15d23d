import { describe, expect, it } from 'vitest';
import type { VehicleSummary } from '../../twins/projection/fleet-view';
import { encodeJsonFrame, encodeUpdates, FrameReader, frameKinds, readUpdates, UPDATE_RECORD_BYTES } from './fleet-wire';

const summary: VehicleSummary = {
  id: 'V00042',
  lat: 43.7384123,
  lon: 7.4246789,
  speedKph: 57.34,
  headingDeg: 271,
  motion: 'idle',
  health: 'critical',
  connectivity: 'stale',
  odometerKm: 1,
  updatedAt: 1,
};

describe('fleet stream wire format', () => {
  it('costs 16 bytes per vehicle update and keeps position to a centimetre, heading to 1.4°, speed to 0.1 km/h', () => {
    const frame = encodeUpdates(123, Array.from({ length: 1000 }, (_, index) => ({ index, summary })));
    expect((frame.length - 5 - 12) / 1000).toBe(UPDATE_RECORD_BYTES);
    const [decoded] = new FrameReader().push(frame);
    expect(decoded!.kind).toBe(frameKinds.updates);
    const seen: Array<Record<string, number>> = [];
    const at = readUpdates((decoded as { payload: DataView }).payload, (r) => seen.push({ ...r }));
    expect(at).toBe(123);
    expect(seen).toHaveLength(1000);
    expect(seen[999]!.index).toBe(999);
    expect(seen[0]!.lon).toBeCloseTo(summary.lon, 7);
    expect(seen[0]!.lat).toBeCloseTo(summary.lat, 7);
    expect(Math.abs(seen[0]!.headingDeg! - 271)).toBeLessThan(1.41);
    expect(seen[0]!.speedKph).toBeCloseTo(57.3, 5);
  });

  it('reassembles frames split anywhere across network chunks', () => {
    const bytes = new Uint8Array([
      ...encodeJsonFrame(frameKinds.catalogue, { at: 1, nats: 'connected', reset: true, added: [[0, 'V1']], removed: [] }),
      ...encodeUpdates(2, [{ index: 0, summary }]),
      ...encodeJsonFrame(frameKinds.status, { nats: 'reconnecting' }),
    ]);
    for (const cut of [1, 3, 5, 17, 40, bytes.length - 1]) {
      const reader = new FrameReader();
      const frames = [...reader.push(bytes.subarray(0, cut)), ...reader.push(bytes.subarray(cut))];
      expect(frames.map((f) => f.kind)).toEqual([frameKinds.catalogue, frameKinds.updates, frameKinds.status]);
    }
  });

  it('refuses a frame of an unknown kind instead of misreading the rest', () => {
    expect(() => new FrameReader().push(new Uint8Array([9, 0, 0, 0, 0]))).toThrow(/unknown fleet stream frame kind 9/);
  });
});
