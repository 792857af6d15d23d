import { describe, expect, it } from 'vitest';
import { slowestRate } from './slowest-rate';

/** Counts sampled every `everyS` seconds at the given rates, one rate per interval. */
function counts(everyS: number, rates: number[]): Array<{ atS: number; count: number }> {
  const points = [{ atS: 100, count: 0 }];
  for (const rate of rates) {
    const last = points[points.length - 1]!;
    points.push({ atS: last.atS + everyS, count: last.count + rate * everyS });
  }
  return points;
}

describe('slowestRate', () => {
  it('a 5 s dip shows in the slowest 5 s and is averaged out over 30 s', () => {
    const points = counts(5, [10_000, 10_000, 10_000, 7_000, 13_000, 10_000, 10_000, 10_000]);
    expect(slowestRate(points, 5)).toBe(7_000);
    expect(slowestRate(points, 30)).toBe(10_000);
  });

  it('a sag that lasts half a minute fails the 30 s figure too', () => {
    const points = counts(5, [10_000, 9_000, 9_000, 9_000, 9_000, 9_000, 9_000, 10_000]);
    expect(slowestRate(points, 30)).toBe(9_000);
  });

  it('samples that drift a little late or early still make a stretch', () => {
    const points = [
      { atS: 0, count: 0 },
      { atS: 4.6, count: 46_000 },
      { atS: 9.9, count: 99_000 },
    ];
    expect(slowestRate(points, 5)).toBe(10_000);
  });

  it('no stretch long enough is 0, not Infinity', () => {
    expect(slowestRate(counts(5, [10_000]), 30)).toBe(0);
    expect(slowestRate([], 5)).toBe(0);
  });
});
