import { describe, expect, it } from 'vitest';
import type { Telemetry } from '../../telemetry/schema';
import { decodeTeltonikaFrame } from './decode-frame';
import type { AvlRecord, TeltonikaFrame } from './frame';
import { toHex } from '../binary/hex';
import { decodeOrRefuse } from '../testing/decode-outcome';
import { traccarLine } from '../vectors/device-vectors';
import { createTeltonikaAdapter, teltonikaAdapter } from './teltonika-adapter';
import { bytes, ctx, tcpFrameAround, teltonikaVectors, type DeviceVector } from './test-support';

/**
 * Traccar's unit test feeds these straight to its protocol decoder: its frame decoder (which
 * splits the TCP stream by the length field) is skipped and neither checks the CRC. Here the
 * whole frame is checked, so these are refused, with the reason, and the test shows that the
 * records inside decode once the envelope is rebuilt around them.
 */
const BROKEN_ENVELOPES: Record<string, { code: string; why: string; repairable?: false }> = {
  // Also its codec 13 size (16) counts only the command text, not the 4-byte timestamp as the
  // other codec 13 samples do; Traccar reads 12 bytes of text and ignores the rest.
  L60: { code: 'bad_crc', why: 'CRC field does not match the data', repairable: false },
  L78: { code: 'bad_crc', why: 'CRC field does not match the data' },
  L84: { code: 'bad_crc', why: 'CRC field does not match the data' },
  L102: { code: 'bad_length', why: 'data length field is 0' },
  L117: { code: 'truncated', why: 'the CRC field is 2 bytes short' },
  L126: { code: 'truncated', why: 'the CRC field is 1 byte short' },
  L138: { code: 'truncated', why: 'the data length field says 166 bytes, the frame has 33' },
};

/** Where a filipkroca "Human" value lands in canonical telemetry. */
const HUMAN_FMBXY: Record<string, (t: Telemetry) => unknown> = {
  'External Voltage': (t) => Math.round((t.engine?.batteryV ?? NaN) * 1000),
  'Axis X': (t) => t.attributes?.axisX,
  'Axis Y': (t) => t.attributes?.axisY,
  'Axis Z': (t) => t.attributes?.axisZ,
  'GSM Signal': (t) => t.attributes?.rssi,
  'GNSS Status': (t) => t.attributes?.io69,
  'Active GSM Operator': (t) => t.attributes?.operator,
};

const vectors = teltonikaVectors();
const counts = { decoded: 0, rejected: 0 };

function nameOf(v: DeviceVector, index: number): string {
  const line = traccarLine(v);
  if (line) return `Traccar test ${line}`;
  const [repo] = v.source.split('@');
  const note = /\(([^)]*)\)$/.exec(v.source)?.[1];
  return `${repo} #${index}${note ? ` (${note})` : ''}`;
}

function adapterFor(v: DeviceVector) {
  const model = /setModelOverride\("([^"]+)"\)/.exec(v.traccar_assertion ?? '')?.[1];
  return model ? createTeltonikaAdapter({ model }) : teltonikaAdapter;
}

/** The shape the vector file's `expected.records` uses. */
function asExpected(r: AvlRecord): Record<string, unknown> {
  return {
    timestamp_ms: r.timestampMs,
    priority: r.priority,
    latitude: r.latitude,
    longitude: r.longitude,
    altitude: r.altitude,
    angle: r.angle,
    satellites: r.satellites,
    speed: r.speed,
    event_io_id: r.eventIoId,
    ...(r.generationType === undefined ? {} : { generation_type: r.generationType }),
    io: Object.fromEntries(
      r.io.map((e) => [String(e.id), e.value instanceof Uint8Array ? toHex(e.value) : typeof e.value === 'bigint' ? e.value.toString() : e.value]),
    ),
  };
}

/** Rebuilds a TCP envelope around the data of a frame whose length or CRC field is wrong. */
function reframed(payload: Uint8Array): Uint8Array | undefined {
  for (let crcBytes = 4; crcBytes >= 0; crcBytes--) {
    const candidate = tcpFrameAround(payload.subarray(8, payload.length - crcBytes));
    try {
      decodeTeltonikaFrame(candidate);
      return candidate;
    } catch {
      // another split of data and CRC
    }
  }
  return undefined;
}

