import { describe, expect, it } from 'vitest';
import { addSeq, classifySeq, MAX_RANGES, type SeqRanges } from './seq-ranges';

function applyAll(seqs: number[]): { ranges: SeqRanges; verdicts: string[] } {
  let ranges: SeqRanges = [];
  const verdicts: string[] = [];
  for (const seq of seqs) {
    const verdict = classifySeq(ranges, seq);
    verdicts.push(verdict);
    if (verdict === 'in_order' || verdict === 'late') ranges = addSeq(ranges, seq);
  }
  return { ranges, verdicts };
}

describe('device sequence ranges', () => {
  it('an in-order stream collapses into one range', () => {
    const { ranges, verdicts } = applyAll([1, 2, 3, 4]);
    expect(ranges).toEqual([[1, 4]]);
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
    expect(ranges).toEqual([[1, 11]]);
  });

  it('too many open gaps close the oldest, so memory stays bounded and old resends are ignored', () => {
    const seqs = Array.from({ length: MAX_RANGES + 5 }, (_, i) => i * 10);
    const { ranges } = applyAll(seqs);
    expect(ranges.length).toBe(MAX_RANGES);
    expect(classifySeq(ranges, 5)).toBe('duplicate');
    expect(classifySeq(ranges, -1)).toBe('too_old');
  });

  it('timestamps as sequence numbers (Teltonika) work the same', () => {
    const t = 1_700_000_000_000;
    const { verdicts } = applyAll([t, t + 1000, t + 1000, t + 500]);
    expect(verdicts).toEqual(['in_order', 'in_order', 'duplicate', 'late']);
  });
});
