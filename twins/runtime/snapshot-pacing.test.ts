import { describe, expect, it } from 'vitest';
import { partitionToSave, type SaveState } from './snapshot-pacing';

/** Runs the host's 250 ms save timer over `forMs` and returns when each partition was saved. */
function saves(partitions: SaveState[], everyMs: number, forMs: number): { partition: number; at: number }[] {
  const log: { partition: number; at: number }[] = [];
  let lastSaveAt = 0;
  for (let now = 0; now <= forMs; now += 250) {
    const p = partitionToSave(partitions, lastSaveAt, now, everyMs);
    if (p === undefined) continue;
    lastSaveAt = now;
    partitions.find((s) => s.partition === p)!.savedAt = now;
    log.push({ partition: p, at: now });
  }
  return log;
}

describe('snapshot pacing', () => {
  it('partitions taken at the same moment are not all saved at once: saves come one every period / count', () => {
    const taken = Array.from({ length: 8 }, (_, i) => ({ partition: i, savedAt: 0 }));
    const log = saves(taken, 30_000, 120_000);
    const gaps = log.slice(1).map((s, i) => s.at - log[i]!.at);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(30_000 / 8);
  });

  it('every partition is saved at least once a period, the first time within a period of being taken', () => {
    const taken = Array.from({ length: 8 }, (_, i) => ({ partition: i, savedAt: 0 }));
    const log = saves(taken, 30_000, 120_000);
    for (let p = 0; p < 8; p++) {
      const times = [0, ...log.filter((s) => s.partition === p).map((s) => s.at)];
      const longest = Math.max(...times.slice(1).map((t, i) => t - times[i]!));
      expect(longest).toBeLessThanOrEqual(30_000 + 250);
    }
  });

  it('a partition taken later waits its turn behind the ones saved longest ago', () => {
    const partitions = [
      { partition: 1, savedAt: 5_000 },
      { partition: 2, savedAt: 1_000 },
    ];
    expect(partitionToSave(partitions, 0, 16_000, 30_000)).toBe(2);
    expect(partitionToSave(partitions, 10_000, 16_000, 30_000)).toBeUndefined();
    expect(partitionToSave([], 0, 16_000, 30_000)).toBeUndefined();
  });
});
