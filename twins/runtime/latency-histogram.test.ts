import { describe, expect, it } from 'vitest';
import { LatencyHistogram, mergeCounts, quantileOf, subtractCounts } from './latency-histogram';

describe('apply latency histogram', () => {
  it('percentiles are within 2.5 % of the exact values', () => {
    const h = new LatencyHistogram();
    for (let ms = 1; ms <= 10_000; ms++) h.record(ms);
    for (const q of [0.5, 0.95, 0.99]) {
      const exact = q * 10_000;
      expect(h.quantile(q)! / exact).toBeGreaterThanOrEqual(1);
      expect(h.quantile(q)! / exact).toBeLessThan(1.026);
    }
  });

  it('an interval of a run is the later counts minus the earlier, across hosts', () => {
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    for (let i = 0; i < 1000; i++) a.record(5000);
    const before = mergeCounts([a.toJSON(), b.toJSON()]);
    for (let i = 0; i < 1000; i++) (i % 2 ? a : b).record(20);
    const interval = subtractCounts(mergeCounts([a.toJSON(), b.toJSON()]), before);
    expect(interval.count).toBe(1000);
    expect(quantileOf(interval, 0.99)!).toBeLessThan(21);
  });

  it('a device clock ahead of ours counts as negative, not as a huge latency', () => {
    const h = new LatencyHistogram();
    h.record(-3000);
    expect(h.toJSON().negative).toBe(1);
    expect(h.quantile(1)).toBe(1);
  });
});
