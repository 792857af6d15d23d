/**
 * Coarse deadlines for many twins: ids bucketed by the second their deadline falls in, so a
 * host with 100k twins does one map lookup per second instead of one timer per twin re-armed on
 * every reading. Rescheduling leaves the old bucket entry behind; it is skipped when it comes due.
 */
export class DeadlineWheel {
  private readonly buckets = new Map<number, Set<string>>();
  private readonly due = new Map<string, { at: number; slot: number }>();
  /** The last slot taken; nothing is ever put behind it. */
  private cursor = -Infinity;

  constructor(private readonly resolutionMs = 1000) {}

  schedule(id: string, at: number | null): void {
    if (at === null) {
      this.due.delete(id);
      return;
    }
    const entry = this.due.get(id);
    if (entry?.at === at) return;
    const slot = Math.max(Math.floor(at / this.resolutionMs), this.cursor);
    // Moved in place: a twin is rescheduled on every reading, and a new entry each time outlived the young generation.
    if (entry) {
      entry.at = at;
      entry.slot = slot;
    } else this.due.set(id, { at, slot });
    let bucket = this.buckets.get(slot);
    if (!bucket) this.buckets.set(slot, (bucket = new Set()));
    bucket.add(id);
  }

  /** Ids whose deadline is at or before `now`, each once; they are unscheduled. */
  takeDue(now: number): string[] {
    const last = Math.floor(now / this.resolutionMs);
    const out: string[] = [];
    const slots = [...this.buckets.keys()].filter((slot) => slot <= last).sort((a, b) => a - b);
    for (const slot of slots) {
      const bucket = this.buckets.get(slot)!;
      this.buckets.delete(slot);
      const keep = new Set<string>();
      for (const id of bucket) {
        const entry = this.due.get(id);
        if (!entry || entry.slot !== slot) continue; // rescheduled or cancelled since
        if (entry.at <= now) {
          this.due.delete(id);
          out.push(id);
        } else {
          keep.add(id); // same second, a later instant
        }
      }
      if (keep.size) this.buckets.set(slot, keep);
    }
    this.cursor = last;
    return out;
  }

  get size(): number {
    return this.due.size;
  }
}
