/** Bucket i holds values in (GROWTH^(i-1), GROWTH^i] ms: about 2.5 % resolution from 1 ms to hours. */
const GROWTH = 1.025;
const LOG_GROWTH = Math.log(GROWTH);
const BUCKETS = 700; // 1.025^700 ms ≈ 9.7 days

/** A histogram's counts as sent in a host's status: mergeable across hosts, subtractable over time. */
export interface LatencyCounts {
  /** Sparse: bucket index → count. */
  buckets: Record<string, number>;
  count: number;
  sumMs: number;
  /** Values below zero (a device clock ahead of ours), counted in bucket 0 as well. */
  negative: number;
}

/**
 * Latency from device time to the moment a twin applied the reading, log-bucketed so that a
 * host can keep it forever in a few KB and a benchmark can take percentiles of any interval
 * (counts at the end minus counts at the start) across hosts.
 */
export class LatencyHistogram {
  private readonly counts = new Float64Array(BUCKETS);
  private count = 0;
  private sumMs = 0;
  private negative = 0;

  record(ms: number): void {
    if (ms < 0) this.negative++;
    this.counts[bucketOf(ms)]!++;
    this.count++;
    this.sumMs += ms;
  }

  toJSON(): LatencyCounts {
    const buckets: Record<string, number> = {};
    this.counts.forEach((n, i) => {
      if (n > 0) buckets[i] = n;
    });
    return { buckets, count: this.count, sumMs: this.sumMs, negative: this.negative };
  }

  quantile(q: number): number | null {
    return quantileOf(this.toJSON(), q);
  }
}

function bucketOf(ms: number): number {
  if (!(ms > 1)) return 0;
  return Math.min(BUCKETS - 1, Math.ceil(Math.log(ms) / LOG_GROWTH));
}

/** The upper bound of the bucket holding the q-quantile, ms; null when empty. */
export function quantileOf(counts: LatencyCounts, q: number): number | null {
  if (counts.count <= 0) return null;
  const rank = Math.ceil(q * counts.count);
  let seen = 0;
  const indices = Object.keys(counts.buckets).map(Number).sort((a, b) => a - b);
  for (const i of indices) {
    seen += counts.buckets[i]!;
    if (seen >= rank) return i === 0 ? 1 : GROWTH ** i;
  }
  return GROWTH ** indices[indices.length - 1]!;
}

/** Sums histograms (several hosts). */
export function mergeCounts(all: LatencyCounts[]): LatencyCounts {
  const out: LatencyCounts = { buckets: {}, count: 0, sumMs: 0, negative: 0 };
  for (const c of all) {
    for (const [i, n] of Object.entries(c.buckets)) out.buckets[i] = (out.buckets[i] ?? 0) + n;
    out.count += c.count;
    out.sumMs += c.sumMs;
    out.negative += c.negative;
  }
  return out;
}

/** What was recorded between two readings of the same histogram. */
export function subtractCounts(later: LatencyCounts, earlier: LatencyCounts): LatencyCounts {
  const out: LatencyCounts = { buckets: {}, count: later.count - earlier.count, sumMs: later.sumMs - earlier.sumMs, negative: later.negative - earlier.negative };
  for (const [i, n] of Object.entries(later.buckets)) {
    const d = n - (earlier.buckets[i] ?? 0);
    if (d > 0) out.buckets[i] = d;
  }
  return out;
}
