import type { NatsConnection } from '@nats-io/transport-node';
import { headers } from '@nats-io/nats-core';
import { JetStreamPublisher, withMsgId } from '../bus/jetstream-publisher';
import { dedupeId, type Telemetry } from '../telemetry/schema';
import { deadLetterHeaders, partitionOf, subjects } from '../bus/subjects';

const encoder = new TextEncoder();

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

/** Writes accepted telemetry and dead letters to JetStream; resolves once the server has them. */
export class TelemetryPublisher {
  private readonly js: JetStreamPublisher;
  constructor(
    nc: NatsConnection,
    private readonly partitions: number,
  ) {
    this.js = new JetStreamPublisher(nc);
  }

  /** Resolves to how many records JetStream stored as new (resends inside its window are not). */
  async publishTelemetry(records: Telemetry[]): Promise<number> {
    const acks = await Promise.all(
      records.map((r) =>
        this.js.publish(subjects.telemetry(partitionOf(r.vehicleId, this.partitions), r.vehicleId), encoder.encode(JSON.stringify(r)), withMsgId(dedupeId(r))),
      ),
    );
    return acks.filter((ack) => !ack.duplicate).length;
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

  /** Publishes still waiting for JetStream fail at once. */
  close(): void {
    this.js.close();
  }
}

