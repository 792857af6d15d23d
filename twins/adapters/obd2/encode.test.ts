import { describe, expect, it } from 'vitest';
import { createRandom } from '../../../simulator/world/random';
import { decodeMessage } from '../../ingress/decode';
import type { Reading } from '../../telemetry/schema';
import { jsonPayload } from '../testing/decode-outcome';
import { expectWithinHalfStep, randomLinearReading } from '../testing/linear-round-trip';
import { obd2Adapter } from './adapter';
import { encodeObd2Message, encodeObd2Responses, obd2DeviceCodec } from './encode';
import { linearPids, MAX_RAW } from './pids';

const ctx = { vehicleId: 'van-1', deviceId: 'obd-1', receivedAt: 1_795_427_260_000 };

function roundTrip(reading: Reading) {
  const message = encodeObd2Message(5, 1_795_427_257_000, reading);
  return obd2Adapter.decode(jsonPayload(message), ctx)[0]!;
}

describe('obd2 encoder', () => {
  it('writes responses as a dongle prints them', () => {
    expect(encodeObd2Responses({ engine: { rpm: 1726, coolantC: 83 }, dtcs: [{ system: 'obd2', code: 'P0133' }] })).toEqual([
      '41 05 7B',
      '41 0C 1A F8',
      '43 01 01 33',
    ]);
  });

  it('random engine values survive encode → decode to within half a step of their PID', () => {
    const rng = createRandom('obd2-round-trip');
    for (let n = 0; n < 500; n++) {
      const reading = randomLinearReading(rng, linearPids, (pid) => {
        const max = MAX_RAW[pid.bytes] * pid.scale + pid.offset;
        return [pid.offset, Math.min(max, 'engine' in pid.target && pid.target.engine === 'odometerKm' ? 2_000_000 : max)];
      });
      if (reading) expectWithinHalfStep(reading, roundTrip(reading), linearPids);
    }
  });

  it('decode(encode(decoded)) is exactly the decoded reading', () => {
    const first = roundTrip({
      engine: { rpm: 2143.3, coolantC: 91.4, fuelLevelPct: 63.7, odometerKm: 84_211.37, batteryV: 14.123, loadPct: 41.2, throttlePct: 17.9, intakeAirC: 28.2 },
      attributes: { obdSpeedKph: 63.4, mafGps: 12.345, milOn: true, dtcCount: 2, pendingDtcs: 'P0171', obdPid01_5A: '1C', vin: 'WDB9066331S123456' },
      dtcs: [{ system: 'obd2', code: 'P0300' }, { system: 'obd2', code: 'C0750' }],
    });
    const { engine, attributes, dtcs } = first;
    const second = roundTrip({ engine, attributes, dtcs });
    expect(second).toEqual(first);
  });

  it('with the ignition off and no rpm the engine answers 0 rpm, so the twin sees it stop', () => {
    expect(roundTrip({ engine: { ignition: false, batteryV: 12.41 } }).engine).toEqual({ rpm: 0, batteryV: 12.41 });
  });

  it('an empty code list is sent as 43 00 and clears the codes', () => {
    expect(encodeObd2Responses({ dtcs: [] })).toEqual(['43 00']);
    expect(roundTrip({ dtcs: [] }).dtcs).toEqual([]);
  });

  it('a reading with nothing OBD-II can say is refused by the encoder, not sent empty', () => {
    expect(() => encodeObd2Message(1, 1, { engine: { oilPressureKpa: 300 } })).toThrow(RangeError);
  });

  it("the simulator codec's OBD dongle message passes the whole ingress decode", () => {
    const payload = obd2DeviceCodec.encode({
      v: 1,
      seq: 12,
      ts: 1_795_427_257_000,
      kind: 'obd',
      firmware: 'FT-OBD 2.1.0',
      position: { lat: 43.7384, lon: 7.4246, speedKph: 38.5 },
      engine: { ignition: true, rpm: 1830, coolantC: 88.6, oilPressureKpa: 310, fuelLevelPct: 71.3, odometerKm: 23_456.7, engineHours: 812.4, batteryV: 14.08, loadPct: 37, throttlePct: 21, intakeAirC: 24.5 },
      dtcs: [{ system: 'obd2', code: 'C0500' }],
    });
    const outcome = decodeMessage('fleet/van-1/obd-1/obd2', payload, ctx.receivedAt);
    expect(outcome).toEqual({
      ok: true,
      records: [
        {
          v: 1,
          vehicleId: 'van-1',
          deviceId: 'obd-1',
          deviceKind: 'obd',
          seq: 12,
          deviceTime: 1_795_427_257_000,
          receivedAt: ctx.receivedAt,
          format: 'obd2',
          engine: { loadPct: 36.9, coolantC: 89, rpm: 1830, intakeAirC: 25, throttlePct: 21.2, fuelLevelPct: 71.4, batteryV: 14.08, odometerKm: 23_456.7 },
          attributes: { obdSpeedKph: 39 },
          dtcs: [{ system: 'obd2', code: 'C0500' }],
        },
      ],
    });
  });
});
