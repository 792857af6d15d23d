/**
 * The device sequence numbers a twin has applied, as sorted inclusive ranges [from, to].
 * Ranges keep a store-and-forward burst that arrives after newer live data exact: a gap is
 * filled once, a resend inside a range is a duplicate. When too many gaps accumulate the
 * narrowest are closed (the oldest of equals): anything in them afterwards is "too old" and
 * ignored, so memory stays bounded. Narrowest, not oldest: devices keyed by record time
 * (Teltonika, GT06) leave a gap between every two readings, and what must stay open is the wide
 * one — a coverage gap whose stored readings are still to come, or a reading that went missing.
 */
/** [from, to], or [from, to, 1] once gaps inside it were closed (a number in it is then too old to tell). */
export type SeqRange = readonly [number, number] | readonly [number, number, 1];
export type SeqRanges = ReadonlyArray<SeqRange>;

export type SeqVerdict = 'in_order' | 'late' | 'duplicate' | 'too_old';

/**
 * A time-keyed device (every reading its own range) is told exactly over its last MAX_RANGES
 * readings. 16 was too few: a store-and-forward replay spread over the ingress's connections
 * reached JetStream reordered by more than 16 and lost readings as too old (load smoke test).
 * 64 ranges cost at most ~2.5 KB a device twin.
 */
export const MAX_RANGES = 64;

export function classifySeq(ranges: SeqRanges, seq: number): SeqVerdict {
  if (ranges.length === 0) return 'in_order';
  const last = ranges[ranges.length - 1]!;
  if (seq > last[1]) return 'in_order';
  // Older than anything applied: a device's first burst that reached the stream out of order,
  // or stored readings sent after live ones. New, so applied.
  if (seq < ranges[0]![0]) return 'late';
  for (const [from, to, closed] of ranges) {
    if (seq >= from && seq <= to) return closed ? 'too_old' : 'duplicate';
  }
  return 'late';
}

/** Adds `seq` (which classifySeq found new) and merges adjacent ranges. */
export function addSeq(ranges: SeqRanges, seq: number): SeqRanges {
  // The common case, the next number in order, extends the newest range without rebuilding the rest.
  const newest = ranges[ranges.length - 1];
  if (newest && seq === newest[1] + 1) {
    const extended = ranges.slice();
    extended[extended.length - 1] = rangeOf(newest[0], seq, newest[2] === 1);
    return extended;
  }
  const next: SeqRange[] = [];
  let placed = false;
  for (const range of ranges) {
    if (!placed && seq < range[0]) {
      next.push([seq, seq]);
      placed = true;
    }
    next.push(range);
  }
  if (!placed) next.push([seq, seq]);
  const merged: SeqRange[] = [];
  for (const range of next) {
    const prev = merged[merged.length - 1];
    if (prev && range[0] <= prev[1] + 1) merged[merged.length - 1] = rangeOf(prev[0], Math.max(prev[1], range[1]), prev[2] === 1 || range[2] === 1);
    else merged.push(range);
  }
  while (merged.length > MAX_RANGES) {
    let narrowest = 0;
    for (let i = 1; i < merged.length - 1; i++) {
      if (merged[i + 1]![0] - merged[i]![1] < merged[narrowest + 1]![0] - merged[narrowest]![1]) narrowest = i;
    }
    const [a, b] = [merged[narrowest]!, merged[narrowest + 1]!];
    merged.splice(narrowest, 2, rangeOf(a[0], b[1], true));
  }
  return merged;
}

function rangeOf(from: number, to: number, closed: boolean): SeqRange {
  return closed ? [from, to, 1] : [from, to];
}

export function highestSeq(ranges: SeqRanges): number | undefined {
  return ranges.length ? ranges[ranges.length - 1]![1] : undefined;
}
