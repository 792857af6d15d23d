import { describe, expect, it } from 'vitest';
import { createRandom } from '../../../simulator/world/random';
import { decodeOrRefuse, refusal } from '../testing/decode-outcome';
import { flipBits, randomBytes } from '../testing/fuzz';
import { bytes, deviceVectors } from '../vectors/device-vectors';
import { createGt06Adapter, gt06Adapter } from './adapter';
import { gt06Frame } from './test-support';

const ctx = { vehicleId: 'van-1', deviceId: 'gt06-1', receivedAt: 1_750_000_000_000 };

/** Every protocol number the vectors use, and the rest of the byte range now and then. */
const protocols = [...new Set(deviceVectors('gt06').map((v) => bytes(v.hex)).map((b) => b[b[0] === 0x79 ? 4 : 3]!))];
const models = [undefined, 'LW4G-4B', 'SEEWORLD', 'R11', 'NT20', 'XT40', 'G18', 'QH302R', 'VL103'];

function expectDecodeErrorOrValid(payload: Uint8Array, model?: string): 'decoded' | 'rejected' {
  return decodeOrRefuse(model ? createGt06Adapter({ model }) : gt06Adapter, payload, ctx).ok ? 'decoded' : 'rejected';
}

describe('gt06 fuzz', () => {
  it('random bytes, with or without a GT06 header, never throw anything but DecodeError', () => {
    const rng = createRandom('gt06-fuzz-random');
    for (let i = 0; i < 5000; i++) {
      const payload = randomBytes(rng, rng.int(0, 80));
      if (payload.length >= 2 && rng.chance(0.5)) payload.set(rng.pick([[0x78, 0x78], [0x79, 0x79]]), 0);
      expectDecodeErrorOrValid(payload, rng.pick(models));
    }
  });

  it('well-framed random content for every protocol number never throws anything but DecodeError', () => {
    const rng = createRandom('gt06-fuzz-framed');
    const outcomes = { decoded: 0, rejected: 0 };
    for (let i = 0; i < 10000; i++) {
      const protocol = rng.chance(0.8) ? rng.pick(protocols) : rng.int(0, 255);
      const content = randomBytes(rng, rng.int(0, 120));
      const frame = gt06Frame(protocol, content, { extended: rng.chance(0.3), serial: rng.int(0, 0xffff) });
      outcomes[expectDecodeErrorOrValid(frame, rng.pick(models))] += 1;
    }
    // Random content passes the CRC, so a good share gets as far as the message decoders.
    expect(outcomes.decoded).toBeGreaterThan(500);
  });

  it('every vector cut short at every length, or with a flipped bit, is decoded or refused with a reason', () => {
    const rng = createRandom('gt06-fuzz-vectors');
    for (const v of deviceVectors('gt06')) {
      const payload = bytes(v.hex);
      for (let end = 0; end < payload.length; end++) expectDecodeErrorOrValid(payload.subarray(0, end));
      for (let i = 0; i < 20; i++) expectDecodeErrorOrValid(flipBits(rng, payload, 1), rng.pick(models));
    }
  });

  it('a truncated content inside a correct frame is refused as truncated, not misread', () => {
    // A GT06 position (0x12) needs 18 bytes of GPS before anything else.
    const gps = bytes('0b081d112e10cc027ac7eb0c46584900148f');
    expect(expectDecodeErrorOrValid(gt06Frame(0x12, gps))).toBe('decoded');
    expect(refusal(() => gt06Adapter.decode(gt06Frame(0x12, gps.subarray(0, 10)), ctx)).code).toBe('truncated');
  });
});
