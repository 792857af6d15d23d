import { DeliverPolicy, type ConsumerMessages, type JetStreamClient, type JsMsg, type Consumer } from '@nats-io/jetstream';
import type { Logger } from '../../infra/log/logger';

export interface PartitionFeedOptions {
  stream: string;
  /** The partition's subject filter in the stream. */
  filter: string;
  partition: number;
  /** Sequence of the last message already applied: the feed (re)starts right after it. */
  appliedSeq: () => number;
  /**
   * Applies one message; false ends the feed (the partition is gone). A promise pending here is
   * the host holding the partition back (a late lease renewal), never a stall.
   */
  handle: (m: JsMsg) => boolean | Promise<boolean>;
}

/** Buffered messages arrive as microtasks: a macrotask turn now and then keeps timers (lease renewals) running. */
const YIELD_EVERY = 200;

/**
 * A partition's TELEMETRY in stream order, through an ordered consumer, with a watchdog.
 *
 * The client library heals an ordered consumer after missed heartbeats or a sequence gap, but not
 * every loss: on nats-server 2.9 a consumer deleted on the server (409 "consumer deleted") leaves
 * the iterator waiting for ever. So a feed that has been quiet for a while asks the server how
 * much is pending; still quiet with messages pending on the next check, it starts a new consumer
 * after the last applied sequence (applying is idempotent, so an overlap changes nothing). The
 * same check keeps `pending` true for a quiet partition, where the last message's figure goes stale.
 */
export class PartitionFeed {
  /** Messages of the partition not yet delivered, as of the last delivery or check. */
  pending = 0;
  restarts = 0;
  private lastDeliveryAt = Date.now();
  private consumer: Consumer | null = null;
  private messages: ConsumerMessages | null = null;
  private generation = 0;
  private holding = false;
  private suspect = false;
  private closed = false;

  constructor(
    private readonly js: JetStreamClient,
    private readonly options: PartitionFeedOptions,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    const generation = ++this.generation;
    const from = this.options.appliedSeq();
    this.consumer = await this.js.consumers.get(this.options.stream, {
      filter_subjects: this.options.filter,
      ...(from > 0 ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: from + 1 } : { deliver_policy: DeliverPolicy.All }),
    });
    const messages = await this.consumer.consume({ max_messages: 1000 });
    this.messages = messages;
    this.lastDeliveryAt = Date.now();
    this.suspect = false;
    void this.run(messages, generation).catch((err: unknown) =>
      this.log.error({ err, partition: this.options.partition }, 'partition consumer stopped'),
    );
  }

  private async run(messages: ConsumerMessages, generation: number): Promise<void> {
    let sinceYield = 0;
    for await (const m of messages) {
      // A restarted feed's old iterator may still hold buffered messages: the new one has them.
      if (this.closed || generation !== this.generation) break;
      this.lastDeliveryAt = Date.now();
      this.pending = m.info.pending;
      const result = this.options.handle(m);
      let goOn: boolean;
      if (typeof result === 'boolean') goOn = result;
      else {
        this.holding = true;
        goOn = await result.finally(() => (this.holding = false));
        this.lastDeliveryAt = Date.now();
      }
      if (!goOn) {
        this.close();
        break;
      }
      if (++sinceYield === YIELD_EVERY) {
        sinceYield = 0;
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
  }

  /**
   * The watchdog, on the host's timer: a feed quiet for `quietMs` refreshes `pending` from the
   * server, and one found quiet with messages pending twice in a row (or whose consumer is gone)
   * is restarted.
   */
  async check(now: number, quietMs: number): Promise<void> {
    if (this.closed || this.holding || !this.consumer || now - this.lastDeliveryAt < quietMs) {
      this.suspect = false;
      return;
    }
    const generation = this.generation;
    let pending: number;
    try {
      pending = (await this.consumer.info()).num_pending;
    } catch (err) {
      // NATS unreachable: the client reconnects and resumes on its own; nothing to restart yet.
      if (!/consumer not found/i.test((err as Error).message)) return;
      pending = -1;
    }
    if (this.closed || generation !== this.generation) return;
    if (pending === 0) {
      this.pending = 0;
      this.suspect = false;
      return;
    }
    if (pending > 0) this.pending = pending;
    if (pending > 0 && !this.suspect) {
      this.suspect = true;
      return;
    }
    this.restarts++;
    this.log.warn(
      { partition: this.options.partition, pending: pending < 0 ? 'consumer gone' : pending, fromSeq: this.options.appliedSeq() + 1 },
      'partition consumer stalled; restarting it after the last applied message',
    );
    this.messages?.stop();
    if (!this.closed) await this.start();
  }

  /**
   * Stops the consumer without waiting: `ConsumerMessages.close()` resolves only once its iterator
   * has been read to the end, which never happens when called from the loop reading it.
   */
  close(): void {
    this.closed = true;
    this.messages?.stop();
  }
}
