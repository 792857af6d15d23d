import { describe, expect, it } from 'vitest';
import { referenceJsonAdapter, referenceMessageSchema } from '../twins/adapters/reference-json';
import { telemetrySchema } from '../twins/telemetry/schema';
import type { DeviceMessage } from './devices/device';
import { noFaults, type FaultRates } from './faults/fault-rates';
import { Simulation, type SimulationOptions } from './simulation';
import { createRandom } from './world/random';
import { createWorld } from './world/world';

const START = Date.UTC(2025, 2, 3, 6, 0);
const monaco = createWorld(createRandom('sim-test'), { kind: 'monaco' });
const grid = createWorld(createRandom('sim-test'), { kind: 'grid', gridBlocks: 12 });

function run(options: Partial<SimulationOptions>, seconds: number, sliceMs = 1000): DeviceMessage[] {
  const sim = new Simulation({ world: monaco, vehicles: 4, devicesPerVehicle: 4, seed: 'sim', startMs: START, ...options });
  const out: DeviceMessage[] = [];
  for (let t = START; t < START + seconds * 1000; t += sliceMs) sim.advanceTo(Math.min(t + sliceMs, START + seconds * 1000), (m) => out.push(m));
  return out;
}

const stream = (messages: DeviceMessage[]) => messages.map((m) => `${m.topic} ${new TextDecoder().decode(m.payload)}`).join('\n');

describe('simulation determinism', () => {
  it('the same seed produces the identical message stream, however the clock is sliced', () => {
    const a = run({ seed: 'same' }, 600, 1000);
    const b = run({ seed: 'same' }, 600, 37);
    expect(a.length).toBeGreaterThan(1000);
    expect(stream(b)).toBe(stream(a));
  });

  it('different seeds produce different streams', () => {
    expect(stream(run({ seed: 'one' }, 120))).not.toBe(stream(run({ seed: 'two' }, 120)));
  });

  it('without payloads the same readings come out, bodies only (what-if runs)', () => {
    const encoded = run({ seed: 'bodies', obd2Share: 0.5, teltonikaShare: 0.5 }, 120);
    const bare = run({ seed: 'bodies', obd2Share: 0.5, teltonikaShare: 0.5, payloads: false }, 120);
    expect(bare.map((m) => [m.deviceId, m.seq, m.body])).toEqual(encoded.map((m) => [m.deviceId, m.seq, m.body]));
    expect(bare.every((m) => m.payload.length === 0)).toBe(true);
  });

  it('messages come out in time order', () => {
    const messages = run({ world: grid, vehicles: 6 }, 300, 250);
    for (let i = 1; i < messages.length; i++) expect(messages[i]!.ts).toBeGreaterThanOrEqual(messages[i - 1]!.ts);
  });

  it('handed over van by van (a what-if run), each van gets the readings it gets in time order, and hears it is done only after its last', () => {
    // Minute steps with driving integrated in sub-steps, as a what-if run has them, over a morning's shift starts.
    const options = { world: grid, vehicles: 6, devicesPerVehicle: 4, seed: 'by-vehicle', startMs: START, stepMs: 60_000, rate: 1 / 30, payloads: false } as const;
    const inTime: DeviceMessage[] = [];
    const byVehicle: DeviceMessage[] = [];
    const done: Array<{ vehicle: string; after: number }> = [];
    const a = new Simulation(options);
    const b = new Simulation(options);
    for (let t = START; t < START + 4 * 3_600_000; t += 600_000) {
      a.advanceTo(t + 600_000, (m) => inTime.push(m));
      b.advanceByVehicle(t + 600_000, {
        reading: (m) => byVehicle.push(m),
        vehicleDone: (v) => done.push({ vehicle: b.fleet.vehicles[v]!.id, after: byVehicle.length }),
      });
    }
    const perVehicle = (messages: DeviceMessage[]) => {
      const out: Record<string, DeviceMessage[]> = {};
      for (const m of messages) (out[m.vehicleId] ??= []).push(m);
      return out;
    };
    expect(inTime.length).toBeGreaterThan(500);
    expect(perVehicle(byVehicle)).toEqual(perVehicle(inTime));
    // Between two of a van's "done", the readings handed over are that van's only.
    let from = 0;
    for (const { vehicle, after } of done) {
      expect(byVehicle.slice(from, after).every((m) => m.vehicleId === vehicle)).toBe(true);
      from = after;
    }
    expect(from).toBe(byVehicle.length);
  });
});

describe('world step', () => {
  const stepOf = (options: Partial<SimulationOptions>) => new Simulation({ world: monaco, vehicles: 1, devicesPerVehicle: 4, seed: 'step', startMs: START, ...options }).stepMs;

  it('steps once per GPS reading while driving, so no reading repeats a world state and no step goes unread', () => {
    expect(stepOf({})).toBe(1000);
    expect(stepOf({ rate: 2 })).toBe(500);
    expect(stepOf({ devicesPerVehicle: 1, rate: 4 })).toBe(250);
  });

  it('never steps coarser than 1 s or finer than 200 ms unless asked', () => {
    expect(stepOf({ rate: 0.5 })).toBe(1000);
    expect(stepOf({ rate: 12 })).toBe(200);
    expect(stepOf({ rate: 12, stepMs: 50 })).toBe(50);
  });
});

