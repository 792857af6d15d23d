import { describe, expect, it } from 'vitest';
import { createRandom, type Rng } from '../../../simulator/world/random';
import { decodeOrRefuse } from '../testing/decode-outcome';
import { mangleJsonMessage, type JsonDamage } from '../testing/fuzz';
import { obd2Adapter } from './adapter';
import { encodeObd2Message } from './encode';
import { linearPids } from './pids';

const ctx = { vehicleId: 'van-1', deviceId: 'obd-1', receivedAt: 1 };

function validMessage(rng: Rng): string {
  const engine: Record<string, number> = {};
  const attributes: Record<string, number> = {};
  for (const pid of linearPids) {
    if (!rng.chance(0.5)) continue;
    if ('engine' in pid.target) engine[pid.target.engine] = rng.float(0, 200);
    else attributes[pid.target.attribute] = rng.float(0, 200);
  }
  const dtcs = Array.from({ length: rng.int(0, 4) }, () => ({ system: 'obd2' as const, code: `${rng.pick(['P', 'C', 'B', 'U'])}${rng.int(0, 3)}${rng.int(0, 0xfff).toString(16).toUpperCase().padStart(3, '0')}` }));
  return JSON.stringify(encodeObd2Message(rng.int(0, 1e9), rng.int(0, 2e12), { engine: { ...engine, rpm: rng.float(0, 8000) }, attributes, dtcs }));
}

const damage: JsonDamage<{ responses: string[] }> = [
  // Hex digits inside the responses changed, dropped or doubled (a flaky dongle).
  (message, rng) => {
    message.responses = message.responses.map((r) => {
      const i = rng.int(0, r.length);
      return rng.chance(0.5) ? r.slice(0, i) + r.slice(i + 1) : r.slice(0, i) + rng.pick([...'0123456789ABCDEF ']) + r.slice(i);
    });
  },
  // Random data under a positive response byte of each service the adapter reads.
  (message, rng) => {
    message.responses = Array.from({ length: rng.int(1, 6) }, () =>
      Array.from({ length: rng.int(0, 12) }, () => rng.int(0, 255).toString(16).padStart(2, '0')).join(''),
    );
    message.responses[0] = `4${rng.pick(['1', '3', '7', '9', 'A'])}${message.responses[0]}`;
  },
];
const junk = [null, 1, 'x', [], {}, { v: 1, seq: -1 }, { v: 1, seq: 1, ts: 1, responses: [null] }];

describe('obd2 fuzz', () => {
  it('random, truncated and bit-flipped payloads never throw anything but DecodeError', () => {
    const rng = createRandom('obd2-fuzz');
    let refused = 0;
    for (let n = 0; n < 5_000; n++) {
      // Not held to the canonical schema: a 4-byte odometer (PID A6) can exceed its range, which the
      // ingress refuses as invalid_telemetry.
      const outcome = decodeOrRefuse(obd2Adapter, mangleJsonMessage(rng, validMessage(rng), damage, junk), ctx, { canonical: false });
      if (outcome.ok) expect(outcome.records).toHaveLength(1);
      else refused++;
    }
    // Both paths are exercised: some mangled messages still decode, most do not.
    expect(refused).toBeGreaterThan(1_000);
    expect(refused).toBeLessThan(5_000);
  });
});
