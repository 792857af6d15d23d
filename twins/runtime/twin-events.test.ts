import { describe, expect, it } from 'vitest';
import type { Telemetry } from '../telemetry/schema';
import { toPublished } from './twin-events';
import { VehicleTwinActor } from './vehicle-twin-actor';

const T0 = Date.UTC(2026, 11, 7, 8, 0, 0);

describe('published twin events', () => {
  it("a harsh event keeps which one it was (braking) beside the event's own kind, id and vehicle", () => {
    const twin = VehicleTwinActor.create('V7', { staleMs: 60_000, offlineMs: 300_000 });
    const reading: Telemetry = {
      v: 1, vehicleId: 'V7', deviceId: 'V7-gps', deviceKind: 'gps', format: 'json', seq: 1, deviceTime: T0, receivedAt: T0,
      position: { lat: 43.73, lon: 7.42, speedKph: 40 }, harsh: [{ kind: 'braking', g: 0.5 }],
    };
    const { events } = twin.apply(reading, T0);
    const index = events.findIndex((e) => e.type === 'harsh');
    expect(index).toBeGreaterThanOrEqual(0);
    expect(toPublished(events[index]!, 't42', index)).toEqual({ id: `t42.${index}`, kind: 'harsh', vehicleId: 'V7', harsh: 'braking', g: 0.5, at: T0, late: false });
  });
});
