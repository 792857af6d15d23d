import { generate } from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import { createRandom } from '../world/random';
import { qos1Publish } from './publish-packet';

describe('QoS 1 PUBLISH', () => {
  it('is byte for byte what mqtt-packet generates, across every length of the remaining-length field, resends (DUP) included', () => {
    const rng = createRandom('publish-packet');
    // Payload sizes around each boundary of the variable-length integer (1, 2 and 3 bytes).
    for (const size of [0, 1, 100, 120, 121, 122, 127, 128, 16_000, 16_380, 16_381, 16_382, 20_000]) {
      const topic = `fleet/VAN-${size}/VAN-${size}-gps/json`;
      const payload = Buffer.from(Array.from({ length: size }, () => Math.floor(rng.next() * 256)));
      for (const [messageId, dup] of [[1, false], [65_535, true], [256, false]] as const) {
        const expected = generate({ cmd: 'publish', topic, payload, qos: 1, messageId, dup, retain: false }, { protocolVersion: 4 });
        expect(qos1Publish(Buffer.from(topic), payload, messageId, dup).equals(expected), `${size} bytes, id ${messageId}`).toBe(true);
      }
    }
  });
});
