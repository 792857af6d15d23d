export interface PartitionBatcherOptions {
  /** How long a batch waits for more items after its first (a reading's added latency at most). */
  lingerMs: number;
  /** A batch this full is stored at once. */
  maxItems: number;
}

interface OpenBatch<T> {
  items: T[];
  stored: Promise<void>;
  resolve(): void;
  reject(err: unknown): void;
  timer: NodeJS.Timeout;
}

/**
 * Gathers items per partition and stores each partition's as one batch, when `maxItems` are in
 * it or `lingerMs` after its first: many small messages become a few larger ones, at the cost of
 * a few milliseconds. `add` resolves once every batch holding its items is stored, and rejects if
 * one of them is not.
 */
export class PartitionBatcher<T> {
  private readonly open = new Map<number, OpenBatch<T>>();
  private closed = false;

  constructor(
    private readonly store: (partition: number, items: T[]) => Promise<void>,
    private readonly options: PartitionBatcherOptions,
  ) {
    if (!(options.maxItems >= 1) || !(options.lingerMs >= 0)) throw new RangeError('a batch holds at least one item and lingers 0 ms or more');
  }

  add(partition: number, items: readonly T[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error('batcher closed'));
    const waits: Array<Promise<void>> = [];
    for (let i = 0; i < items.length; ) {
      const batch = this.open.get(partition) ?? this.begin(partition);
      const take = Math.min(items.length - i, this.options.maxItems - batch.items.length);
      for (let j = i; j < i + take; j++) batch.items.push(items[j]!);
      i += take;
      waits.push(batch.stored);
      if (batch.items.length >= this.options.maxItems) this.flush(partition, batch);
    }
    return waits.length === 1 ? waits[0]! : Promise.all(waits).then(() => undefined);
  }

  /** Stores what is gathered now; later `add`s fail. */
  close(): void {
    this.closed = true;
    for (const [partition, batch] of this.open) this.flush(partition, batch);
  }

  private begin(partition: number): OpenBatch<T> {
    let resolve!: () => void;
    let reject!: (err: unknown) => void;
    const stored = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // Several callers may wait on one batch; none of them may leave its failure unhandled.
    stored.catch(() => undefined);
    const batch: OpenBatch<T> = { items: [], stored, resolve, reject, timer: setTimeout(() => this.flush(partition, batch), this.options.lingerMs) };
    this.open.set(partition, batch);
    return batch;
  }

  private flush(partition: number, batch: OpenBatch<T>): void {
    clearTimeout(batch.timer);
    if (this.open.get(partition) === batch) this.open.delete(partition);
    this.store(partition, batch.items).then(batch.resolve, batch.reject);
  }
}
