import { describe, expect, it } from 'vitest';
import type { Telemetry } from '../telemetry/schema';
import { geofenceSchema } from '../geofences/geofence';
import { GeofenceIndex } from '../geofences/geofence-index';
import { VehicleTwinActor } from './vehicle-twin-actor';

const timings = { staleMs: 60_000, offlineMs: 300_000 };
const T0 = Date.UTC(2026, 10, 23, 8, 0, 0);

function gps(seq: number, at: number, lat: number, lon: number, speedKph: number, extra: Partial<Telemetry> = {}): Telemetry {
  return {
    v: 1, vehicleId: 'V1', deviceId: 'V1-gps', deviceKind: 'gps', format: 'json',
    seq, deviceTime: at, receivedAt: at + 50,
    position: { lat, lon, speedKph, headingDeg: 90 }, ...extra,
  };
}
function obd(seq: number, at: number, engine: NonNullable<Telemetry['engine']>, extra: Partial<Telemetry> = {}): Telemetry {
  return { v: 1, vehicleId: 'V1', deviceId: 'V1-obd', deviceKind: 'obd', format: 'json', seq, deviceTime: at, receivedAt: at + 50, engine, ...extra };
}

describe('vehicle twin', () => {
  it('follows motion from ignition and speed, announcing each change', () => {
    const twin = VehicleTwinActor.create('V1', timings);
    const kinds: string[] = [];
    const collect = (r: { events: Array<{ type: string; to?: string }> }) => r.events.forEach((e) => e.type === 'motion' && kinds.push(e.to!));
    collect(twin.apply(obd(1, T0, { ignition: true, rpm: 800 }), T0));
    collect(twin.apply(gps(1, T0 + 1000, 43.73, 7.42, 30), T0 + 1000));
    collect(twin.apply(gps(2, T0 + 2000, 43.7301, 7.42, 0), T0 + 2000));
    collect(twin.apply(obd(2, T0 + 3000, { ignition: false, rpm: 0 }), T0 + 3000));
    expect(kinds).toEqual(['idle', 'driving', 'idle', 'parked']);
    expect(twin.view().state).toMatchObject({ motion: 'parked' });
  });

  it('one reading that moves two regions at once moves both, announcing each with the new data', () => {
    const twin = VehicleTwinActor.create('V1', timings);
    twin.apply(obd(1, T0, { ignition: false, rpm: 0, coolantC: 60 }), T0);
    // Engine started and already overheating: motion parked → idle and health ok → critical together.
    const { events } = twin.apply(obd(2, T0 + 1000, { ignition: true, rpm: 900, coolantC: 125 }), T0 + 1000);
    expect(events.filter((e) => e.type === 'motion')).toMatchObject([{ from: 'parked', to: 'idle', at: T0 + 1000 }]);
    expect(events.filter((e) => e.type === 'health')).toMatchObject([{ level: 'critical', at: T0 + 1000 }]);
    expect(twin.view().state).toMatchObject({ motion: 'idle', health: 'critical', connectivity: 'online' });
    expect(twin.view().context.engine.coolantC).toBe(125);
  });

  it('a duplicate reading is applied once: odometer and counts unchanged by the resend', () => {
    const twin = VehicleTwinActor.create('V1', timings);
    twin.apply(gps(1, T0, 43.73, 7.42, 40), T0);
    twin.apply(gps(2, T0 + 10_000, 43.731, 7.42, 40), T0 + 10_000);
    const before = twin.view().context.odometerKm;
    const again = twin.apply(gps(2, T0 + 10_000, 43.731, 7.42, 40), T0 + 11_000);
    expect(again.verdict).toBe('duplicate');
    expect(twin.view().context.odometerKm).toBe(before);
    expect(twin.view().context.readings).toEqual({ inOrder: 2, late: 0 });
  });

  it('an older reading after a newer one never moves position or odometer back', () => {
    const twin = VehicleTwinActor.create('V1', timings);
    twin.apply(gps(1, T0, 43.73, 7.42, 40), T0);
    twin.apply(gps(3, T0 + 20_000, 43.732, 7.42, 40), T0 + 20_000);
    const { position, odometerKm } = twin.view().context;
    const late = twin.apply(gps(2, T0 + 10_000, 43.731, 7.42, 40, { harsh: [{ kind: 'braking', g: 0.5 }] }), T0 + 21_000);
    expect(late.verdict).toBe('late');
    expect(twin.view().context.position).toEqual(position);
    expect(twin.view().context.odometerKm).toBe(odometerKm);
    // What happened back then still counts, once.
    expect(twin.view().context.harsh.braking).toBe(1);
    expect(twin.apply(gps(2, T0 + 10_000, 43.731, 7.42, 40, { harsh: [{ kind: 'braking' }] }), T0 + 22_000).verdict).toBe('duplicate');
    expect(twin.view().context.harsh.braking).toBe(1);
  });

  it('silence turns a twin stale, then offline, by the injected clock alone', () => {
    const twin = VehicleTwinActor.create('V1', timings);
    twin.apply(gps(1, T0, 43.73, 7.42, 0), T0);
    expect(twin.summary().connectivity).toBe('online');
    expect(twin.nextDeadline()).toBe(T0 + 50 + 60_000);
    const stale = twin.tick(T0 + 61_000);
    expect(stale.map((e) => e.type)).toContain('connectivity');
    expect(twin.summary().connectivity).toBe('stale');
    twin.tick(T0 + 301_000);
    expect(twin.summary().connectivity).toBe('offline');
    expect(twin.view().devices[0]!.connectivity).toBe('offline');
    expect(twin.nextDeadline()).toBeNull();
  });

  it('health goes critical on overheating and on a critical DTC, and back to ok', () => {
    const twin = VehicleTwinActor.create('V1', timings);
    twin.apply(obd(1, T0, { ignition: true, rpm: 900, coolantC: 90 }), T0);
    expect(twin.summary().health).toBe('ok');
    const hot = twin.apply(obd(2, T0 + 1000, { coolantC: 118 }), T0 + 1000);
    expect(twin.summary().health).toBe('critical');
    expect(hot.events.find((e) => e.type === 'health')).toMatchObject({ level: 'critical' });
    twin.apply(obd(3, T0 + 2000, { coolantC: 90 }, { dtcs: [{ system: 'obd2', code: 'P0133' }] }), T0 + 2000);
    expect(twin.summary().health).toBe('warn');
    twin.apply(obd(4, T0 + 3000, { coolantC: 90 }, { dtcs: [] }), T0 + 3000);
    expect(twin.summary().health).toBe('ok');
  });

  it('health is judged again whenever one of its inputs changes, alone, and only then', () => {
    const twin = VehicleTwinActor.create('V1', timings);
    const tyres = (kpa: number) => ({ tyres: [{ position: 'FL', pressureKpa: kpa }] });
    twin.apply(obd(1, T0, { ignition: true, rpm: 900, coolantC: 90, batteryV: 14.1 }, tyres(240)), T0);
    expect(twin.summary().health).toBe('ok');
    // The ignition alone: a battery of 11.5 V is fine while charging, low once the engine is off.
    twin.apply(obd(2, T0 + 1000, { batteryV: 11.5 }), T0 + 1000);
    expect(twin.summary().health).toBe('warn');
    twin.apply(obd(3, T0 + 2000, { batteryV: 14.1 }), T0 + 2000);
    expect(twin.summary().health).toBe('ok');
    twin.apply(obd(4, T0 + 3000, { ignition: false, rpm: 0, batteryV: 11.5 }), T0 + 3000);
    expect(twin.view().context.health.reasons).toEqual(['battery 11.5 V']);
    twin.apply(obd(5, T0 + 4000, { ignition: true, rpm: 800 }), T0 + 4000);
    expect(twin.view().context.health.reasons).toEqual(['not charging: 11.5 V']);
    // A tyre alone, then readings that repeat everything: the verdict stays until a value moves.
    twin.apply(obd(6, T0 + 5000, { batteryV: 14.1 }, tyres(150)), T0 + 5000);
    expect(twin.view().context.health).toEqual({ level: 'critical', reasons: ['tyre FL 150 kPa'] });
    for (let seq = 7; seq < 10; seq++) twin.apply(obd(seq, T0 + seq * 1000, { rpm: 800 + seq, batteryV: 14.1 }, tyres(150)), T0 + seq * 1000);
    expect(twin.summary().health).toBe('critical');
    twin.apply(obd(10, T0 + 10_000, { rpm: 800 }, tyres(240)), T0 + 10_000);
    expect(twin.summary().health).toBe('ok');
  });

  it('odometer from the OBD dongle wins over GPS distance and never decreases', () => {
    const twin = VehicleTwinActor.create('V1', timings);
    twin.apply(obd(1, T0, { odometerKm: 12_000.5 }), T0);
    twin.apply(obd(2, T0 + 1000, { odometerKm: 11_000 }), T0 + 1000);
    expect(twin.summary().odometerKm).toBe(12_000.5);
  });

  it('idling time accrues between in-order readings while idle, and half of a gap in which the engine went off', () => {
    const twin = VehicleTwinActor.create('V1', timings);
    twin.apply(obd(1, T0, { ignition: true, rpm: 800 }), T0);
    twin.apply(obd(2, T0 + 30_000, { rpm: 800 }), T0 + 30_000);
    twin.apply(obd(3, T0 + 60_000, { ignition: false, rpm: 0 }), T0 + 60_000);
    twin.apply(obd(4, T0 + 90_000, { ignition: false }), T0 + 90_000);
    expect(twin.view().context.idleMs).toBe(45_000);
  });

  it('a device reporting rarely while standing does not turn the start of a drive into idling', () => {
    const twin = VehicleTwinActor.create('V1', timings);
    twin.apply(obd(1, T0, { ignition: true, rpm: 800 }), T0);
    // Idle, then driving at the next reading two minutes later: the van set off somewhere in between.
    twin.apply(gps(2, T0 + 120_000, 43.73, 7.42, 40), T0 + 120_000);
    twin.apply(gps(3, T0 + 150_000, 43.73, 7.421, 40), T0 + 150_000);
    const { idleMs, drivingMs } = twin.view().context;
    expect(idleMs).toBe(60_000);
    expect(drivingMs).toBe(90_000);
  });

  it('a persisted twin restores with its states, sequence numbers and counters', () => {
    const twin = VehicleTwinActor.create('V1', timings);
    twin.apply(obd(1, T0, { ignition: true, rpm: 800, odometerKm: 100 }), T0);
    twin.apply(gps(7, T0 + 1000, 43.73, 7.42, 50), T0 + 1000);
    const copy = VehicleTwinActor.restore(JSON.parse(JSON.stringify(twin.persist())), timings);
    expect(copy.view().state).toEqual(twin.view().state);
    expect(copy.deviceSeqs()).toEqual({ 'V1-obd': 1, 'V1-gps': 7 });
    expect(copy.apply(gps(7, T0 + 1000, 43.73, 7.42, 50), T0 + 2000).verdict).toBe('duplicate');
    expect(copy.apply(gps(8, T0 + 2000, 43.73, 7.421, 50), T0 + 2000).verdict).toBe('in_order');
  });

  it('a snapshot taken between state changes holds every reading applied, though the actor heard of few of them', () => {
    const twin = VehicleTwinActor.create('V1', timings);
    // Driving all along: after the first fixes no state moves, so the actors are not sent these readings.
    for (let i = 1; i <= 20; i++) twin.apply(gps(i, T0 + i * 1000, 43.73, 7.42 + i * 0.0002, 50), T0 + i * 1000);
    const copy = VehicleTwinActor.restore(JSON.parse(JSON.stringify(twin.persist())), timings);
    const [live, restored] = [twin.view(), copy.view()];
    expect(restored.context.readings).toEqual({ inOrder: 20, late: 0 });
    expect(restored.context.odometerKm).toBe(live.context.odometerKm);
    expect(restored.context.position).toEqual(live.context.position);
    expect(restored.devices).toEqual(live.devices);
  });

  it('readings folded over a step move the machines only when settled, by the step\'s net change, and lose no announcement', () => {
    const twin = VehicleTwinActor.create('V1', timings);
    twin.apply(obd(1, T0, { ignition: true, rpm: 800 }), T0);
    twin.apply(gps(1, T0 + 1000, 43.73, 7.42, 40), T0 + 1000);
    const syncs = twin.vehicleSyncs;
    // Within one step: a traffic hold (driving → idle → driving) and a harsh brake into it.
    twin.fold(gps(2, T0 + 20_000, 43.731, 7.42, 0, { harsh: [{ kind: 'braking', g: 0.45 }] }), T0 + 20_000);
    expect(twin.view().state).toMatchObject({ motion: 'driving' });
    expect(twin.view().context.speedKph).toBe(0);
    twin.fold(gps(3, T0 + 40_000, 43.732, 7.42, 35), T0 + 40_000);
    const events = twin.settle();
    // The hold was shorter than the step: no motion change; the brake is still announced, once.
    expect(events.map((e) => e.type)).toEqual(['harsh']);
    expect(twin.view().state).toMatchObject({ motion: 'driving' });
    expect(twin.view().context.harsh.braking).toBe(1);
    expect(twin.view().context.readings).toEqual({ inOrder: 4, late: 0 });
    expect(twin.settle()).toEqual([]);
    // The machine was told once for the two folds (the announcement), not for the empty settle.
    expect(twin.vehicleSyncs).toBe(syncs + 1);
    // A stop that lasts past the step's end does move the machine, at the settle.
    twin.fold(gps(4, T0 + 60_000, 43.733, 7.42, 0), T0 + 60_000);
    expect(twin.settle()).toMatchObject([{ type: 'motion', from: 'driving', to: 'idle', at: T0 + 60_000 }]);
    expect(twin.vehicleSyncs).toBe(syncs + 2);
  });

  it('a snapshot taken before a settle holds the folded readings and what they moved', () => {
    const twin = VehicleTwinActor.create('V1', timings);
    twin.fold(obd(1, T0, { ignition: true, rpm: 800 }), T0);
    twin.fold(gps(1, T0 + 1000, 43.73, 7.42, 40), T0 + 1000);
    const copy = VehicleTwinActor.restore(JSON.parse(JSON.stringify(twin.persist())), timings);
    expect(copy.view().state).toMatchObject({ motion: 'driving', connectivity: 'online' });
    expect(copy.view().context.readings).toEqual({ inOrder: 2, late: 0 });
    expect(copy.view().devices).toEqual(twin.view().devices);
    // The settle after the snapshot still announces what the folds moved.
    expect(twin.settle().filter((e) => e.type === 'motion')).toMatchObject([{ to: 'driving' }]);
  });

  it('a view is a copy: readings applied after it leave it as it was', () => {
    const twin = VehicleTwinActor.create('V1', timings);
    twin.apply(obd(1, T0, { ignition: true, rpm: 800 }), T0);
    const before = twin.view();
    twin.apply(obd(2, T0 + 1000, { ignition: true, rpm: 2400, coolantC: 90 }, { harsh: [{ kind: 'braking', g: 0.5 }] }), T0 + 1000);
    expect(before.context.engine).toEqual({ rpm: 800 });
    expect(before.context.harsh.braking).toBe(0);
    expect(before.context.readings.inOrder).toBe(1);
    expect(before.devices[0]!.counts.inOrder).toBe(1);
  });

  it('driving into a keep-out geofence is announced with the breach; a late fix from inside it moves nothing', () => {
    const places = new GeofenceIndex([
      geofenceSchema.parse({ id: 'school', name: 'School', rule: 'keep_out', polygon: [[7.425, 43.73], [7.43, 43.73], [7.43, 43.735], [7.425, 43.735]] }),
    ]);
    const twin = VehicleTwinActor.create('V1', timings);
    const geofenceEvents = (r: { events: Array<{ type: string }> }) => r.events.filter((e) => e.type === 'geofence');
    expect(geofenceEvents(twin.apply(gps(1, T0, 43.732, 7.42, 30), T0, places))).toEqual([]);
    expect(geofenceEvents(twin.apply(gps(2, T0 + 10_000, 43.732, 7.427, 30), T0 + 10_000, places))).toEqual([
      { type: 'geofence', entered: ['school'], exited: [], breaches: ['school'], at: T0 + 10_000, vehicleId: 'V1' },
    ]);
    expect(twin.view().context.geofences).toEqual(['school']);
    expect(geofenceEvents(twin.apply(gps(3, T0 + 20_000, 43.732, 7.435, 30), T0 + 20_000, places))).toEqual([
      { type: 'geofence', entered: [], exited: ['school'], breaches: [], at: T0 + 20_000, vehicleId: 'V1' },
    ]);
    // A store-and-forward fix from before, inside the fence, does not put the vehicle back in it.
    expect(geofenceEvents(twin.apply(gps(4, T0 + 15_000, 43.732, 7.428, 30), T0 + 21_000, places))).toEqual([]);
    expect(twin.view().context.geofences).toEqual([]);
    // Restored from its snapshot the twin knows where it is, and a snapshot from before geofences reads as none.
    twin.apply(gps(5, T0 + 30_000, 43.732, 7.427, 30), T0 + 30_000, places);
    const persisted = JSON.parse(JSON.stringify(twin.persist()));
    expect(VehicleTwinActor.restore(persisted, timings).view().context.geofences).toEqual(['school']);
    delete persisted.vehicle.context.geofences;
    expect(VehicleTwinActor.restore(persisted, timings).view().context.geofences).toEqual([]);
  });
});
