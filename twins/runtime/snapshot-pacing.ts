/** What pacing needs to know of an owned partition. */
export interface SaveState {
  partition: number;
  /** When its twins were last saved (or, before the first save, when the host took it). */
  savedAt: number;
}

/**
 * The partition to save now, if any: the one saved longest ago, once `everyMs / count` has passed
 * since the last save. So each partition is saved every `everyMs`, in turn, and the saves are
 * spread over the period instead of made all at once: saving a host's 2,500 twins in one go took
 * it off its feeds long enough to queue ~10,000 readings at 10,000 a second, every period
 * (bench:load, docs/benchmarks.md).
 */
export function partitionToSave(partitions: readonly SaveState[], lastSaveAt: number, now: number, everyMs: number): number | undefined {
  if (partitions.length === 0 || now - lastSaveAt < everyMs / partitions.length) return undefined;
  let oldest = partitions[0]!;
  for (const p of partitions) if (p.savedAt < oldest.savedAt) oldest = p;
  return oldest.partition;
}
