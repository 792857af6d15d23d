import {
  AckPolicy,
  DeliverPolicy,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import { headers, nanos } from '@nats-io/nats-core';
import type { Logger } from '../../infra/log/logger';
import { deadLetterHeaders, subjects } from '../bus/subjects';
import type { Decoded, StreamMessage } from './records';
import type { BatchWriter, StreamSource } from './writers';

export interface StreamRecorderOptions<Row> {
  stream: string;
  /** Durable pull consumer: several recorder processes may share it to split the work. */
  durable: string;
  filterSubject: string;
  /** A message's rows, or why each part cannot be stored. */
  decode(m: StreamMessage): Array<Decoded<Row>>;
  /** A row as text again: what is dead-lettered when PostgreSQL refuses it. */
  bodyOf(row: Row): string;
  writer: BatchWriter<Row>;
  batchSize: number;
  /** How long the server waits for an ack before redelivering; longer than a slow batch write. */
  ackWaitMs: number;
  /** How long one fetch waits for a batch to fill: the most a quiet stream's messages wait. */
  fetchWaitMs?: number;
  log: Logger;
}

export interface StreamRecorderStats {
  received: number;
  redelivered: number;
  /** Rows that were new to PostgreSQL. */
  written: number;
  /** Valid messages whose row was already there (redelivery, republished event). */
  duplicates: number;
  deadLettered: number;
  batches: number;
  failedBatches: number;
  /** Messages of the consumer not yet delivered, as of the last batch. */
  pending: number;
}

/** A message, or a part of one, that cannot be stored, and the bytes to dead-letter for it. */
interface Rejected {
  m: JsMsg;
  reason: string;
  detail: string;
  data: Uint8Array;
}

const RETRY_MS = 2_000;
const encoder = new TextEncoder();
const isMissedHeartbeats = (err: unknown) => err instanceof Error && /heartbeats missed/i.test(err.message);
/** PostgreSQL SQLSTATE class 22: the data itself cannot be stored (e.g. \u0000 in JSON). */
const isDataException = (err: unknown) => /^22/.test(String((err as { code?: unknown }).code ?? ''));

/**
 * Copies one JetStream stream into PostgreSQL: fetch a batch, decode, write it in one statement,
 * and ack only after the write committed. A crash anywhere before the ack means redelivery, and
 * the idempotent write makes redelivery harmless. Messages that can never be stored are sent to
 * the dead-letter stream (dlq.recorder.<reason>) and acked, so one bad message never blocks the rest.
 */
export class StreamRecorder<Row> {
  readonly stats: StreamRecorderStats = {
    received: 0, redelivered: 0, written: 0, duplicates: 0, deadLettered: 0, batches: 0, failedBatches: 0, pending: 0,
  };
  private stopped = false;
  private current: ConsumerMessages | null = null;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private source: StreamSource = { streamCreatedAt: new Date(0) };

  constructor(
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly options: StreamRecorderOptions<Row>,
  ) {}

  /** Creates or updates the durable consumer; resolves when it exists, then records in the background. */
  async start(): Promise<void> {
    await this.ensureConsumer();
    this.loop = this.run();
  }

  /** Finishes the batch in hand (written and acked), then returns. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.current?.close();
    await this.loop;
  }

  private async ensureConsumer(): Promise<void> {
    const { stream, durable, filterSubject, batchSize, ackWaitMs } = this.options;
    const tunable = { ack_wait: nanos(ackWaitMs), max_ack_pending: Math.max(10_000, batchSize * 8) };
    const info = await this.jsm.streams.info(stream);
    this.source = { streamCreatedAt: new Date(info.created) };
    try {
      await this.jsm.consumers.info(stream, durable);
      await this.jsm.consumers.update(stream, durable, tunable);
    } catch (err) {
      if (!/consumer not found/i.test((err as Error).message)) throw err;
      await this.jsm.consumers.add(stream, {
        durable_name: durable,
        filter_subject: filterSubject,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        ...tunable,
      });
    }
  }

  private async run(): Promise<void> {
    const { stream, durable, log } = this.options;
    while (!this.stopped) {
      try {
        const consumer = await this.js.consumers.get(stream, durable);
        while (!this.stopped) {
          this.current = await consumer.fetch({ max_messages: this.options.batchSize, expires: this.options.fetchWaitMs ?? 1_000 });
          const batch: JsMsg[] = [];
          let ended: unknown = null;
          try {
            for await (const m of this.current) batch.push(m);
          } catch (err) {
            ended = err;
          }
          this.current = null;
          // What a fetch received is recorded however it ended: left unacked, it came back only after the ack wait.
          if (batch.length > 0) await this.record(batch);
          // The client gives up a fetch after two of the server's heartbeats go missing, which can
          // race the fetch's own expiry: the next fetch simply goes on, as after an expired one.
          if (ended !== null && !isMissedHeartbeats(ended)) throw ended;
        }
      } catch (err) {
        if (this.stopped) break;
        log.warn({ err: (err as Error).message, stream, durable }, 'recording paused; retrying');
        await this.pause(RETRY_MS);
        // The stream may have been recreated (and the consumer with it).
        await this.ensureConsumer().catch(() => {});
      }
    }
  }

  private async record(batch: JsMsg[]): Promise<void> {
    const { decode, log } = this.options;
    const rows: Row[] = [];
    /** The message each row came from. */
    const sources: JsMsg[] = [];
    const rejected: Rejected[] = [];
    for (const m of batch) {
      this.stats.received++;
      if (m.redelivered) this.stats.redelivered++;
      for (const part of decode({ subject: m.subject, streamSeq: m.seq, body: m.string() })) {
        if (part.ok) {
          rows.push(part.row);
          sources.push(m);
        } else rejected.push({ m, reason: part.reason, detail: part.detail, data: part.data ?? m.data });
      }
    }
    this.stats.pending = batch[batch.length - 1]!.info.pending;
    try {
      if (rows.length > 0) await this.write(rows, sources, rejected);
      for (const r of rejected) await this.deadLetter(r);
    } catch (err) {
      // Nothing acked: the whole batch comes back, after a pause that spares a struggling database.
      this.stats.failedBatches++;
      log.warn({ err: (err as Error).message, stream: this.options.stream, messages: batch.length }, 'batch not recorded; it will be redelivered');
      for (const m of batch) m.nak(RETRY_MS);
      await this.pause(RETRY_MS);
      return;
    }
    for (const m of batch) m.ack();
    this.stats.batches++;
  }

  private async write(rows: Row[], sources: JsMsg[], rejected: Rejected[]): Promise<void> {
    try {
      const written = await this.options.writer.write(rows, this.source);
      this.stats.written += written;
      this.stats.duplicates += rows.length - written;
      return;
    } catch (err) {
      if (!isDataException(err)) throw err;
    }
    // Some row in the batch cannot be stored: find it by writing one at a time.
    for (let i = 0; i < rows.length; i++) {
      try {
        const written = await this.options.writer.write([rows[i]!], this.source);
        this.stats.written += written;
        this.stats.duplicates += 1 - written;
      } catch (err) {
        if (!isDataException(err)) throw err;
        rejected.push({ m: sources[i]!, reason: 'unstorable', detail: (err as Error).message, data: encoder.encode(this.options.bodyOf(rows[i]!)) });
      }
    }
  }

  private async deadLetter({ m, reason, detail, data }: Rejected): Promise<void> {
    const h = headers();
    h.set(deadLetterHeaders.reason, reason);
    h.set(deadLetterHeaders.detail, `${m.subject} #${m.seq}: ${detail}`.replace(/[^\x20-\x7e]+/g, ' ').slice(0, 500));
    h.set(deadLetterHeaders.stage, 'recorder');
    h.set(deadLetterHeaders.receivedAt, String(Date.now()));
    await this.js.publish(subjects.deadLetter('recorder', reason), data, { headers: h });
    this.stats.deadLettered++;
    this.options.log.warn({ stream: this.options.stream, seq: m.seq, reason, detail }, 'message dead-lettered');
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
