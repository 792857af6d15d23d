import { describe, expect, it } from 'vitest';
import { telemetrySchema } from '../../telemetry/schema';
import { jsonPayload, refusal } from '../testing/decode-outcome';
import { j1939Adapter } from './adapter';
import { canIdOf, parseCanId } from './can-frame';

const ctx = { vehicleId: 'truck-1', deviceId: 'fms-1', receivedAt: 1_795_427_260_000 };

function decode(message: unknown) {
  return j1939Adapter.decode(jsonPayload(message), ctx);
}
function decodeFrames(...frames: string[]) {
  const [record] = decode({ v: 1, seq: 3, ts: 1_795_427_259_500, frames });
  return record!;
}
const valueAt = (record: object, path: string) => path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], record);

describe('j1939 identifiers (J1939-21)', () => {
  it.each([
    [0x0cf00400, { priority: 3, pgn: 61444, source: 0x00, destination: 0xff }],
    [0x18fef117, { priority: 6, pgn: 65265, source: 0x17, destination: 0xff }],
    // PDU1: the PDU-specific byte is the destination, not part of the PGN.
    [0x18ea0017, { priority: 6, pgn: 59904, source: 0x17, destination: 0x00 }],
    [0x1cecff00, { priority: 7, pgn: 60416, source: 0x00, destination: 0xff }],
    // Data page 1.
    [0x19fef100, { priority: 6, pgn: 130801, source: 0x00, destination: 0xff }],
  ])('%s splits into priority, PGN, source and destination', (id, parts) => {
    expect(parseCanId(id)).toEqual(parts);
    expect(canIdOf(parts)).toBe(id);
  });
});

describe('j1939 parameters (SAE J1939-71 layouts)', () => {
  it.each([
    ['EEC1 engine speed 0x1368 × 0.125', '0CF00400#FFFFFF6813FFFFFF', 'engine.rpm', 621],
    ['EEC1 actual torque 0x8C − 125', '0CF00400#F07D8C681300F07D', 'attributes.engineTorquePct', 15],
    ['EEC2 accelerator pedal 0x7D × 0.4', '0CF00300#FF7D3CFFFFFFFFFF', 'engine.throttlePct', 50],
    ['EEC2 engine load 0x3C', '0CF00300#FF7D3CFFFFFFFFFF', 'engine.loadPct', 60],
    ['CCVS1 wheel-based speed 0x3200 / 256', '18FEF100#FF0032FFFFFFFFFF', 'attributes.obdSpeedKph', 50],
    ['ET1 coolant 0x7B − 40', '18FEEE00#7BFF602DFFFFFFFF', 'engine.coolantC', 83],
    ['ET1 oil temperature 0x2D60 × 0.03125 − 273', '18FEEE00#7BFF602DFFFFFFFF', 'attributes.oilTempC', 90],
    ['EFL/P1 oil pressure 0x4B × 4 kPa', '18FEEF00#FFFFFF4BFFFFFFFF', 'engine.oilPressureKpa', 300],
    ['DD fuel level 0x9F × 0.4', '18FEFC17#FF9FFFFFFFFFFFFF', 'engine.fuelLevelPct', 63.6],
    ['VD trip distance 10000 × 0.125 km', '18FEE000#10270000A0860100', 'attributes.tripDistanceKm', 1250],
    ['VD total distance 100000 × 0.125 km', '18FEE000#10270000A0860100', 'engine.odometerKm', 12500],
    ['VDHR total distance 1000000 × 5 m', '18FEC100#40420F00FFFFFFFF', 'engine.odometerKm', 5000],
    ['HOURS engine hours 120000 × 0.05 h', '18FEE500#C0D40100FFFFFFFF', 'engine.engineHours', 6000],
    ['VEP1 battery potential 0x218 × 0.05 V', '18FEF700#FFFFFFFF1802FFFF', 'engine.batteryV', 26.8],
    ['IC1 intake manifold temperature 0x46 − 40', '18FEF600#FFFF46FFFFFFFFFF', 'engine.intakeAirC', 30],
    ['LFE fuel rate 0x1F4 × 0.05 L/h', '18FEF200#F401FFFFFFFFFFFF', 'attributes.fuelRateLph', 25],
    ['AMB ambient air 0x2440 × 0.03125 − 273', '18FEF500#FFFFFF4024FFFFFF', 'attributes.ambientAirC', 17],
  ])('%s', (_name, frame, path, value) => {
    expect(valueAt(decodeFrames(frame), path)).toBe(value);
  });

  it('a parameter that is "not available" (FF…) or an error (FE…) is left out, never read as a value', () => {
    const record = decodeFrames('0CF00400#FFFFFFFFFFFFFFFF', '18FEEE00#FEFFFFFFFFFFFFFF', '18FEF100#FF0032FFFFFFFFFF');
    expect(record.engine).toBeUndefined();
    expect(record.attributes).toEqual({ obdSpeedKph: 50 });
  });

  it('the last of several frames of a group wins, also when it says "not available"', () => {
    expect(decodeFrames('0CF00400#FFFFFF6813FFFFFF', '0CF00400#FFFFFF0010FFFFFF').engine).toEqual({ rpm: 512 });
    expect(decodeFrames('0CF00400#FFFFFF6813FFFFFF', '0CF00400#FFFFFFFFFFFFFFFF', '18FEF100#FF0032FFFFFFFFFF').engine).toBeUndefined();
  });

  it('the high-resolution distance (VDHR) wins over VD whatever their order', () => {
    expect(decodeFrames('18FEC100#40420F00FFFFFFFF', '18FEE000#10270000A0860100').engine?.odometerKm).toBe(5000);
    expect(decodeFrames('18FEE000#10270000A0860100', '18FEC100#40420F00FFFFFFFF').engine?.odometerKm).toBe(5000);
  });

  it('a value outside the canonical range is kept under its SPN instead of failing validation', () => {
    // 0xFA000000 × 0.125 km is 524 million km, over the canonical 10 million.
    const record = decodeFrames('18FEE000#FFFFFFFF000000FA');
    expect(record.engine).toBeUndefined();
    expect(record.attributes).toEqual({ spn245: 524_288_000 });
    expect(telemetrySchema.safeParse(record).success).toBe(true);
  });

  it('a decoded message is canonical telemetry with the identity from the topic', () => {
    const record = decodeFrames('0CF00400#FFFFFF6813FFFFFF', '18FEEE00#7BFFFFFFFFFFFFFF', '18FEFC17#FF9FFFFFFFFFFFFF', '18FECA00#00FF00000000FFFF');
    expect(telemetrySchema.parse(record)).toEqual({
      v: 1,
      vehicleId: 'truck-1',
      deviceId: 'fms-1',
      deviceKind: 'obd',
      seq: 3,
      deviceTime: 1_795_427_259_500,
      receivedAt: ctx.receivedAt,
      format: 'j1939',
      engine: { rpm: 621, coolantC: 83, fuelLevelPct: 63.6 },
      attributes: { protectLamp: false, amberWarningLamp: false, redStopLamp: false, milOn: false },
      dtcs: [],
    });
  });
});

