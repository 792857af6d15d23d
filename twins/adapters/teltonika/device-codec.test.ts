import { describe, expect, it } from 'vitest';
import { decodeMessage } from '../../ingress/decode';
import type { Reading } from '../../telemetry/schema';
import { ingressRecords } from '../testing/ingress-records';
import { decodeTeltonikaFrame } from './decode-frame';
import { teltonikaCodec8DeviceCodec, teltonikaDeviceCodec } from './device-codec';
import { CODEC_8, CODEC_8_EXTENDED } from './frame';

const receivedAt = 1_795_427_260_000;

/** Every value a tracker reports that comes back through the ingress unchanged (a fresh copy each call). */
const trackerReading = (): Reading => ({
  position: { lat: 43.7384176, lon: 7.4246158, altM: 62, speedKph: 47, headingDeg: 181, satellites: 11 },
  engine: { ignition: true, rpm: 1830, coolantC: -7, fuelLevelPct: 71, odometerKm: 23_456.789, batteryV: 13.912, loadPct: 37, throttlePct: 21, intakeAirC: 24 },
  cargoTempC: [3.4, -18.2],
  doorOpen: false,
  harsh: [{ kind: 'braking', g: 0.42 }],
  dtcs: [{ system: 'obd2', code: 'P0300' }, { system: 'obd2', code: 'C0750' }],
});

describe('teltonika device codec (simulator side)', () => {
  it('a simulated tracker reading comes back through the ingress decode as the same canonical values', () => {
    const payload = teltonikaDeviceCodec.encode({
      v: 1,
      seq: 40,
      ts: 1_795_427_257_000,
      kind: 'telematics',
      ...trackerReading(),
      firmware: 'FMC130 03.28.07',
    });
    const frame = decodeTeltonikaFrame(payload);
    expect(frame.codec).toBe(CODEC_8_EXTENDED);
    expect(decodeMessage('fleet/van-7/fmc-7/teltonika', payload, receivedAt)).toEqual({
      ok: true,
      records: [
        {
          v: 1,
          vehicleId: 'van-7',
          deviceId: 'fmc-7',
          deviceKind: 'telematics',
          // Teltonika has no sequence number: the record time is one.
          seq: 1_795_427_257_000,
          deviceTime: 1_795_427_257_000,
          receivedAt,
          format: 'teltonika',
          ...trackerReading(),
          attributes: { priority: 0, event: 0, motion: true },
        },
      ],
    });
  });

  it('a reading without a fix is sent as 0, 0 with no satellites and arrives without a position', () => {
    const payload = teltonikaDeviceCodec.encode({ v: 1, seq: 1, ts: 1_795_427_257_000, kind: 'telematics', engine: { ignition: false, batteryV: 12.4 } });
    const [record] = ingressRecords('fleet/van-7/fmc-7/teltonika', payload, receivedAt);
    expect(record?.position).toBeUndefined();
    expect(record?.engine).toEqual({ ignition: false, batteryV: 12.4 });
  });

  it('an impact is sent as a crash event', () => {
    const payload = teltonikaDeviceCodec.encode({ v: 1, seq: 1, ts: 1_795_427_257_000, kind: 'telematics', position: { lat: 1, lon: 1 }, harsh: [{ kind: 'impact' }] });
    const [record] = ingressRecords('fleet/van-7/fmc-7/teltonika', payload, receivedAt);
    expect(record?.harsh).toEqual([{ kind: 'impact' }]);
  });

  it('an older tracker on Codec 8 sends the same values but no trouble codes, which need Codec 8 Extended', () => {
    const payload = teltonikaCodec8DeviceCodec.encode({
      v: 1,
      seq: 1,
      ts: 1_795_427_257_000,
      kind: 'telematics',
      position: { lat: 43.7384176, lon: 7.4246158, speedKph: 47 },
      engine: { ignition: true, rpm: 1830, odometerKm: 23_456.789 },
      dtcs: [{ system: 'obd2', code: 'P0300' }],
    });
    expect(decodeTeltonikaFrame(payload).codec).toBe(CODEC_8);
    const [record] = ingressRecords('fleet/van-7/fmb-7/teltonika', payload, receivedAt);
    expect(record).toMatchObject({ position: { lat: 43.7384176, lon: 7.4246158, speedKph: 47 }, engine: { ignition: true, rpm: 1830, odometerKm: 23_456.789 } });
    expect(record?.dtcs).toBeUndefined();
  });
});
