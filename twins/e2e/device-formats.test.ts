import { describe, expect, it } from 'vitest';
import { bytes, ctx as vectorContext, teltonikaVectors } from '../adapters/teltonika/test-support';
import { decodeTeltonikaFrame } from '../adapters/teltonika/decode-frame';
import { teltonikaAdapter } from '../adapters/teltonika/teltonika-adapter';
import { teltonikaDeviceCodec } from '../adapters/teltonika/device-codec';
import { type DeadLetterCase, expectDeadLettered, pipelineForFile } from './harness';

const { harness, run } = pipelineForFile('formats');

describe('vendor formats over MQTT reach the twin, on the real servers', () => {
  it('an OBD-II dongle’s raw ECU responses set engine values, odometer and stored codes; 43 00 clears them', async () => {
    const v = `F${run}OBD`;
    const topic = `fleet/${v}/${v}-obd/obd2`;
    const t0 = Date.now();
    await harness.send(topic, JSON.stringify({ v: 1, seq: 1, ts: t0, responses: ['41 0C 1A F8', '41 0D 32', '41 05 7B', '41 2F 80', '41 42 37 DC', '41 A6 00 01 E2 40', '43 02 01 33 03 00'] }));
    const twin = await harness.twinWhen(v, (t) => t.context.readings.inOrder === 1, 3000);
    expect(twin.context.engine).toMatchObject({ rpm: 1726, coolantC: 83, batteryV: 14.3 });
    expect(twin.context).toMatchObject({ speedKph: 50, fuelLevelPct: 50.2, odometerKm: 12345.6, odometerSource: 'obd' });
    expect(twin.context.dtcs[`${v}-obd`]).toEqual([
      { system: 'obd2', code: 'P0133' },
      { system: 'obd2', code: 'P0300' },
    ]);
    // P0300 (random misfire) is on the critical list.
    expect(twin.state).toMatchObject({ motion: 'driving', connectivity: 'online', health: 'critical' });

    await harness.send(topic, JSON.stringify({ v: 1, seq: 2, ts: t0 + 1000, responses: ['41 0C 0C 80', '41 0D 00', '43 00'] }));
    const cleared = await harness.twinWhen(v, (t) => t.context.readings.inOrder === 2, 3000);
    expect(cleared.context.dtcs[`${v}-obd`]).toEqual([]);
    expect(cleared.state).toMatchObject({ motion: 'idle', connectivity: 'online', health: 'ok' });
  });

  it('a J1939 logger’s frames, with a DM1 in a BAM transfer, set the twin’s engine and SPN/FMI codes', async () => {
    const v = `F${run}J19`;
    await harness.send(
      `fleet/${v}/${v}-fms/j1939`,
      JSON.stringify({
        v: 1,
        seq: 1,
        ts: Date.now(),
        frames: [
          '0CF00400#FFFFFF6813FFFFFF',
          '1CECFF00#200E0002FFCAFE00',
          '18FEF100#FF0032FFFFFFFFFF',
          '1CEBFF00#0110FF6E0000030C',
          '18FEE500#C0D40100FFFFFFFF',
          '1CEBFF00#02111201 01E0E57F',
          '18FEC100#40420F00FFFFFFFF',
          '18FEEF00#FFFFFF4BFFFFFFFF',
        ],
      }),
    );
    const twin = await harness.twinWhen(v, (t) => t.context.readings.inOrder === 1, 3000);
    expect(twin.context.engine).toMatchObject({ rpm: 621, engineHours: 6000, oilPressureKpa: 300 });
    expect(twin.context).toMatchObject({ speedKph: 50, odometerKm: 5000, odometerSource: 'obd' });
    expect(twin.context.dtcs[`${v}-fms`]).toEqual([
      { system: 'j1939', spn: 110, fmi: 0, occurrences: 3 },
      { system: 'j1939', spn: 4364, fmi: 18, occurrences: 1 },
      { system: 'j1939', spn: 516_097, fmi: 5 },
    ]);
    // FMI 0 (above the most severe level) is critical.
    expect(twin.state.health).toBe('critical');
    expect(twin.context.health.reasons).toContain('DTC SPN110-FMI0');
  });

  it('a Codec 8 Extended packet from a tracker sets position, engine values, cargo probes and codes', async () => {
    const v = `F${run}FMC`;
    const ts = Date.now();
    const packet = teltonikaDeviceCodec.encode({
      v: 1,
      seq: 1,
      ts,
      kind: 'telematics',
      position: { lat: 43.7384176, lon: 7.4246158, speedKph: 47, headingDeg: 181, satellites: 11 },
      engine: { ignition: true, rpm: 1830, coolantC: 88, fuelLevelPct: 71, odometerKm: 23_456.789, batteryV: 13.912 },
      cargoTempC: [3.4],
      dtcs: [{ system: 'obd2', code: 'P0171' }],
    });
    await harness.send(`fleet/${v}/${v}-fmc/teltonika`, packet);
    const twin = await harness.twinWhen(v, (t) => t.context.readings.inOrder === 1, 3000);
    expect(twin.context.position).toMatchObject({ lat: 43.7384176, lon: 7.4246158, speedKph: 47, headingDeg: 181, at: ts });
    expect(twin.context.engine).toMatchObject({ rpm: 1830, coolantC: 88, batteryV: 13.912 });
    expect(twin.context).toMatchObject({ fuelLevelPct: 71, odometerKm: 23_456.789, cargoTempC: [3.4] });
    expect(twin.context.dtcs[`${v}-fmc`]).toEqual([{ system: 'obd2', code: 'P0171' }]);
    expect(twin.state).toMatchObject({ motion: 'driving', connectivity: 'online', health: 'warn' });
    // The device twin's sequence number is the record time, the only order Teltonika gives.
    expect(twin.devices[0]).toMatchObject({ deviceId: `${v}-fmc`, lastSeq: ts });
  });

  it('a real frame listing its newest record first still applies every record once and leaves the twin at the newest', async () => {
    const v = `F${run}REAL`;
    const packet = teltonikaVectors()
      .map((vector) => bytes(vector.hex))
      .find((payload) => payload[8] === 0x8e && newestFirst(payload));
    if (!packet) throw new Error('no Codec 8 Extended vector lists its newest record first');
    const records = teltonikaAdapter.decode(packet, vectorContext);
    const newest = records.reduce((a, b) => (b.deviceTime > a.deviceTime ? b : a));
    // Sent twice: the resend is the same records, de-duplicated by their time.
    await harness.send(`fleet/${v}/${v}-fmb/teltonika`, packet);
    await harness.send(`fleet/${v}/${v}-fmb/teltonika`, packet);
    const twin = await harness.twinWhen(v, (t) => t.devices[0]?.lastSeq === newest.deviceTime, 3000);
    await new Promise((r) => setTimeout(r, 300));
    const settled = await harness.twin(v);
    expect(settled.context.readings).toEqual({ inOrder: records.length, late: 0 });
    expect(settled.devices[0].counts).toMatchObject({ inOrder: records.length, tooOld: 0 });
    expect(twin.context.position).toMatchObject({ lat: newest.position!.lat, lon: newest.position!.lon, at: newest.deviceTime });
  });

  it('broken vendor packets land in the dead-letter stream with the adapter’s reason and raw bytes', async () => {
    const v = `F${run}BAD`;
    const good = teltonikaDeviceCodec.encode({ v: 1, seq: 1, ts: Date.now(), kind: 'telematics', position: { lat: 43.7, lon: 7.4 } });
    const badCrc = Uint8Array.from(good);
    badCrc[badCrc.length - 1]! ^= 0xff;
    const bad: DeadLetterCase[] = [
      [`fleet/${v}/${v}-obd/obd2`, JSON.stringify({ v: 1, seq: 1, ts: 1, responses: ['41 0C 1A'] }), 'bad_response'],
      [`fleet/${v}/${v}-obd/obd2`, JSON.stringify({ v: 1, seq: 1, ts: 1, responses: ['41 5A 1C'] }), 'unknown_pid'],
      [`fleet/${v}/${v}-fms/j1939`, JSON.stringify({ v: 1, seq: 1, ts: 1, frames: ['1CECFF00#200E0002FFCAFE00', '1CEBFF00#0110FF6E0000030C'] }), 'incomplete_transfer'],
      [`fleet/${v}/${v}-fms/j1939`, JSON.stringify({ v: 1, seq: 1, ts: 1, frames: ['7DF#0201'] }), 'bad_frame'],
      [`fleet/${v}/${v}-fmc/teltonika`, badCrc, 'bad_crc'],
      [`fleet/${v}/${v}-fmc/teltonika`, good.subarray(0, 30), 'truncated'],
    ];
    await expectDeadLettered(harness, bad);
    expect(await harness.twin(v)).toBeUndefined();
  });
});

/** A frame whose records are not in time order on the wire (Traccar's test vector L15 is one). */
function newestFirst(payload: Uint8Array): boolean {
  try {
    const frame = decodeTeltonikaFrame(payload);
    return frame.kind === 'avl' && frame.records.length > 1 && frame.records.every((r) => r.latitude) && frame.records[0]!.timestampMs > frame.records[1]!.timestampMs;
  } catch {
    return false;
  }
}
