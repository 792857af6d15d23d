import { describe, expect, it } from 'vitest';
import { decodeTeltonikaFrame } from './decode-frame';
import { encodeAvlTcp, type EncodableAvlRecord } from './encode';
import { CODEC_8, CODEC_8_EXTENDED } from './frame';
import { signedOf } from './io-values';
import { bytes, teltonikaVectors } from './test-support';

const record = (over: Partial<EncodableAvlRecord> = {}): EncodableAvlRecord => ({
  timestampMs: 1_750_000_123_456,
  priority: 1,
  longitude: 7.4246158,
  latitude: 43.7384176,
  altitude: -12,
  angle: 271,
  satellites: 11,
  speed: 48,
  eventIoId: 253,
  io: [],
  ...over,
});

const encode8E = (records: EncodableAvlRecord[]) => encodeAvlTcp(CODEC_8_EXTENDED, records);

describe('encodeAvlTcp', () => {
  it('round-trips every field and IO width through the decoder', () => {
    const records = [
      record({
        io: [
          { id: 239, size: 1, value: 1 },
          { id: 253, size: 1, value: 2 },
          { id: 66, size: 2, value: 12_874 },
          { id: 18, size: 2, value: -222 },
          { id: 16, size: 4, value: 123_456_789 },
          { id: 72, size: 4, value: -118 },
          { id: 78, size: 8, value: 0x1122334455667788n },
          { id: 11, size: 8, value: 893_700_218 },
          { id: 256, size: 17, value: new TextEncoder().encode('WVWZZZ1JZXW000001') },
          { id: 10829, size: 0, value: new Uint8Array(0) },
        ],
      }),
      record({ timestampMs: 1_750_000_124_456, longitude: -70.7014338, latitude: -33.5269298, eventIoId: 0 }),
    ];
    const frame = decodeTeltonikaFrame(encode8E(records));
    expect(frame.transport).toBe('tcp');
    expect(frame.codec).toBe(CODEC_8_EXTENDED);
    if (frame.kind !== 'avl') throw new Error('not AVL');
    expect(frame.records).toHaveLength(2);
    const [first, second] = frame.records;
    const { io, ...fields } = first!;
    const { io: _written, ...wantFields } = records[0]!;
    expect(fields).toEqual(wantFields);
    // Decoded in group order (1, 2, 4, 8 bytes, NX); negative values come back unsigned.
    expect(io).toEqual([
      { id: 239, size: 1, value: 1 },
      { id: 253, size: 1, value: 2 },
      { id: 66, size: 2, value: 12_874 },
      { id: 18, size: 2, value: 65_314 },
      { id: 16, size: 4, value: 123_456_789 },
      { id: 72, size: 4, value: 4_294_967_178 },
      { id: 78, size: 8, value: 0x1122334455667788n },
      { id: 11, size: 8, value: 893_700_218 },
      { id: 256, size: 17, value: new TextEncoder().encode('WVWZZZ1JZXW000001') },
      { id: 10829, size: 0, value: new Uint8Array(0) },
    ]);
    expect(signedOf(io[3]!)).toBe(-222);
    expect(signedOf(io[5]!)).toBe(-118);
    expect(second!.longitude).toBe(-70.7014338);
    expect(second!.latitude).toBe(-33.5269298);
  });

  it.each([
    ['Codec 8', CODEC_8],
    ['Codec 8 Extended', CODEC_8_EXTENDED],
  ] as const)('re-encodes real %s TCP frames byte for byte', (_name, codec) => {
    const real = teltonikaVectors()
      .map((v) => bytes(v.hex))
      .filter((payload) => payload[8] === codec && payload.length > 12)
      .flatMap((payload) => {
        try {
          const frame = decodeTeltonikaFrame(payload, { io16Group: false });
          return frame.kind === 'avl' && frame.transport === 'tcp' ? [{ payload, frame }] : [];
        } catch {
          return [];
        }
      });
    expect(real.length).toBeGreaterThanOrEqual(4);
    for (const { payload, frame } of real) {
      if (frame.kind !== 'avl') continue;
      const again = encodeAvlTcp(codec, frame.records as EncodableAvlRecord[]);
      expect(Buffer.from(again).toString('hex')).toBe(Buffer.from(payload).toString('hex'));
    }
  });

  it('Codec 8 refuses what only Codec 8 Extended carries: IO ids over 255 and byte arrays', () => {
    expect(() => encodeAvlTcp(CODEC_8, [record({ io: [{ id: 256, size: 1, value: 1 }] })])).toThrow(/IO id: 256 is not an unsigned 1-byte integer/);
    expect(() => encodeAvlTcp(CODEC_8, [record({ io: [{ id: 200, size: 3, value: Uint8Array.from([1, 2, 3]) }] })])).toThrow(/IO 200: Codec 8 has no variable-length elements/);
    expect(() => encodeAvlTcp(CODEC_8, [record({ eventIoId: 385 })])).toThrow(/event IO id: 385/);
  });

  it('refuses values the format cannot carry with a RangeError naming the field', () => {
    expect(() => encode8E([])).toThrow(/1-255 records/);
    expect(() => encode8E([record({ satellites: 300 })])).toThrow(/record 0 satellites: 300/);
    expect(() => encode8E([record({ latitude: Number.NaN })])).toThrow(/latitude/);
    expect(() => encode8E([record({ io: [{ id: 66, size: 2, value: 70_000 }] })])).toThrow(/IO 66: 70000 does not fit 2 bytes/);
    expect(() => encode8E([record({ io: [{ id: 66, size: 3, value: 1 }] })])).toThrow(/1, 2, 4 or 8 bytes, not 3/);
    expect(() => encode8E([record({ io: [{ id: 66, size: 2, value: 1.5 }] })])).toThrow(/not an integer/);
    expect(() => encode8E([record({ timestampMs: -1 })])).toThrow(/timestamp/);
  });
});
