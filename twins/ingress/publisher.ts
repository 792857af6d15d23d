import { randomUUID } from 'node:crypto';
import type { NatsConnection } from '@nats-io/transport-node';
import { headers } from '@nats-io/nats-core';
import { JetStreamPublisher, withMsgId } from '../bus/jetstream-publisher';
import { encodeTelemetryBatch } from '../telemetry/batch';
import type { Telemetry } from '../telemetry/schema';
import { deadLetterHeaders, partitionOf, subjects } from '../bus/subjects';
import { PartitionBatcher, type PartitionBatcherOptions } from './partition-batcher';

/** Header values are one line of printable text. */
function headerValue(text: string): string {
  return text.replace(/[\r\n\t]+/g, ' ').replace(/[^\x20-\x7e]/g, '?').slice(0, 1000);
}

export interface DeadLetter {
  stage: string;
  code: string;
  detail: string;
  topic: string;
  receivedAt: number;
  payload: Uint8Array;
}

/** Publishes until stored (the ingress retries with back-off); by default, once. */
export type StoreRetry = <T>(publish: () => Promise<T>) => Promise<T>;

export interface TelemetryPublisherOptions {
  retry?: StoreRetry;
  batches?: PartitionBatcherOptions;
}

/**
 * A few milliseconds of gathering make batches of several readings a partition at the ingress's
 * rate; a lone reading waits at most that long.
 */
export const DEFAULT_BATCHES: PartitionBatcherOptions = { lingerMs: 10, maxItems: 64 };

/** Writes accepted telemetry and dead letters to JetStream; resolves once the server has them. */
export class TelemetryPublisher {
  private readonly js: JetStreamPublisher;
  private readonly batcher: PartitionBatcher<Telemetry>;
  private readonly retry: StoreRetry;
  /** Batch ids: a retried batch keeps its Nats-Msg-Id, so JetStream stores it once. */
  private readonly idPrefix = randomUUID();
  private lastBatch = 0;

  constructor(
    nc: NatsConnection,
    private readonly partitions: number,
    options: TelemetryPublisherOptions = {},
  ) {
    this.js = new JetStreamPublisher(nc);
    this.retry = options.retry ?? ((publish) => publish());
    this.batcher = new PartitionBatcher((partition, records) => this.storeBatch(partition, records), options.batches ?? DEFAULT_BATCHES);
  }

  /**
   * Resolves once every record is stored, in a batch with other records of its partition
   * (twins/telemetry/batch.ts). A device's resend is stored again: twins and the recorder drop
   * it by the device's sequence number.
   */
  async publishTelemetry(records: readonly Telemetry[]): Promise<number> {
    // Nearly every device message holds one vehicle's records: no grouping for that.
    const first = records[0];
    if (!first) return 0;
    if (records.every((r) => r.vehicleId === first.vehicleId)) {
      await this.batcher.add(partitionOf(first.vehicleId, this.partitions), records);
      return records.length;
    }
    const byPartition = new Map<number, Telemetry[]>();
    for (const r of records) {
      const partition = partitionOf(r.vehicleId, this.partitions);
      const list = byPartition.get(partition);
      if (list) list.push(r);
      else byPartition.set(partition, [r]);
    }
    await Promise.all([...byPartition].map(([partition, list]) => this.batcher.add(partition, list)));
    return records.length;
  }

  private async storeBatch(partition: number, records: Telemetry[]): Promise<void> {
    const body = encodeTelemetryBatch(records);
    const id = `${this.idPrefix}.${++this.lastBatch}`;
    await this.retry(() => this.js.publish(subjects.telemetry(partition), body, withMsgId(id)));
  }

  async publishDeadLetter(letter: DeadLetter): Promise<void> {
    const h = headers();
    h.set(deadLetterHeaders.reason, headerValue(letter.code));
    h.set(deadLetterHeaders.detail, headerValue(letter.detail));
    h.set(deadLetterHeaders.topic, headerValue(letter.topic));
    h.set(deadLetterHeaders.receivedAt, String(letter.receivedAt));
    h.set(deadLetterHeaders.stage, letter.stage);
    const reason = /^[a-z0-9_]{1,40}$/.test(letter.code) ? letter.code : 'other';
    await this.js.publish(subjects.deadLetter(letter.stage, reason), letter.payload, h);
  }

  /** Gathered batches go out; publishes still waiting for JetStream fail at once. */
  close(): void {
    this.batcher.close();
    this.js.close();
  }
}

