import { describe, expect, it } from 'vitest';
import { createRandom } from '../../../simulator/world/random';
import { decodeMessage } from '../../ingress/decode';
import type { Reading } from '../../telemetry/schema';
import { jsonPayload } from '../testing/decode-outcome';
import { expectWithinHalfStep, randomLinearReading } from '../testing/linear-round-trip';
import { j1939Adapter } from './adapter';
import { formatFrame } from './can-frame';
import { encodeJ1939Frames, encodeJ1939Message, j1939DeviceCodec } from './encode';
import { linearSpns, MAX_VALID_RAW } from './spns';

const ctx = { vehicleId: 'truck-1', deviceId: 'fms-1', receivedAt: 1_795_427_260_000 };

function roundTrip(reading: Reading) {
  const message = encodeJ1939Message(8, 1_795_427_257_000, reading);
  return j1939Adapter.decode(jsonPayload(message), ctx)[0]!;
}

describe('j1939 encoder', () => {
  it('writes the frames an engine ECU sends, unused bytes FF', () => {
    expect(encodeJ1939Frames({ engine: { rpm: 621, coolantC: 83 }, dtcs: [{ system: 'j1939', spn: 110, fmi: 0, occurrences: 3 }] }).map(formatFrame)).toEqual([
      '0CF00400#FFFFFF6813FFFFFF',
      '18FEEE00#7BFFFFFFFFFFFFFF',
      '18FECA00#FFFF6E000003FFFF',
    ]);
  });

  it('random values survive encode → decode to within half a step of their SPN', () => {
    const rng = createRandom('j1939-round-trip');
    const canonicalMax: Partial<Record<string, number>> = { odometerKm: 9_000_000, engineHours: 900_000, rpm: 8000 };
    // VD distance shares odometerKm with VDHR, which wins on decode: the value is drawn once, for the finer SPN.
    const sent = linearSpns.filter((spn) => spn.yieldsTo === undefined);
    for (let n = 0; n < 500; n++) {
      const reading = randomLinearReading(rng, sent, (spn) => {
        const top = MAX_VALID_RAW[spn.bytes] * spn.scale + spn.offset;
        const key = 'engine' in spn.target ? spn.target.engine : spn.target.attribute;
        return [Math.max(spn.offset, 0), Math.min(top, canonicalMax[key] ?? 100)];
      });
      if (reading) expectWithinHalfStep(reading, roundTrip(reading), linearSpns);
    }
  });

  it('decode(encode(decoded)) is exactly the decoded reading, codes and lamps included', () => {
    const first = roundTrip({
      engine: { rpm: 1412.3, coolantC: 88.4, oilPressureKpa: 410, fuelLevelPct: 47.3, odometerKm: 412_883.217, engineHours: 10_311.37, batteryV: 27.61, loadPct: 55, throttlePct: 31.1, intakeAirC: 41 },
      attributes: { obdSpeedKph: 71.2, oilTempC: 97.3, fuelRateLph: 23.41, ambientAirC: 12.2, tripDistanceKm: 211.3, engineTorquePct: -12, amberWarningLamp: true, milOn: false },
      dtcs: [
        { system: 'j1939', spn: 3226, fmi: 2, occurrences: 1 },
        { system: 'j1939', spn: 516_097, fmi: 31, occurrences: 126 },
      ],
    });
    const { engine, attributes, dtcs } = first;
    expect(roundTrip({ engine, attributes, dtcs })).toEqual(first);
  });

  it('several codes go out as a BAM transfer, one code or none in a single DM1 frame', () => {
    const two = encodeJ1939Frames({ dtcs: [{ system: 'j1939', spn: 110, fmi: 0 }, { system: 'j1939', spn: 100, fmi: 1 }] }).map(formatFrame);
    expect(two).toEqual(['1CECFF00#200A0002FFCAFE00', '1CEBFF00#01FFFF6E00007F64', '1CEBFF00#0200017FFFFFFFFF']);
    expect(encodeJ1939Frames({ dtcs: [] }).map(formatFrame)).toEqual(['18FECA00#FFFF00000000FFFF']);
    expect(roundTrip({ dtcs: [] }).dtcs).toEqual([]);
  });

  it('a reading with nothing J1939 can say is refused by the encoder, not sent empty', () => {
    expect(() => encodeJ1939Message(1, 1, { firmware: '1.0' })).toThrow(RangeError);
  });

  it("the simulator codec's bus logger message passes the whole ingress decode", () => {
    const payload = j1939DeviceCodec.encode({
      v: 1,
      seq: 21,
      ts: 1_795_427_257_000,
      kind: 'obd',
      position: { lat: 43.7384, lon: 7.4246, speedKph: 62.5 },
      engine: { ignition: true, rpm: 1500, coolantC: 86, oilPressureKpa: 380, fuelLevelPct: 58, odometerKm: 231_456.7, engineHours: 7311.5, batteryV: 27.9 },
      dtcs: [{ system: 'j1939', spn: 94, fmi: 1, occurrences: 2 }],
    });
    expect(decodeMessage('fleet/truck-1/fms-1/j1939', payload, ctx.receivedAt)).toEqual({
      ok: true,
      records: [
        {
          v: 1,
          vehicleId: 'truck-1',
          deviceId: 'fms-1',
          deviceKind: 'obd',
          seq: 21,
          deviceTime: 1_795_427_257_000,
          receivedAt: ctx.receivedAt,
          format: 'j1939',
          engine: { rpm: 1500, coolantC: 86, oilPressureKpa: 380, fuelLevelPct: 58, odometerKm: 231_456.7, engineHours: 7311.5, batteryV: 27.9 },
          attributes: { obdSpeedKph: 62.5 },
          dtcs: [{ system: 'j1939', spn: 94, fmi: 1, occurrences: 2 }],
        },
      ],
    });
  });
});
