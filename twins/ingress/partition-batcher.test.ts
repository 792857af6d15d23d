import { describe, expect, it } from 'vitest';
import { PartitionBatcher } from './partition-batcher';

/** A store that records each batch and answers when told. */
function recordingStore() {
  const stored: Array<{ partition: number; items: number[] }> = [];
  const answers: Array<{ resolve(): void; reject(err: Error): void }> = [];
  const store = (partition: number, items: number[]) =>
    new Promise<void>((resolve, reject) => {
      stored.push({ partition, items: [...items] });
      answers.push({ resolve, reject });
    });
  return { stored, answers, store };
}

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('partition batcher', () => {
  it('a reading alone in its partition is not held past the linger time', async () => {
    const { stored, answers, store } = recordingStore();
    const batcher = new PartitionBatcher(store, { lingerMs: 5, maxItems: 10 });
    const done = batcher.add(3, [1]);
    expect(stored).toEqual([]);
    await tick(30);
    expect(stored).toEqual([{ partition: 3, items: [1] }]);
    answers[0]!.resolve();
    await done;
  });

  it('readings of one partition share a batch and never mix with another partition\'s', async () => {
    const { stored, answers, store } = recordingStore();
    const batcher = new PartitionBatcher(store, { lingerMs: 5, maxItems: 10 });
    const waits = [batcher.add(1, [1, 2]), batcher.add(2, [3]), batcher.add(1, [4])];
    await tick(30);
    expect(stored.sort((a, b) => a.partition - b.partition)).toEqual([{ partition: 1, items: [1, 2, 4] }, { partition: 2, items: [3] }]);
    for (const a of answers) a.resolve();
    await Promise.all(waits);
  });

  it('a full batch goes at once, and a message larger than a batch is split, acknowledged only when all of it is stored', async () => {
    const { stored, answers, store } = recordingStore();
    const batcher = new PartitionBatcher(store, { lingerMs: 60_000, maxItems: 3 });
    let settled = false;
    const done = batcher.add(0, [1, 2, 3, 4, 5, 6, 7]).then(() => (settled = true));
    expect(stored.map((b) => b.items)).toEqual([[1, 2, 3], [4, 5, 6]]);
    answers[0]!.resolve();
    answers[1]!.resolve();
    await tick(5);
    expect(settled).toBe(false); // 7 still waits in an open batch
    batcher.close();
    expect(stored.map((b) => b.items)).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
    answers[2]!.resolve();
    await done;
    expect(settled).toBe(true);
  });

  it('a batch that is not stored fails every message in it, so none is acknowledged to its device', async () => {
    const { answers, store } = recordingStore();
    const batcher = new PartitionBatcher(store, { lingerMs: 1, maxItems: 10 });
    const a = batcher.add(0, [1]);
    const b = batcher.add(0, [2]);
    await tick(20);
    answers[0]!.reject(new Error('NATS away'));
    await expect(a).rejects.toThrow('NATS away');
    await expect(b).rejects.toThrow('NATS away');
  });
});
