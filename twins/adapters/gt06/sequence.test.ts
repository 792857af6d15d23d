import { describe, expect, it } from 'vitest';
import { gt06Adapter } from './adapter';
import { gt06Frame, positionContent } from './test-support';

const second = Date.UTC(2026, 10, 23, 12, 0, 0);
const ctx = (receivedAt: number) => ({ vehicleId: 'van-7', deviceId: '864717003283581', receivedAt });
const fix = { time: second, lat: 43.7384, lon: 7.4246, speedKph: 38, courseDeg: 112 };
const decodeOne = (frame: Uint8Array, receivedAt: number) => gt06Adapter.decode(frame, ctx(receivedAt))[0]!;

describe('gt06 sequence numbers', () => {
  it('a heartbeat received late in a second never makes a position of that second look late', () => {
    // 0x23 heartbeat (GK310): terminal status, battery voltage, GSM signal; it has no time.
    const heartbeat = decodeOne(gt06Frame(0x23, Uint8Array.from([0x06, 0x01, 0x90, 0x04])), second + 900);
    const position = decodeOne(gt06Frame(0x12, positionContent(fix)), second + 950);
    expect(heartbeat.deviceTime).toBe(second);
    expect(position.seq).toBeGreaterThan(heartbeat.seq);
    expect(position.deviceTime).toBeGreaterThanOrEqual(heartbeat.deviceTime);
  });

  it('a resent position keeps its sequence number, whenever it arrives', () => {
    const frame = gt06Frame(0x12, positionContent(fix), { serial: 7 });
    const resent = gt06Frame(0x12, positionContent(fix), { serial: 8 });
    expect(decodeOne(resent, second + 60_000).seq).toBe(decodeOne(frame, second + 500).seq);
  });

  it('a position and an alarm stamped in the same second stay two readings, both after the older second', () => {
    const position = decodeOne(gt06Frame(0x12, positionContent(fix)), second + 100);
    const alarm = decodeOne(gt06Frame(0x16, Uint8Array.from([...positionContent(fix).subarray(0, 18), 8, ...positionContent(fix).subarray(18), 0x44, 0x06, 0x04, 0x01, 0x02])), second + 100);
    const earlier = decodeOne(gt06Frame(0x12, positionContent({ ...fix, time: second - 1000 })), second + 100);
    expect(alarm.attributes?.alarm).toBe('sos');
    expect(alarm.seq).not.toBe(position.seq);
    expect(Math.min(alarm.seq, position.seq)).toBeGreaterThan(earlier.seq);
    expect(Math.max(alarm.seq, position.seq)).toBeLessThan(second + 1000);
  });
});
