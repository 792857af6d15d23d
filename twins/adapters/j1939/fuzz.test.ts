import { describe, expect, it } from 'vitest';
import { createRandom, type Rng } from '../../../simulator/world/random';
import { decodeOrRefuse } from '../testing/decode-outcome';
import { mangleJsonMessage, type JsonDamage } from '../testing/fuzz';
import { j1939Adapter } from './adapter';
import { encodeJ1939Message } from './encode';

const ctx = { vehicleId: 'truck-1', deviceId: 'fms-1', receivedAt: 1 };

function validMessage(rng: Rng): string {
  const dtcs = Array.from({ length: rng.int(0, 5) }, () => ({ system: 'j1939' as const, spn: rng.int(1, 524_287), fmi: rng.int(0, 31), occurrences: rng.int(0, 126) }));
  return JSON.stringify(
    encodeJ1939Message(rng.int(0, 1e9), rng.int(0, 2e12), {
      engine: { rpm: rng.float(0, 3000), coolantC: rng.float(-40, 200), odometerKm: rng.float(0, 2e6), batteryV: rng.float(0, 32) },
      attributes: { obdSpeedKph: rng.float(0, 120) },
      dtcs,
    }),
  );
}

const damage: JsonDamage<{ frames: string[] }> = [
  // Frames dropped, repeated or reordered (a lossy logger).
  (message, rng) => {
    message.frames = Array.from({ length: rng.int(1, message.frames.length + 2) }, () => rng.pick(message.frames));
  },
  // Random ids and data: transport frames, DM1s and unknown groups with any bytes.
  (message, rng) => {
    message.frames = Array.from({ length: rng.int(1, 8) }, () => {
      const id = rng.pick(['1CECFF00', '1CEBFF00', '18FECA00', '0CF00400', '18FEE000', rng.int(0, 0x1fffffff).toString(16).padStart(8, '0')]);
      return `${id}#${Array.from({ length: rng.int(0, 12) }, () => rng.int(0, 255).toString(16).padStart(2, '0')).join('')}`;
    });
  },
];
const junk = [null, 1, 'x', [], {}, { v: 1, seq: -1 }, { v: 1, seq: 1, ts: 1, frames: [null] }];

describe('j1939 fuzz', () => {
  it('random, truncated, reordered and bit-flipped payloads never throw anything but DecodeError', () => {
    const rng = createRandom('j1939-fuzz');
    let refused = 0;
    for (let n = 0; n < 5_000; n++) {
      const outcome = decodeOrRefuse(j1939Adapter, mangleJsonMessage(rng, validMessage(rng), damage, junk), ctx);
      if (outcome.ok) expect(outcome.records).toHaveLength(1);
      else refused++;
    }
    expect(refused).toBeGreaterThan(1_000);
    expect(refused).toBeLessThan(5_000);
  });
});