function expectUsable(frame: TeltonikaFrame, records: Telemetry[]): void {
  expect(records.length).toBeGreaterThanOrEqual(1);
  // AVL records carry coordinates; GPRS messages (codec 12/13) have none, Traccar attaches the
  // device's last known position, which a stateless adapter does not have.
  if (frame.kind === 'avl') expect(records.some((t) => t.position !== undefined)).toBe(true);
}

describe('Teltonika device vectors', () => {
  vectors.forEach((v, index) => {
    const name = nameOf(v, index);
    const line = traccarLine(v) ?? '';
    it(`${name}: ${v.traccar_assertion ?? 'expected frame'}`, () => {
      const payload = bytes(v.hex);
      const adapter = adapterFor(v);
      const outcome = decodeOrRefuse(adapter, payload, ctx);
      counts[outcome.ok ? 'decoded' : 'rejected'] += 1;
      const expected = v.expected ?? {};

      if ('records' in expected || 'codec' in expected || 'udp' in expected || 'imei' in expected) {
        const frame = decodeTeltonikaFrame(payload);
        if ('codec' in expected) expect(frame.codec).toBe(expected.codec);
        if ('transport' in expected) expect(frame.transport).toBe(expected.transport);
        if ('udp' in expected) {
          const udp = expected.udp as Record<string, unknown>;
          expect(frame.udp).toEqual({ packetLength: udp.packet_length, packetId: udp.packet_id, avlPacketId: udp.avl_packet_id, imei: udp.imei });
        }
        if ('imei' in expected) expect(frame.udp?.imei).toBe(expected.imei);
        if ('records' in expected) {
          expect(frame.kind).toBe('avl');
          const records = frame.kind === 'avl' ? frame.records : [];
          const want = expected.records as Array<Record<string, unknown>>;
          expect(records.map(asExpected)).toEqual(
            want.map(({ raw_first_coord_int: _first, raw_second_coord_int: _second, ...rest }) => rest),
          );
          want.forEach((w, i) => {
            // The first coordinate on the wire is the longitude.
            if ('raw_first_coord_int' in w) expect(Math.round(records[i]!.longitude! * 1e7)).toBe(w.raw_first_coord_int);
            if ('raw_second_coord_int' in w) expect(Math.round(records[i]!.latitude! * 1e7)).toBe(w.raw_second_coord_int);
          });
        }
      }
      if ('human_fmbxy' in expected) {
        expect(outcome.ok).toBe(true);
        const first = outcome.ok ? outcome.records[0]! : undefined;
        for (const [label, value] of Object.entries(expected.human_fmbxy as Record<string, number>)) {
          expect(HUMAN_FMBXY[label]!(first!), label).toBe(value);
        }
      }
      if ('attribute' in expected) {
        expect(outcome.ok).toBe(true);
        const values = outcome.ok ? outcome.records.map((t) => t.attributes?.[expected.attribute as string]) : [];
        const found = values.find((value) => value !== undefined);
        if (typeof expected.value === 'number') expect(found as number).toBeCloseTo(expected.value, 6);
        else expect(found).toBe(expected.value);
      }

      const assertion = v.traccar_assertion ?? '';
      if (assertion === 'verifyNull') {
        // Each is a non-telemetry message: IMEI login, keep-alive, camera transfer chunks.
        expect(outcome.ok).toBe(false);
      } else if (/verifyPositions?|verifyAttribute/.test(assertion)) {
        const broken = BROKEN_ENVELOPES[line];
        if (broken) {
          expect(outcome.ok ? 'decoded' : outcome.error.code, broken.why).toBe(broken.code);
          const repaired = reframed(payload);
          if (broken.repairable === false) {
            expect(repaired).toBeUndefined();
          } else {
            expect(repaired, 'records decode inside a rebuilt envelope').toBeDefined();
            expectUsable(decodeTeltonikaFrame(repaired!), adapter.decode(repaired!, ctx));
          }
        } else {
          expect(outcome.ok ? 'decoded' : `${outcome.error.code}: ${outcome.error.message}`).toBe('decoded');
          expectUsable(decodeTeltonikaFrame(payload), outcome.ok ? outcome.records : []);
        }
      }
    });
  });

  it('every Teltonika vector was either decoded or rejected with a reason', () => {
    expect(counts.decoded + counts.rejected).toBe(vectors.length);
    expect(vectors.length).toBe(62);
  });
});
