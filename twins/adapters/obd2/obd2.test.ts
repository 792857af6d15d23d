import { describe, expect, it } from 'vitest';
import { telemetrySchema } from '../../telemetry/schema';
import { jsonPayload, refusal } from '../testing/decode-outcome';
import { obd2Adapter } from './adapter';
import { dtcFromBytes, dtcToBytes } from './dtc';

const ctx = { vehicleId: 'van-1', deviceId: 'obd-1', receivedAt: 1_795_427_260_000 };

function decode(message: unknown) {
  return obd2Adapter.decode(jsonPayload(message), ctx);
}
function decodeResponses(...responses: string[]) {
  const [record] = decode({ v: 1, seq: 7, ts: 1_795_427_257_203, responses });
  return record!;
}

describe('obd2 service 01 formulas (SAE J1979)', () => {
  it.each([
    ['41 0C 1A F8', 'engine.rpm', 1726],
    ['410D32', 'attributes.obdSpeedKph', 50],
    ['41 05 7B', 'engine.coolantC', 83],
    ['41 05 00', 'engine.coolantC', -40],
    ['41 04 FF', 'engine.loadPct', 100],
    ['41 11 33', 'engine.throttlePct', 20],
    ['41 2F 80', 'engine.fuelLevelPct', 50.2],
    ['41 0B 65', 'attributes.intakeMapKpa', 101],
    ['41 0F 3C', 'engine.intakeAirC', 20],
    ['41 10 01 F4', 'attributes.mafGps', 5],
    ['41 1F 01 2C', 'attributes.runTimeS', 300],
    ['41 21 00 0A', 'attributes.milDistanceKm', 10],
    ['41 31 12 34', 'attributes.clearedDistanceKm', 4660],
    ['41 33 64', 'attributes.baroKpa', 100],
    ['41 42 31 5B', 'engine.batteryV', 12.635],
    ['41 46 41', 'attributes.ambientAirC', 25],
    ['41 5C 82', 'attributes.oilTempC', 90],
    ['41 5E 01 F4', 'attributes.fuelRateLph', 25],
    ['41 A6 00 01 E2 40', 'engine.odometerKm', 12345.6],
  ])('%s decodes to %s = %d', (response, path, value) => {
    const record = decodeResponses(response);
    const [part, field] = path.split('.') as ['engine' | 'attributes', string];
    expect((record[part] as Record<string, unknown>)[field]).toBe(value);
  });

  it('a 4-byte odometer above 2^31 stays positive', () => {
    expect(decodeResponses('41 A6 FF FF FF FF').engine?.odometerKm).toBe(429_496_729.5);
  });

  it('vehicle speed goes to attributes.obdSpeedKph and never invents a position', () => {
    const record = decodeResponses('41 0D 32');
    expect(record.position).toBeUndefined();
    expect(record.attributes).toEqual({ obdSpeedKph: 50 });
  });

  it('PID 01 gives the MIL lamp and the stored-code count', () => {
    expect(decodeResponses('41 01 83 07 65 04').attributes).toEqual({ milOn: true, dtcCount: 3 });
    expect(decodeResponses('41 01 00 07 65 04').attributes).toEqual({ milOn: false, dtcCount: 0 });
  });

  it('supported-PID bitmaps are understood and reported as nothing', () => {
    const record = decodeResponses('41 00 BE 3F A8 13', '41 20 80 01 A0 01', '41 0C 0F A0');
    expect(record.engine).toEqual({ rpm: 1000 });
    expect(record.attributes).toBeUndefined();
  });

  it('negative responses (7F) are skipped', () => {
    expect(decodeResponses('7F 01 12', '41 0D 00').attributes).toEqual({ obdSpeedKph: 0 });
  });

  it('an unknown PID among known ones is kept as raw hex under its service and PID', () => {
    const record = decodeResponses('41 0C 1A F8', '41 5A 1C');
    expect(record.engine).toEqual({ rpm: 1726 });
    expect(record.attributes).toEqual({ obdPid01_5A: '1C' });
  });

  it('a VIN from service 09 PID 02 or the message field lands in attributes.vin', () => {
    const vinHex = Array.from('1G1JC5444R7252367', (c) => c.charCodeAt(0).toString(16)).join(' ');
    expect(decodeResponses(`49 02 01 ${vinHex}`).attributes).toEqual({ vin: '1G1JC5444R7252367' });
    const [record] = decode({ v: 1, seq: 1, ts: 1, responses: ['41 0D 10'], vin: 'WDB9066331S123456' });
    expect(record?.attributes).toEqual({ obdSpeedKph: 16, vin: 'WDB9066331S123456' });
  });

  it('a decoded message is valid canonical telemetry with the device identity from the topic', () => {
    const record = decodeResponses('41 0C 1A F8', '41 05 7B', '41 2F 80', '41 42 31 5B', '43 01 01 33');
    expect(telemetrySchema.parse(record)).toEqual({
      v: 1,
      vehicleId: 'van-1',
      deviceId: 'obd-1',
      deviceKind: 'obd',
      seq: 7,
      deviceTime: 1_795_427_257_203,
      receivedAt: ctx.receivedAt,
      format: 'obd2',
      engine: { rpm: 1726, coolantC: 83, fuelLevelPct: 50.2, batteryV: 12.635 },
      dtcs: [{ system: 'obd2', code: 'P0133' }],
    });
  });
});

