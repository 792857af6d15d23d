import { describe, expect, it } from 'vitest';
import { createRandom, type Rng } from '../../../simulator/world/random';
import { decodeOrRefuse } from '../testing/decode-outcome';
import { flipBits, randomBytes } from '../testing/fuzz';
import { teltonikaDeviceCodecFor } from './device-codec';
import { CODEC_12, CODEC_13, CODEC_14, CODEC_16, CODEC_8, CODEC_8_EXTENDED, CODEC_GH3000 } from './frame';
import { createTeltonikaAdapter, teltonikaAdapter } from './teltonika-adapter';
import { bytes, ctx, tcpData, tcpFrameAround, teltonikaVectors } from './test-support';

const codecs = [CODEC_8, CODEC_8_EXTENDED, CODEC_16, CODEC_GH3000, CODEC_12, CODEC_13, CODEC_14];
const adapters = [teltonikaAdapter, createTeltonikaAdapter({ model: 'FMB640' }), createTeltonikaAdapter({ model: 'TAT100' }), createTeltonikaAdapter({ io16Group: true })];

function decodedOrRefused(rng: Rng, payload: Uint8Array): 'decoded' | 'rejected' {
  return decodeOrRefuse(rng.pick(adapters), payload, ctx).ok ? 'decoded' : 'rejected';
}

describe('teltonika fuzz', () => {
  it('random bytes, with or without a TCP preamble, never throw anything but DecodeError', () => {
    const rng = createRandom('teltonika-fuzz-random');
    for (let i = 0; i < 5000; i++) {
      const payload = randomBytes(rng, rng.int(0, 120));
      if (payload.length >= 4 && rng.chance(0.5)) payload.fill(0, 0, 4);
      decodedOrRefused(rng, payload);
    }
  });

  it('random content in a well-formed envelope (right length and CRC) for every codec never throws anything but DecodeError', () => {
    const rng = createRandom('teltonika-fuzz-framed');
    for (let i = 0; i < 5000; i++) {
      const count = rng.int(0, 3);
      const data = Uint8Array.from([rng.pick(codecs), count, ...randomBytes(rng, rng.int(0, 150)), count]);
      decodedOrRefused(rng, tcpFrameAround(data));
    }
  });

  it('simulated records with random bytes changed inside a re-made envelope reach the record parser and never crash it', () => {
    const rng = createRandom('teltonika-fuzz-records');
    const outcomes = { decoded: 0, rejected: 0 };
    for (let i = 0; i < 3000; i++) {
      const frame = teltonikaDeviceCodecFor(rng.pick([CODEC_8, CODEC_8_EXTENDED])).encode({
        v: 1,
        seq: i,
        ts: 1_750_000_000_000 + i * 1000,
        kind: 'telematics',
        position: { lat: rng.float(-80, 80), lon: rng.float(-179, 179), speedKph: rng.float(0, 120) },
        engine: { ignition: rng.chance(0.5), rpm: rng.float(0, 4000), odometerKm: rng.float(0, 1e6), batteryV: rng.float(0, 30) },
        cargoTempC: [rng.float(-30, 30)],
        dtcs: [{ system: 'obd2', code: 'P0300' }],
      });
      const data = tcpData(frame);
      for (let n = rng.int(1, 4); n > 0; n--) data[rng.int(1, data.length - 1)] = rng.int(0, 255);
      outcomes[decodedOrRefused(rng, tcpFrameAround(data))] += 1;
    }
    // Both paths run: some changes only alter values, most break the structure.
    expect(outcomes.decoded).toBeGreaterThan(100);
    expect(outcomes.rejected).toBeGreaterThan(100);
  });

  it('every vector cut short at every length, or with flipped bits, is decoded or refused with a reason', () => {
    const rng = createRandom('teltonika-fuzz-vectors');
    for (const v of teltonikaVectors()) {
      const payload = bytes(v.hex);
      for (let end = 0; end < payload.length; end++) decodedOrRefused(rng, payload.subarray(0, end));
      for (let i = 0; i < 20; i++) decodedOrRefused(rng, flipBits(rng, payload, rng.int(1, 3)));
    }
  });
});
