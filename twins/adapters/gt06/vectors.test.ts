import { describe, expect, it } from 'vitest';
import type { Telemetry } from '../../telemetry/schema';
import { decodeOrRefuse } from '../testing/decode-outcome';
import { bytes, deviceVectors, traccarLine, type DeviceVector } from '../vectors/device-vectors';
import { createGt06Adapter } from './adapter';
import { decodeGt06, type Gt06Options } from './decode';

/**
 * The 168 GT06 packets of the shared vector file, from Traccar's Gt06ProtocolDecoderTest. Traccar
 * never checks the CRC; this adapter does, so packets whose CRC was edited by hand in that test
 * are refused by default, and their published values are checked with CRC checking off (the
 * option for devices known to send bad checksums).
 */
const BAD_CRC: Record<string, string> = {
  L146: 'multi-fence alarm', L150: 'multi-fence alarm', L203: 'multi-cell report', L405: 'text information',
  L496: 'position', L526: 'login of a made-up IMEI', L557: 'dashcam alarm', L561: 'dashcam alarm',
  L569: 'dashcam alarm', L603: 'XT40 position',
};
/** Packets whose last byte (the 0x0A of the stop bits) is missing. */
const CUT_SHORT = new Set(['L266']);

const ctx = { vehicleId: 'van-7', deviceId: 'gt06-1', receivedAt: 1_750_000_000_000 };

const decode = (payload: Uint8Array, options: Gt06Options) => decodeOrRefuse(createGt06Adapter(options), payload, ctx);

/** The device model Traccar's test had set when it decoded the packet (the last override). */
const modelOf = (v: DeviceVector) => [...(v.traccar_assertion ?? '').matchAll(/setModelOverride\("([^"]+)"\)/g)].at(-1)?.[1];

const HARSH_ALARM = { braking: 'hardBraking', acceleration: 'hardAcceleration', cornering: 'hardCornering', impact: 'accident' } as const;

/** Where a Traccar attribute lands in canonical telemetry. */
function valueOf(t: Telemetry, attribute: string): unknown {
  switch (attribute) {
    case 'power': return t.engine?.batteryV ?? t.attributes?.power;
    case 'ignition': return t.engine?.ignition;
    case 'door': return t.doorOpen;
    case 'altitude': return t.position?.altM;
    case 'temp1': return t.cargoTempC?.[0] ?? t.attributes?.temp1;
    case 'alarm': return [
      ...String(t.attributes?.alarm ?? '').split(',').filter(Boolean),
      ...(t.harsh ?? []).map((h) => HARSH_ALARM[h.kind]),
    ];
    default: return t.attributes?.[attribute];
  }
}

const vectors = deviceVectors('gt06');
const summary = { decoded: 0, rejected: new Map<string, number>() };

describe('GT06 device vectors', () => {
  vectors.forEach((v) => {
    const line = traccarLine(v) ?? '?';
    const assertion = (v.traccar_assertion ?? '').replace(/setModelOverride\("[^"]+"\),?/g, '').trim();
    const model = modelOf(v);
    it(`Traccar test ${line}: ${assertion}${model ? ` (model ${model})` : ''}${v.expected ? ` ${String(v.expected.attribute)}` : ''}`, () => {
      const options: Gt06Options = model ? { model } : {};
      let payload = bytes(v.hex);
      const outcome = decode(payload, options);
      if (outcome.ok) summary.decoded += 1;
      else summary.rejected.set(outcome.error.code, (summary.rejected.get(outcome.error.code) ?? 0) + 1);

      // Broken envelopes are refused with the reason; what they carry is then read anyway.
      let usable = outcome;
      if (line in BAD_CRC) {
        expect(outcome.ok ? 'decoded' : outcome.error.code, `${BAD_CRC[line]} with a wrong CRC`).toBe('bad_crc');
        options.verifyCrc = false;
        usable = decode(payload, options);
      } else if (CUT_SHORT.has(line)) {
        expect(outcome.ok ? 'decoded' : outcome.error.code).toBe('truncated');
        payload = Uint8Array.from([...payload, 0x0a]);
        usable = decode(payload, options);
      }
      const records = usable.ok ? usable.records : [];
      const why = usable.ok ? 'decoded' : `${usable.error.code}: ${usable.error.message}`;

      if (assertion === 'verifyNull') {
        // Traccar answers these itself and makes no position: logins (their IMEI checked against
        // the topic), address and time requests, photo chunks, unknown types, broken frames.
        expect(usable.ok, 'refused with a reason').toBe(false);
        return;
      }
      expect(why).toBe('decoded');
      expect(records).toHaveLength(1);
      const record = records[0]!;

      if (assertion === 'verifyPosition') {
        // The device's own fix is in the packet; canonical telemetry takes it only when the
        // device marks it as positioned (an unpositioned fix is a stale one).
        const fix = decodeGt06(payload, options).fix;
        expect(fix, 'packet carries a GPS fix').toBeDefined();
        expect(Math.abs(fix!.latitude)).toBeLessThanOrEqual(90);
        expect(Math.abs(fix!.longitude)).toBeLessThanOrEqual(180);
        if (fix!.valid) expect(record.position).toMatchObject({ lat: fix!.latitude, lon: fix!.longitude });
        else expect(record.position).toBeUndefined();
      }
      if (assertion === 'verifyAttributes') {
        const { v: _v, vehicleId: _ve, deviceId: _d, deviceKind: _k, seq: _s, deviceTime: _t, receivedAt: _r, format: _f, ...reading } = record;
        expect(Object.keys(reading).length).toBeGreaterThan(0);
      }
      if (v.expected) {
        const attribute = String(v.expected.attribute);
        const found = valueOf(record, attribute);
        const want = v.expected.value;
        if (attribute === 'alarm') expect(found).toContain(want);
        else if (typeof want === 'number') expect(found as number, attribute).toBeCloseTo(want, 6);
        else expect(found, attribute).toBe(want);
      }
    });
  });

  it('decodes or rejects with a reason every one of the 168 GT06 vectors', () => {
    const rejected = [...summary.rejected.values()].reduce((a, b) => a + b, 0);
    const reasons = [...summary.rejected].map(([code, n]) => `${code} ${n}`).join(', ');
    console.log(`GT06 vectors: ${vectors.length}; decoded ${summary.decoded}, rejected ${rejected} (${reasons})`);
    expect(vectors).toHaveLength(168);
    expect(summary.decoded + rejected).toBe(vectors.length);
  });
});