describe('obd2 trouble codes (SAE J2012)', () => {
  it.each([
    [0x01, 0x33, 'P0133'],
    [0x03, 0x00, 'P0300'],
    [0x52, 0x34, 'C1234'],
    [0x96, 0x7f, 'B167F'],
    [0xc1, 0x58, 'U0158'],
    [0xff, 0xff, 'U3FFF'],
  ])('%d %d is %s and back', (a, b, code) => {
    expect(dtcFromBytes(a, b)).toBe(code);
    expect(dtcToBytes(code)).toEqual([a, b]);
  });

  it('the older frame without a count byte: 43 01 33 00 00 is P0133, the 0000 padding skipped', () => {
    expect(decodeResponses('43 01 33 00 00').dtcs).toEqual([{ system: 'obd2', code: 'P0133' }]);
    expect(decodeResponses('43 01 33 03 00 00 00').dtcs).toEqual([
      { system: 'obd2', code: 'P0133' },
      { system: 'obd2', code: 'P0300' },
    ]);
  });

  it('the CAN frame with the count byte: 43 02 01 33 03 00 is P0133 and P0300', () => {
    expect(decodeResponses('43 02 01 33 03 00').dtcs).toEqual([
      { system: 'obd2', code: 'P0133' },
      { system: 'obd2', code: 'P0300' },
    ]);
  });

  it('no stored codes (43 00) is an empty list, which clears the twin; no service 03 leaves dtcs out', () => {
    expect(decodeResponses('43 00').dtcs).toEqual([]);
    expect(decodeResponses('43 00 00 00 00 00 00').dtcs).toEqual([]);
    expect(decodeResponses('41 0D 00').dtcs).toBeUndefined();
  });

  it('codes from several ECUs are merged without repeats', () => {
    expect(decodeResponses('43 01 01 33', '43 02 01 33 C1 58').dtcs).toEqual([
      { system: 'obd2', code: 'P0133' },
      { system: 'obd2', code: 'U0158' },
    ]);
  });

  it('pending (07) and permanent (0A) codes are listed in attributes, not taken as active', () => {
    const record = decodeResponses('47 02 03 00 01 71', '4A 01 04 20');
    expect(record.dtcs).toBeUndefined();
    expect(record.attributes).toEqual({ pendingDtcs: 'P0300,P0171', permanentDtcs: 'P0420' });
  });
});

describe('obd2 refusals are DecodeErrors with a clear code', () => {
  it.each([
    ['not_utf8', Uint8Array.from([0xff, 0xfe, 0x7b])],
    ['bad_json', jsonPayload('{"v":1,')],
    ['bad_fields', jsonPayload({ v: 1, seq: 1, ts: 1 })],
    ['bad_fields', jsonPayload({ v: 2, seq: 1, ts: 1, responses: ['410D32'] })],
    ['bad_fields', jsonPayload({ v: 1, seq: 1, ts: 1, responses: [] })],
    ['bad_fields', jsonPayload({ v: 1, seq: 1, ts: 1, responses: ['410D32'], speed: 3 })],
    ['bad_fields', jsonPayload({ v: 1, seq: 1, ts: 1, responses: ['410D32'], vin: 'IOQ' })],
  ])('%s for a bad payload', (code, payload) => {
    expect(refusal(() => obd2Adapter.decode(payload, ctx)).code).toBe(code);
  });

  it('a field error names the field', () => {
    const err = refusal(() => decode({ v: 1, seq: 1, ts: 1, responses: [42] }));
    expect(err.message).toMatch(/^responses\.0:/);
  });

  it.each([['41 0C ZZ'], ['410'], ['NO DATA']])('bad_hex for response "%s", naming its index', (response) => {
    const err = refusal(() => decodeResponses('41 0D 32', response));
    expect(err.code).toBe('bad_hex');
    expect(err.message).toContain('response 1');
  });

  it('a response of the wrong length for its PID is bad_response naming the PID', () => {
    const err = refusal(() => decodeResponses('41 0C 1A'));
    expect(err.code).toBe('bad_response');
    expect(err.message).toBe('response 0 (service 01 PID 0C) carries 1 data bytes, PID 0C has 2');
    expect(refusal(() => decodeResponses('41 A6 00 01 E2')).message).toContain('PID A6');
    expect(refusal(() => decodeResponses('41 01 83')).message).toContain('PID 01');
    expect(refusal(() => decodeResponses('41 00 BE 3F')).message).toContain('PID 00');
  });

  it.each([
    ['', 'is empty'],
    ['41', 'without a PID'],
    ['43 03 01 33', 'says 3 trouble codes, the response carries 1'],
    ['7F 01', 'negative response'],
    ['49 02 01 41 42', 'VIN'],
  ])('bad_response for "%s"', (response, detail) => {
    const err = refusal(() => decodeResponses(response));
    expect(err.code).toBe('bad_response');
    expect(err.message).toContain(detail);
  });

  it('a response to a service the adapter does not read is unknown_service', () => {
    expect(refusal(() => decodeResponses('45 01 02')).code).toBe('unknown_service');
  });

  it('a message of nothing but unknown PIDs is unknown_pid, listing them', () => {
    const err = refusal(() => decodeResponses('41 5A 1C', '49 0A 01 41'));
    expect(err.code).toBe('unknown_pid');
    expect(err.message).toContain('01 5A, 09 0A');
  });

  it('a message of nothing but bitmaps and negative responses is no_readings', () => {
    expect(refusal(() => decodeResponses('41 00 BE 3F A8 13', '7F 01 12')).code).toBe('no_readings');
  });
});
