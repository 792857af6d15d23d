/**
 * The device sequence numbers a twin has applied, as sorted inclusive ranges [from, to].
 * Ranges keep a store-and-forward burst that arrives after newer live data exact: a gap is
 * filled once, a resend inside a range is a duplicate. When too many gaps accumulate the oldest
 * are closed: anything in them afterwards is "too old" and ignored, so memory stays bounded.
 */
export type SeqRanges = ReadonlyArray<readonly [number, number]>;

export type SeqVerdict = 'in_order' | 'late' | 'duplicate' | 'too_old';

export const MAX_RANGES = 16;

export function classifySeq(ranges: SeqRanges, seq: number): SeqVerdict {
  if (ranges.length === 0) return 'in_order';
  const last = ranges[ranges.length - 1]!;
  if (seq > last[1]) return 'in_order';
  if (seq < ranges[0]![0]) return 'too_old';
  for (const [from, to] of ranges) {
    if (seq >= from && seq <= to) return 'duplicate';
  }
  return 'late';
}

/** Adds `seq` (which classifySeq found new) and merges adjacent ranges. */
export function addSeq(ranges: SeqRanges, seq: number): SeqRanges {
  const next: Array<[number, number]> = [];
  let placed = false;
  for (const [from, to] of ranges) {
    if (!placed && seq < from) {
      next.push([seq, seq]);
      placed = true;
    }
    next.push([from, to]);
  }
  if (!placed) next.push([seq, seq]);
  const merged: Array<[number, number]> = [];
  for (const range of next) {
    const prev = merged[merged.length - 1];
    if (prev && range[0] <= prev[1] + 1) prev[1] = Math.max(prev[1], range[1]);
    else merged.push([range[0], range[1]]);
  }
  // Close the oldest gaps: everything before the kept ranges counts as seen.
  while (merged.length > MAX_RANGES) {
    const first = merged.shift()!;
    merged[0]![0] = first[0];
  }
  return merged;
}

export function highestSeq(ranges: SeqRanges): number | undefined {
  return ranges.length ? ranges[ranges.length - 1]![1] : undefined;
}
