import { describe, expect, it } from 'vitest';
import { obd2Adapter } from '../../twins/adapters/obd2/adapter';
import { teltonikaAdapter } from '../../twins/adapters/teltonika/teltonika-adapter';
import { decodeMessage } from '../../twins/ingress/decode';
import type { DeviceMessage } from '../devices/device';
import { Simulation, type SimulationOptions } from '../simulation';
import { createRandom } from '../world/random';
import { createWorld } from '../world/world';
import { noFaults, type FaultRates } from './fault-rates';

const START = Date.UTC(2025, 4, 5, 7, 0);
const world = createWorld(createRandom('faults-test'), { kind: 'monaco' });

function run(options: Partial<SimulationOptions>, seconds: number): DeviceMessage[] {
  const sim = new Simulation({ world, vehicles: 20, devicesPerVehicle: 4, seed: 'faults', startMs: START, shift: { firstShiftWithinS: 5 }, ...options });
  const out: DeviceMessage[] = [];
  sim.advanceTo(START + seconds * 1000, (m) => out.push(m));
  return out;
}

const faults = (rates: Partial<FaultRates>): FaultRates => ({ ...noFaults, ...rates });
const byDevice = (messages: DeviceMessage[]) => {
  const map = new Map<string, DeviceMessage[]>();
  for (const m of messages) map.set(m.deviceId, [...(map.get(m.deviceId) ?? []), m]);
  return map;
};

describe('device formats', () => {
  const messages = run({ teltonikaShare: 0.5, obd2Share: 0.5 }, 600);

  it('a share of GPS trackers speaks Teltonika Codec 8E, decoded by the binary adapter to the same position, keyed by record time', () => {
    const telto = messages.filter((m) => m.format === 'teltonika');
    const trackers = new Set(telto.map((m) => m.deviceId));
    expect(trackers.size).toBeGreaterThan(4);
    expect(trackers.size).toBeLessThan(16);
    for (const m of telto) {
      expect(m.topic).toBe(`fleet/${m.vehicleId}/${m.deviceId}/teltonika`);
      const [t] = teltonikaAdapter.decode(m.payload, { vehicleId: m.vehicleId, deviceId: m.deviceId, receivedAt: m.ts });
      expect(t!.seq).toBe(m.seq);
      expect(t!.seq).toBe(m.ts);
      expect(t!.position!.lat).toBeCloseTo(m.body.position!.lat, 6);
      expect(t!.position!.lon).toBeCloseTo(m.body.position!.lon, 6);
      expect(t!.engine?.ignition).toBe(m.body.engine?.ignition);
      expect(decodeMessage(m.topic, m.payload, m.ts).ok).toBe(true);
    }
  });

  it('a share of OBD-II dongles sends raw ECU responses that the obd2 adapter turns back into the engine values', () => {
    const obd = messages.filter((m) => m.format === 'obd2');
    expect(new Set(obd.map((m) => m.deviceId)).size).toBeGreaterThan(4);
    for (const m of obd) {
      const [t] = obd2Adapter.decode(m.payload, { vehicleId: m.vehicleId, deviceId: m.deviceId, receivedAt: m.ts });
      expect(t!.seq).toBe(m.seq);
      if (m.body.engine?.rpm !== undefined) expect(t!.engine?.rpm).toBeCloseTo(m.body.engine.rpm, 0);
      expect(decodeMessage(m.topic, m.payload, m.ts).ok).toBe(true);
    }
  });

  it('formats do not change what devices read: the JSON bodies are those of an all-JSON fleet', () => {
    const plain = run({}, 600);
    expect(messages.map((m) => JSON.stringify(m.body))).toEqual(plain.map((m) => JSON.stringify(m.body)));
  });
});

describe('faults on demand', () => {
  it('the same seed gives the same faults; another seed other ones', () => {
    const rates = faults({ duplicateRate: 0.05, malformedRate: 0.05, skewShare: 0.3, gapsPerHour: 20, silencesPerHour: 10 });
    const fates = (m: DeviceMessage) => `${m.deviceId} ${m.seq} ${m.ts} ${m.offline} ${m.duplicate} ${m.malformed ?? ''}`;
    const a = run({ faults: rates }, 900).map(fates);
    expect(run({ faults: rates }, 900).map(fates)).toEqual(a);
    expect(run({ faults: rates, seed: 'other' }, 900).map(fates)).not.toEqual(a);
  });

  it('every malformed payload is refused by the ingress with a reason, and only those', () => {
    const messages = run({ faults: faults({ malformedRate: 0.1 }), teltonikaShare: 0.5, obd2Share: 0.5 }, 600);
    const broken = messages.filter((m) => m.malformed);
    expect(broken.length / messages.length).toBeGreaterThan(0.07);
    expect(broken.length / messages.length).toBeLessThan(0.13);
    expect(new Set(broken.map((m) => m.format))).toEqual(new Set(['json', 'teltonika', 'obd2']));
    for (const m of messages) {
      const outcome = decodeMessage(m.topic, m.payload, m.ts);
      expect(outcome.ok, `${m.topic} ${m.malformed}`).toBe(!m.malformed);
      if (!outcome.ok) expect(outcome.detail.length).toBeGreaterThan(5);
    }
    expect(messages.every((m) => !(m.malformed && m.duplicate))).toBe(true);
  });

  it('duplicates are flagged at their rate and keep their sequence number', () => {
    const messages = run({ faults: faults({ duplicateRate: 0.2 }) }, 600);
    const share = messages.filter((m) => m.duplicate).length / messages.length;
    expect(share).toBeGreaterThan(0.16);
    expect(share).toBeLessThan(0.24);
  });

  it('a skewed device is off by one constant amount within ±max skew; the others are exact', () => {
    const plain = byDevice(run({}, 600));
    const skewed = byDevice(run({ faults: faults({ skewShare: 0.5, maxSkewS: 60 }) }, 600));
    let off = 0;
    for (const [id, list] of skewed) {
      const offsets = new Set(list.map((m, i) => m.ts - plain.get(id)![i]!.ts));
      expect(offsets.size).toBe(1);
      const [offset] = [...offsets];
      expect(Math.abs(offset!)).toBeLessThanOrEqual(60_000);
      if (offset !== 0) off++;
    }
    expect(off).toBeGreaterThan(20);
    expect(off).toBeLessThan(60);
  });

  it('a coverage gap marks consecutive readings offline (kept for replay); a silent device takes no readings and skips no sequence number', () => {
    const messages = run({ faults: faults({ gapsPerHour: 6, silencesPerHour: 6 }) }, 1800);
    const plain = run({}, 1800);
    expect(messages.some((m) => m.offline)).toBe(true);
    expect(messages.length).toBeLessThan(plain.length);
    for (const [, list] of byDevice(messages)) {
      list.forEach((m, i) => i > 0 && expect(m.seq).toBe(list[i - 1]!.seq + 1));
    }
    const gapsPerDevice = [...byDevice(messages).values()].map((list) => list.filter((m, i) => m.offline && !list[i - 1]?.offline).length);
    const mean = gapsPerDevice.reduce((a, b) => a + b, 0) / gapsPerDevice.length;
    expect(mean).toBeGreaterThan(0.5);
    expect(mean).toBeLessThan(6);
  });
});
