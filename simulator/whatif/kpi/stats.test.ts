import { describe, expect, it } from 'vitest';
import { difference, estimate } from './stats';

describe('confidence intervals across seeds', () => {
  it('uses the t-distribution: 5 seeds widen the interval by t(0.975, 4) = 2.776 standard errors', () => {
    const e = estimate([10, 12, 11, 13, 9]);
    expect(e.mean).toBe(11);
    // sd = sqrt(2.5), se = sd / sqrt(5)
    expect(e.halfWidth!).toBeCloseTo(2.7764 * Math.sqrt(2.5 / 5), 3);
  });

  it('a single seed has no interval, and unmeasurable seeds are left out', () => {
    expect(estimate([4]).halfWidth).toBeNull();
    expect(estimate([null, 4, null, 6]).n).toBe(2);
    expect(estimate([null]).mean).toBeNull();
  });

  it('a clear difference is significant, noise is not', () => {
    expect(difference([10, 11, 10.5, 10.2], [14, 15, 14.5, 14.8]).significant).toBe(true);
    const noise = difference([10, 12, 11, 13], [11, 12, 10, 13]);
    expect(noise.significant).toBe(false);
    expect(noise.low!).toBeLessThan(0);
    expect(noise.high!).toBeGreaterThan(0);
  });
});

describe('paired differences', () => {
  it('a policy that shifts every seed by the same amount is significant although the seeds vary a lot', async () => {
    const { pairedDifference } = await import('./stats');
    const d = pairedDifference([10, 30, 20, 40], [11, 31.1, 20.9, 41]);
    expect(d.mean).toBeCloseTo(1, 5);
    expect(d.significant).toBe(true);
  });
});
