import { describe, expect, it } from 'vitest';
import { addSeq, classifySeq, MAX_RANGES, rangeCount, seqRangesFrom, type SeqRanges } from './seq-ranges';

function applyAll(seqs: number[]): { ranges: SeqRanges; verdicts: string[] } {
  const ranges: SeqRanges = [];
  const verdicts: string[] = [];
  for (const seq of seqs) {
    const verdict = classifySeq(ranges, seq);
    verdicts.push(verdict);
    if (verdict === 'in_order' || verdict === 'late') addSeq(ranges, seq);
  }
  return { ranges, verdicts };
}

describe('device sequence ranges', () => {
  it('an in-order stream collapses into one range', () => {
    const { ranges, verdicts } = applyAll([1, 2, 3, 4]);
    expect(ranges).toEqual([1, 4]);
    expect(verdicts.every((v) => v === 'in_order')).toBe(true);
  });

  it('a resent reading is a duplicate, never applied twice', () => {
    const { verdicts } = applyAll([1, 2, 3, 2, 3, 1]);
    expect(verdicts).toEqual(['in_order', 'in_order', 'in_order', 'duplicate', 'duplicate', 'duplicate']);
  });

  it('a store-and-forward burst after newer live data fills the gap exactly once', () => {
    const { ranges, verdicts } = applyAll([1, 2, 10, 11, 3, 4, 5, 6, 7, 8, 9, 5]);
    expect(verdicts.slice(4, 11).every((v) => v === 'late')).toBe(true);
    expect(verdicts[11]).toBe('duplicate');
    expect(ranges).toEqual([1, 11]);
  });

  it('too many open gaps close the narrowest, so memory stays bounded and resends into them are ignored', () => {
    // Gaps of 9 between every two, one wide gap (a coverage gap) after 100.
    const seqs = [...Array.from({ length: 11 }, (_, i) => i * 10), ...Array.from({ length: MAX_RANGES + 5 }, (_, i) => 1000 + i * 10)];
    const { ranges } = applyAll(seqs);
    expect(rangeCount(ranges)).toBeLessThanOrEqual(MAX_RANGES);
    expect(classifySeq(ranges, 5)).toBe('too_old');
    expect(classifySeq(ranges, 0)).toBe('too_old');
    // The wide gap stays open: its stored readings are still applied when they come.
    expect(classifySeq(ranges, 500)).toBe('late');
    expect(classifySeq(ranges, 1000 + (MAX_RANGES + 4) * 10)).toBe('duplicate');
  });

  it('readings keyed by record time (a gap between every two) keep a reading that went missing open', () => {
    const t = 1_700_000_000_000;
    const times = Array.from({ length: 60 }, (_, i) => t + i * 1000);
    const missing = times[20]!;
    const { ranges, verdicts } = applyAll([...times.filter((x) => x !== missing), missing]);
    expect(verdicts.at(-1)).toBe('late');
    expect(classifySeq(ranges, missing)).toBe('duplicate');
  });

  it('a reading older than the first one applied is late, not too old: a first burst that arrived reordered is applied', () => {
    const { ranges, verdicts } = applyAll([5, 6, 3, 4, 3]);
    expect(verdicts).toEqual(['in_order', 'in_order', 'late', 'late', 'duplicate']);
    expect(ranges).toEqual([3, 6]);
  });

  it('timestamps as sequence numbers (Teltonika) work the same', () => {
    const t = 1_700_000_000_000;
    const { verdicts } = applyAll([t, t + 1000, t + 1000, t + 500]);
    expect(verdicts).toEqual(['in_order', 'in_order', 'duplicate', 'late']);
  });

  /** A device's readings dealt round robin to `queues` broker queues, each delivered in order but `drift` readings behind the one before it. */
  function driftedDelivery(keys: number[], queues: number, drift: number): number[] {
    const tagged = keys.map((key, i) => ({ key, at: i + (i % queues) * drift }));
    return tagged.sort((a, b) => a.at - b.at).map((x) => x.key);
  }

  it.each([
    ['numbered', (i: number) => i + 1],
    ['keyed by record time', (i: number) => 1_700_000_000_000 + i * 1000],
  ])('a %s device reordered deeply by drifting ingress queues loses nothing and applies each reading once', (_kind, keyOf) => {
    const keys = Array.from({ length: 3000 }, (_, i) => keyOf(i));
    // 8 queues, each 25 readings behind the last: one reading arrives up to 175 others late.
    const delivered = driftedDelivery(keys, 8, 25);
    // A resend comes soon after the original (a device that missed its acknowledgement).
    const stream: number[] = [];
    const resends = new Set<number>();
    delivered.forEach((key, j) => {
      stream.push(key);
      if (j % 7 === 6 && j >= 30) resends.add(stream.push(delivered[j - 30]!) - 1);
    });
    const { ranges, verdicts } = applyAll(stream);
    expect(verdicts.filter((v) => v === 'too_old')).toHaveLength(0);
    expect(verdicts.filter((v) => v === 'in_order' || v === 'late')).toHaveLength(keys.length);
    expect(verdicts.filter((_, j) => resends.has(j)).every((v) => v === 'duplicate')).toBe(true);
    expect(rangeCount(ranges)).toBeLessThanOrEqual(MAX_RANGES);
  });

  it('readings reordered past the limit are told too old (to be dead-lettered), never applied twice', () => {
    // Every other reading held back: more one-reading gaps than the limit, the oldest closed first.
    const odd = Array.from({ length: MAX_RANGES + 40 }, (_, i) => 2 * i + 1);
    const { ranges, verdicts } = applyAll([...odd, 2, 2, 2 * MAX_RANGES]);
    expect(verdicts.slice(-3)).toEqual(['too_old', 'too_old', 'late']);
    expect(rangeCount(ranges)).toBeLessThanOrEqual(MAX_RANGES);
  });

  it('ranges stored by snapshots before they were flat restore with their closed gaps', () => {
    const ranges = seqRangesFrom([[1, 5], [7, 9, 1], [20, 20]]);
    expect(ranges).toEqual([1, 5, 7, -9, 20, 20]);
    expect(classifySeq(ranges, 8)).toBe('too_old');
    expect(classifySeq(ranges, 6)).toBe('late');
    expect(classifySeq(ranges, 20)).toBe('duplicate');
    addSeq(ranges, 6);
    expect(ranges).toEqual([1, -9, 20, 20]);
  });
});
