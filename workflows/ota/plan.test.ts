import { describe, expect, it } from 'vitest';
import { planWaves, wavesProblem } from './waves';
import { inWindow, localHour, withinHours } from './window';

describe('waves', () => {
  it('1 % → 10 % → 50 % → 100 % of 20,000 devices are ordinal ranges that cover every device once', () => {
    const waves = planWaves(20_000, [1, 10, 50, 100]);
    expect(waves.map((w) => [w.from, w.to])).toEqual([[0, 200], [200, 2_000], [2_000, 10_000], [10_000, 20_000]]);
  });

  it('a small fleet still gets a canary of one device per wave, and no empty waves', () => {
    expect(planWaves(3, [1, 10, 50, 100]).map((w) => [w.from, w.to])).toEqual([[0, 1], [1, 2], [2, 3]]);
    expect(planWaves(0, [1, 100])).toEqual([]);
  });

  it('waves that do not rise to 100 % are refused with the reason', () => {
    expect(wavesProblem([1, 10, 50, 100])).toBeNull();
    expect(wavesProblem([10, 5, 100])).toBe('waves must rise: 10 % then 5 %');
    expect(wavesProblem([10, 50])).toBe('the last wave must reach 100 %');
    expect(wavesProblem([0, 100])).toBe('wave 1: 0 % is outside (0, 100]');
  });
});

describe('maintenance windows', () => {
  const night = { fromHour: 22, toHour: 5 };
  // 23:30 in Monaco (UTC+1 in winter) is 22:30 UTC.
  const at = new Date('2026-01-15T22:30:00Z');

  it('local hours wrap midnight and are read in the depot\'s time zone', () => {
    expect(localHour(at, 'Europe/Monaco')).toBe(23);
    expect(localHour(at, 'America/New_York')).toBe(17);
    expect(withinHours(23, night)).toBe(true);
    expect(withinHours(4, night)).toBe(true);
    expect(withinHours(5, night)).toBe(false);
    expect(withinHours(12, { fromHour: 9, toHour: 17 })).toBe(true);
  });

  it('only a parked, online vehicle within its depot\'s hours may update; no twin means no', () => {
    const window = { requireParked: true, localHours: night };
    const parked = { motion: 'parked', connectivity: 'online' };
    expect(inWindow(window, parked, 'Europe/Monaco', at)).toBe(true);
    expect(inWindow(window, parked, 'America/New_York', at)).toBe(false);
    expect(inWindow(window, { motion: 'driving', connectivity: 'online' }, 'Europe/Monaco', at)).toBe(false);
    expect(inWindow(window, { motion: 'parked', connectivity: 'stale' }, 'Europe/Monaco', at)).toBe(false);
    expect(inWindow(window, null, 'Europe/Monaco', at)).toBe(false);
    expect(inWindow({ requireParked: false }, null, 'Europe/Monaco', at)).toBe(true);
  });
});
