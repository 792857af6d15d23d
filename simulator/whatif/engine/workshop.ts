/**
 * A depot's workshop: a fixed number of bays, each taking one vehicle at a time, first come first
 * served. Booking returns when the job starts and ends, so queueing delays fall out of capacity.
 */
export class Workshop {
  private readonly bayFreeAt: number[];

  constructor(bays: number) {
    if (!Number.isInteger(bays) || bays < 1) throw new RangeError('a workshop needs at least one bay');
    this.bayFreeAt = new Array<number>(bays).fill(-Infinity);
  }

  /** Takes the bay that frees first for a job of `durationMs` arriving at `arrivalMs`. */
  book(arrivalMs: number, durationMs: number): { startMs: number; endMs: number } {
    let bay = 0;
    for (let i = 1; i < this.bayFreeAt.length; i++) if (this.bayFreeAt[i]! < this.bayFreeAt[bay]!) bay = i;
    const startMs = Math.max(arrivalMs, this.bayFreeAt[bay]!);
    const endMs = startMs + durationMs;
    this.bayFreeAt[bay] = endMs;
    return { startMs, endMs };
  }
}
