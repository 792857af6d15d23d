import { describe, expect, it } from 'vitest';
import type { Telemetry } from '../telemetry/schema';
import { twinCommandSchema } from './twin-commands';
import { VehicleTwinActor } from './vehicle-twin-actor';

const timings = { staleMs: 60_000, offlineMs: 300_000 };
const T0 = Date.UTC(2026, 10, 23, 8, 0, 0);
const gps = (seq: number, at: number): Telemetry => ({
  v: 1, vehicleId: 'V1', deviceId: 'V1-gps', deviceKind: 'gps', format: 'json', seq, deviceTime: at, receivedAt: at, position: { lat: 43.73, lon: 7.42, speedKph: 0 },
});

describe('vehicle twin maintenance region', () => {
  it('follows work-order commands none → due → scheduled → in_service → none, announcing each change once', () => {
    const twin = VehicleTwinActor.create('V1', timings);
    expect(twin.view().state).toMatchObject({ maintenance: 'none' });
    const seen = [
      ...twin.setMaintenance('due', 'wo-V1-cooling', T0),
      ...twin.setMaintenance('due', 'wo-V1-cooling', T0 + 1),
      ...twin.setMaintenance('scheduled', 'wo-V1-cooling', T0 + 2),
      ...twin.setMaintenance('in_service', 'wo-V1-cooling', T0 + 3),
      ...twin.setMaintenance('none', null, T0 + 4),
    ];
    expect(seen).toEqual([
      { type: 'maintenance', state: 'due', workOrderId: 'wo-V1-cooling', at: T0, vehicleId: 'V1' },
      { type: 'maintenance', state: 'scheduled', workOrderId: 'wo-V1-cooling', at: T0 + 2, vehicleId: 'V1' },
      { type: 'maintenance', state: 'in_service', workOrderId: 'wo-V1-cooling', at: T0 + 3, vehicleId: 'V1' },
      { type: 'maintenance', state: 'none', workOrderId: null, at: T0 + 4, vehicleId: 'V1' },
    ]);
    expect(twin.view().state).toMatchObject({ maintenance: 'none', motion: 'parked' });
  });

  it('telemetry neither moves nor forgets the maintenance state, and a snapshot keeps it', () => {
    const twin = VehicleTwinActor.create('V1', timings);
    twin.setMaintenance('in_service', 'wo-V1-service', T0);
    twin.apply(gps(1, T0 + 1000), T0 + 1000);
    expect(twin.view().context.maintenance).toEqual({ state: 'in_service', workOrderId: 'wo-V1-service', since: T0 });
    const copy = VehicleTwinActor.restore(JSON.parse(JSON.stringify(twin.persist())), timings);
    expect(copy.view().state).toMatchObject({ maintenance: 'in_service' });
    expect(copy.setMaintenance('none', null, T0 + 2000).map((e) => e.type)).toEqual(['maintenance']);
  });

  it('a snapshot from before the maintenance region restores as none and still takes commands', () => {
    const twin = VehicleTwinActor.create('V1', timings);
    twin.apply(gps(1, T0), T0);
    const persisted = JSON.parse(JSON.stringify(twin.persist()));
    delete persisted.vehicle.value.maintenance;
    delete persisted.vehicle.context.maintenance;
    const old = VehicleTwinActor.restore(persisted, timings);
    expect(old.setMaintenance('due', 'wo-V1-brakes', T0 + 1000)).toMatchObject([{ type: 'maintenance', state: 'due' }]);
    expect(old.view().state).toMatchObject({ maintenance: 'due' });
  });

  it('a command with an unknown state or a missing work order id is refused with the reason', () => {
    const bad = twinCommandSchema.safeParse({ type: 'maintenance', state: 'repairing', workOrderId: 'x' });
    expect(bad.success).toBe(false);
    expect(twinCommandSchema.safeParse({ type: 'maintenance', state: 'due' }).success).toBe(false);
    expect(twinCommandSchema.parse({ type: 'maintenance', state: 'due', workOrderId: null })).toEqual({ type: 'maintenance', state: 'due', workOrderId: null });
  });
});