describe('j1939 DM1 active trouble codes (SAE J1939-73)', () => {
  it('one code in a single frame: SPN 110 FMI 0 seen 3 times, amber lamp on', () => {
    const record = decodeFrames('18FECA00#04FF6E000003FFFF');
    expect(record.dtcs).toEqual([{ system: 'j1939', spn: 110, fmi: 0, occurrences: 3 }]);
    expect(record.attributes).toEqual({ protectLamp: false, amberWarningLamp: true, redStopLamp: false, milOn: false });
  });

  it('the 3 high SPN bits sit in the top of the FMI byte: 01 E0 E5 is SPN 516097 FMI 5', () => {
    expect(decodeFrames('18FECA00#FFFF01E0E501FFFF').dtcs).toEqual([{ system: 'j1939', spn: 516_097, fmi: 5, occurrences: 1 }]);
  });

  it('an occurrence count of 127 means "not available" and is left out', () => {
    expect(decodeFrames('18FECA00#FFFF0C11127FFFFF').dtcs).toEqual([{ system: 'j1939', spn: 4364, fmi: 18 }]);
  });

  it('SPN 0 FMI 0 means no active code: an empty list, which clears the twin', () => {
    const record = decodeFrames('18FECA00#00FF00000000FFFF');
    expect(record.dtcs).toEqual([]);
  });

  it('three codes in a BAM transfer (TP.CM + 2 TP.DT) are reassembled', () => {
    const record = decodeFrames('1CECFF00#200E0002FFCAFE00', '1CEBFF00#0110FF6E0000030C', '1CEBFF00#02111201 01E0E57F');
    expect(record.dtcs).toEqual([
      { system: 'j1939', spn: 110, fmi: 0, occurrences: 3 },
      { system: 'j1939', spn: 4364, fmi: 18, occurrences: 1 },
      { system: 'j1939', spn: 516_097, fmi: 5 },
    ]);
    expect(record.attributes?.redStopLamp).toBe(true);
  });

  it('a transfer interleaved with other traffic, and one from another ECU at the same time, both reassemble', () => {
    const record = decodeFrames(
      '1CECFF00#200E0002FFCAFE00',
      '1CECFF03#200A0002FFCAFE00',
      '0CF00400#FFFFFF6813FFFFFF',
      '1CEBFF03#0100FFA2020001A0',
      '1CEBFF00#0110FF6E0000030C',
      '1CEBFF03#02110402FFFFFFFF',
      '1CEBFF00#02111201 01E0E57F',
    );
    expect(record.engine).toEqual({ rpm: 621 });
    expect(record.dtcs?.map((d) => (d.system === 'j1939' ? `${d.spn}/${d.fmi}` : d.code))).toEqual(['674/0', '4512/4', '110/0', '4364/18', '516097/5']);
  });

  it('codes from several ECUs are merged without repeats and their lamps or-ed', () => {
    const record = decodeFrames('18FECA00#04FF6E000003FFFF', '18FECA03#40FF6E000004FFFF', '18FECA03#40FFA2020001FFFF');
    expect(record.dtcs).toEqual([
      { system: 'j1939', spn: 110, fmi: 0, occurrences: 4 },
      { system: 'j1939', spn: 674, fmi: 0, occurrences: 1 },
    ]);
    expect(record.attributes).toMatchObject({ amberWarningLamp: true, milOn: true });
  });

  it('a code written by an old conversion method (CM = 1) is kept as hex, not given a wrong SPN', () => {
    const record = decodeFrames('18FECA00#00FF6E000083FFFF');
    expect(record.dtcs).toEqual([]);
    expect(record.attributes?.legacyDtcs).toBe('6E000083');
  });

  it('an aborted transfer is no message', () => {
    const record = decodeFrames('1CECFF00#200E0002FFCAFE00', '1CEBFF00#0110FF6E0000030C', '1CECFF00#FF01FFFFFFCAFE00', '0CF00400#FFFFFF6813FFFFFF');
    expect(record.dtcs).toBeUndefined();
    expect(record.engine).toEqual({ rpm: 621 });
  });
});

