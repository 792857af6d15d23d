/**
 * The device sequence numbers a twin has applied, as sorted inclusive ranges. Ranges keep a
 * store-and-forward burst that arrives after newer live data exact: a gap is filled once, a resend
 * inside a range is a duplicate. When too many gaps accumulate the narrowest are closed (the
 * oldest of equals): anything in them afterwards is "too old" and dead-lettered, so memory stays
 * bounded. Narrowest, not oldest: devices keyed by record time (Teltonika, GT06) leave a gap
 * between every two readings, and what must stay open is the wide one — a coverage gap whose
 * stored readings are still to come, or a reading that went missing.
 *
 * Stored flat, [from0, to0, from1, to1, …], changed in place: a time-keyed device holds hundreds
 * of ranges, and a pair of numbers in one array costs 16 bytes where a tuple costs ~45. A range
 * whose inner gaps were closed stores its `to` negated (such a range always has to > from ≥ 0).
 */
export type SeqRanges = number[];

export type SeqVerdict = 'in_order' | 'late' | 'duplicate' | 'too_old';

/**
 * How many ranges a device keeps: a time-keyed device is told exactly over its last MAX_RANGES
 * readings, a numbered one over MAX_RANGES open gaps. The ingress's shared subscription spreads a
 * device's messages over its MQTT connections, and while the broker holds a backlog one
 * connection's queue runs ahead of another's, so the depth of reordering grows with the backlog:
 * 64 lost 6,467 readings (197 busy GPS trackers) in a 20,000-device load run with a 5-minute
 * backlog. 256 ranges cost at most 4 KB a device.
 */
export const MAX_RANGES = 256;
/** Closing gaps in batches keeps a time-keyed device, always at the limit, from sorting its gaps on every reading. */
const CLOSE_DOWN_TO = MAX_RANGES - MAX_RANGES / 8;

const from = (r: SeqRanges, i: number): number => r[2 * i]!;
const to = (r: SeqRanges, i: number): number => Math.abs(r[2 * i + 1]!);
const closed = (r: SeqRanges, i: number): boolean => r[2 * i + 1]! < 0;

export function rangeCount(r: SeqRanges): number {
  return r.length / 2;
}

export function classifySeq(r: SeqRanges, seq: number): SeqVerdict {
  const n = rangeCount(r);
  if (n === 0 || seq > to(r, n - 1)) return 'in_order';
  // Older than anything applied: a device's first burst that reached the stream out of order,
  // or stored readings sent after live ones. New, so applied.
  if (seq < from(r, 0)) return 'late';
  const i = rangeAtOrBefore(r, seq);
  if (seq <= to(r, i)) return closed(r, i) ? 'too_old' : 'duplicate';
  return 'late';
}

/** Adds `seq` (which classifySeq found new), merging it into its neighbours. */
export function addSeq(r: SeqRanges, seq: number): void {
  const n = rangeCount(r);
  if (n === 0) {
    r.push(seq, seq);
    return;
  }
  const last = n - 1;
  if (seq > to(r, last)) {
    // The common case: the next number in order extends the newest range.
    if (seq === to(r, last) + 1) r[2 * last + 1] = closed(r, last) ? -seq : seq;
    else r.push(seq, seq);
  } else {
    const i = seq < from(r, 0) ? -1 : rangeAtOrBefore(r, seq);
    const joinsBefore = i >= 0 && seq === to(r, i) + 1;
    const joinsAfter = i + 1 < n && seq === from(r, i + 1) - 1;
    if (joinsBefore && joinsAfter) {
      r[2 * i + 1] = closed(r, i) || closed(r, i + 1) ? -to(r, i + 1) : to(r, i + 1);
      r.splice(2 * (i + 1), 2);
    } else if (joinsBefore) r[2 * i + 1] = closed(r, i) ? -seq : seq;
    else if (joinsAfter) r[2 * (i + 1)] = seq;
    else r.splice(2 * (i + 1), 0, seq, seq);
  }
  if (rangeCount(r) > MAX_RANGES) closeNarrowestGaps(r, rangeCount(r) - CLOSE_DOWN_TO);
}

/** Closes `count` gaps, narrowest first (oldest of equals), merging the ranges on either side. */
function closeNarrowestGaps(r: SeqRanges, count: number): void {
  const n = rangeCount(r);
  const gaps = Array.from({ length: n - 1 }, (_, i) => i).sort((a, b) => gapAfter(r, a) - gapAfter(r, b) || a - b);
  const closing = new Uint8Array(n);
  for (const g of gaps.slice(0, count)) closing[g] = 1;
  let out = 0;
  for (let i = 0; i < n; ) {
    const start = from(r, i);
    let end = i;
    let isClosed = closed(r, i);
    while (closing[end]) {
      end++;
      isClosed = true;
    }
    r[2 * out] = start;
    r[2 * out + 1] = isClosed || closed(r, end) ? -to(r, end) : to(r, end);
    out++;
    i = end + 1;
  }
  r.length = 2 * out;
}

function gapAfter(r: SeqRanges, i: number): number {
  return from(r, i + 1) - to(r, i);
}

/** The last range whose start is ≤ seq (seq ≥ the first range's start). */
function rangeAtOrBefore(r: SeqRanges, seq: number): number {
  let lo = 0;
  let hi = rangeCount(r) - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (from(r, mid) <= seq) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export function highestSeq(r: SeqRanges): number | undefined {
  return r.length ? to(r, rangeCount(r) - 1) : undefined;
}

/** Ranges as a snapshot holds them: flat, or as [from, to(, 1 if closed)] tuples (snapshots before 2026-12). */
export function seqRangesFrom(stored: ReadonlyArray<number | readonly number[]>): SeqRanges {
  if (stored.every((x) => typeof x === 'number')) return (stored as number[]).slice();
  return (stored as (readonly number[])[]).flatMap(([a, b, c]) => [a!, c === 1 ? -b! : b!]);
}