describe('device messages', () => {
  const messages = run({ vehicles: 6 }, 1800);

  it('every message is valid reference JSON that the ingress adapter turns into canonical telemetry', () => {
    for (const m of messages) {
      const json: unknown = JSON.parse(new TextDecoder().decode(m.payload));
      expect(referenceMessageSchema.safeParse(json).error).toBeUndefined();
      const [telemetry] = referenceJsonAdapter.decode(m.payload, { vehicleId: m.vehicleId, deviceId: m.deviceId, receivedAt: m.ts });
      expect(telemetrySchema.safeParse(telemetry).error).toBeUndefined();
    }
  });

  it('each vehicle has a GPS tracker, an OBD dongle, a cargo thermometer and a tyre monitor on their own topics', () => {
    const topics = new Set(messages.map((m) => m.topic));
    expect(topics.size).toBe(6 * 4);
    for (const vid of ['V00001', 'V00006']) {
      for (const kind of ['gps', 'obd', 'temperature', 'tyre']) expect(topics.has(`fleet/${vid}/${vid}-${kind}/json`)).toBe(true);
    }
  });

  it('each device numbers its readings 1, 2, 3, ... without gaps and announces its firmware first', () => {
    const byDevice = new Map<string, DeviceMessage[]>();
    for (const m of messages) byDevice.set(m.deviceId, [...(byDevice.get(m.deviceId) ?? []), m]);
    for (const [, list] of byDevice) {
      list.forEach((m, i) => expect(m.seq).toBe(i + 1));
      expect(list[0]!.body.firmware).toBeDefined();
      expect(list.slice(1).every((m) => m.body.firmware === undefined)).toBe(true);
    }
  });

  it('the GPS tracker reports every second while driving, every 5 s idling and every 30 s parked', () => {
    const gps = messages.filter((m) => m.deviceId === 'V00002-gps');
    const gaps = { driving: new Set<number>(), on: new Set<number>(), off: new Set<number>() };
    for (let i = 1; i < gps.length; i++) {
      const gap = gps[i]!.ts - gps[i - 1]!.ts;
      const before = gps[i - 1]!.body;
      if (before.engine?.ignition && (before.position?.speedKph ?? 0) > 5) gaps.driving.add(gap);
      gaps[before.engine?.ignition ? 'on' : 'off'].add(gap);
    }
    expect([...gaps.driving].every((g) => g <= 1000)).toBe(true);
    expect([...gaps.on].every((g) => g <= 5000)).toBe(true);
    expect([...gaps.off].every((g) => g <= 30_000)).toBe(true);
    expect(gaps.driving.has(1000)).toBe(true);
    expect(gaps.on.has(5000)).toBe(true);
    expect(gaps.off.has(30_000)).toBe(true);
  });

  it('the OBD dongle reports engine values and clears or raises DTCs; the thermometer reports the door', () => {
    const obd = messages.filter((m) => m.kind === 'obd' && m.body.engine?.ignition);
    expect(obd.length).toBeGreaterThan(100);
    expect(obd.every((m) => Array.isArray(m.body.dtcs) && m.body.engine?.rpm !== undefined)).toBe(true);
    const temps = messages.filter((m) => m.kind === 'temperature');
    expect(temps.some((m) => m.body.doorOpen === true)).toBe(true);
  });

  it('--rate speeds up sampling without changing the world', () => {
    const normal = run({ vehicles: 2, devicesPerVehicle: 1 }, 300);
    const faster = run({ vehicles: 2, devicesPerVehicle: 1, rate: 10 }, 300);
    // Readings on a change (ignition, door, setting off or stopping) come whatever the rate.
    expect(faster.length / normal.length).toBeGreaterThan(7);
    expect(faster.length / normal.length).toBeLessThan(12);
  });

  it("a fleet already on shift when its devices are switched on (--on-shift-for) reads nothing before, then at the steady pace, not at a shift start's burst", () => {
    const vehicles = 40;
    const shift = { firstShiftWithinS: 10 };
    const perDeviceS = (messages: DeviceMessage[], seconds: number) => messages.length / (vehicles * 4 * seconds);
    const fromStart = run({ vehicles, shift }, 60);
    const onShift = new Simulation({ world: monaco, vehicles, devicesPerVehicle: 4, seed: 'sim', startMs: START - 420_000, devicesOnMs: START, shift });
    const before: DeviceMessage[] = [];
    onShift.advanceTo(START - 1, (m) => before.push(m));
    expect(before).toEqual([]);
    const later: DeviceMessage[] = [];
    onShift.advanceTo(START + 60_000, (m) => later.push(m));
    expect(Math.min(...later.map((m) => m.ts))).toBeGreaterThanOrEqual(START);
    // A shift's first minute: every van sets off (ignition, engine values, motion reports).
    expect(perDeviceS(later, 60)).toBeLessThan(0.85 * perDeviceS(fromStart, 60));
  });

  it('devices switched on only once the world has caught up (a slow run through the shift) read nothing before, then from that time on, with their faults, the same for a seed', () => {
    const faults: FaultRates = { ...noFaults, gapsPerHour: 60, gapS: [5, 20], silencesPerHour: 60, silenceS: [5, 20], duplicateRate: 0.05 };
    const options = { world: monaco, vehicles: 10, devicesPerVehicle: 4, seed: 'switch-on', startMs: START - 120_000, shift: { firstShiftWithinS: 10 }, faults, devicesOnMs: null };
    const runs = [new Simulation(options), new Simulation(options)].map((sim) => {
      const messages: DeviceMessage[] = [];
      sim.advanceTo(START - 1, (m) => messages.push(m));
      expect(messages).toEqual([]);
      sim.switchDevicesOn(START);
      sim.advanceTo(START + 180_000, (m) => messages.push(m));
      return messages;
    });
    const [first, second] = runs as [DeviceMessage[], DeviceMessage[]];
    expect(Math.min(...first.map((m) => m.ts))).toBeGreaterThanOrEqual(START);
    expect(new Set(first.map((m) => m.deviceId)).size).toBe(40);
    expect(first.some((m) => m.offline) && first.some((m) => m.duplicate)).toBe(true);
    expect(second).toEqual(first);
  });
});