describe('j1939 refusals are DecodeErrors with a clear code', () => {
  it.each([
    ['bad_json', '{"v":1,'],
    ['bad_fields', JSON.stringify({ v: 1, seq: 1, ts: 1 })],
    ['bad_fields', JSON.stringify({ v: 1, seq: 1, ts: 1, frames: [] })],
    ['bad_fields', JSON.stringify({ v: 1, seq: 1, ts: 1, frames: ['0CF00400#FFFFFF6813FFFFFF'], can: 1 })],
  ])('%s for %s', (code, text) => {
    expect(refusal(() => j1939Adapter.decode(jsonPayload(text), ctx)).code).toBe(code);
  });

  it.each([
    ['7DF#0201', 'extended CAN frame'],
    ['0CF00400 FFFFFF6813FFFFFF', 'extended CAN frame'],
    ['2CF00400#FF', '29-bit'],
    ['0CF00400#FFF', 'whole hex bytes'],
    ['0CF00400#FFFFFF68', 'PGN 61444 from source 00 has 4 bytes, SPN 190 (engine speed) needs byte 5'],
    ['18FECA00#00FF6E00', 'PGN 65226 from source 00: DM1 is 2 lamp bytes'],
  ])('bad_frame for "%s"', (frame, detail) => {
    const err = refusal(() => decodeFrames(frame));
    expect(err.code).toBe('bad_frame');
    expect(err.message).toContain(detail);
  });

  it('a transfer missing a packet is incomplete_transfer, naming the PGN and the sender', () => {
    const err = refusal(() => decodeFrames('1CECFF00#200E0002FFCAFE00', '1CEBFF00#0110FF6E0000030C', '0CF00400#FFFFFF6813FFFFFF'));
    expect(err.code).toBe('incomplete_transfer');
    expect(err.message).toBe('the transfer of PGN 65226 from source 00: 1 of 2 packets are missing');
  });

  it('a data packet without its announcement is incomplete_transfer', () => {
    expect(refusal(() => decodeFrames('1CEBFF00#02111201 01E0E57F')).code).toBe('incomplete_transfer');
  });

  it('a message of nothing but parameter groups the adapter does not read is unknown_pgn, listing them', () => {
    const err = refusal(() => decodeFrames('18FF0800#0102030405060708', '18FEDF00#7DC02B7DFBFFFFFC'));
    expect(err.code).toBe('unknown_pgn');
    expect(err.message).toContain('PGN 65288, 65247');
  });
});
