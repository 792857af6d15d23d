import { describe, expect, it } from 'vitest';
import { encodeAvlTcp, type EncodableAvlRecord } from './encode';
import { CODEC_8_EXTENDED } from './frame';
import { teltonikaAdapter } from './teltonika-adapter';
import { ctx } from './test-support';

const record = (timestampMs: number, latitude: number): EncodableAvlRecord => ({
  timestampMs,
  priority: 0,
  longitude: 7.42,
  latitude,
  altitude: 0,
  angle: 0,
  satellites: 9,
  speed: 30,
  eventIoId: 0,
  io: [],
});

describe('teltonika adapter record order', () => {
  it('records a tracker lists newest first come out oldest first, so a new twin drops none as too old', () => {
    const frame = encodeAvlTcp(CODEC_8_EXTENDED, [record(1_750_000_020_000, 43.73), record(1_750_000_000_000, 43.72), record(1_750_000_010_000, 43.725)]);
    const records = teltonikaAdapter.decode(frame, ctx);
    expect(records.map((r) => [r.seq, r.position?.lat])).toEqual([
      [1_750_000_000_000, 43.72],
      [1_750_000_010_000, 43.725],
      [1_750_000_020_000, 43.73],
    ]);
  });
});
