import { PubHeaders } from '@nats-io/jetstream';
import { createInbox, headers, type Msg, type MsgHdrs, type NatsConnection, type Subscription } from '@nats-io/nats-core';

/** What JetStream answers a publish with once the message is stored. */
export interface PubAck {
  stream: string;
  seq: number;
  /** Stored before, inside the stream's duplicate window (same Nats-Msg-Id). */
  duplicate: boolean;
}

/** Headers naming a message for the stream's duplicate window: a resend with the same id is stored once. */
export function withMsgId(id: string, h: MsgHdrs = headers()): MsgHdrs {
  h.set(PubHeaders.MsgIdHdr, id);
  return h;
}

interface Pending {
  resolve(ack: PubAck): void;
  reject(err: Error): void;
  subject: string;
  sentAt: number;
}

interface Queued {
  id: number;
  subject: string;
  data: Uint8Array;
  headers: MsgHdrs | undefined;
}

/**
 * JetStream publishes that share one reply subscription. nats.js's `js.publish` is a request per
 * message, with a timer and an Error object made for each; at the ingress's rate that was about a
 * tenth of its CPU. Here a publish is a core publish whose reply subject names its pending entry,
 * and one sweep a second fails the entries that have waited longer than the timeout (the caller
 * retries; the Nats-Msg-Id header keeps a retry from being stored twice).
 *
 * Publishes wait for the end of the event-loop turn and go out together: nats.js writes its buffer
 * to the socket at the next microtask checkpoint, which between messages handled one by one meant
 * a write system call per message (a fifth of the ingress's CPU).
 */
export class JetStreamPublisher {
  private readonly prefix = createInbox();
  private readonly pending = new Map<number, Pending>();
  private lastId = 0;
  private readonly replies: Subscription;
  private readonly sweep: NodeJS.Timeout;
  private queue: Queued[] = [];
  private closed = false;

  constructor(
    private readonly nc: NatsConnection,
    private readonly timeoutMs = 5000,
  ) {
    this.replies = nc.subscribe(`${this.prefix}.*`, {
      callback: (err, msg) => {
        if (!err) this.settle(msg);
      },
    });
    this.sweep = setInterval(() => this.expire(Date.now()), Math.min(1000, timeoutMs));
    this.sweep.unref();
  }

  /** Resolves once the stream has stored the message; rejects with the reason it was not. */
  publish(subject: string, data: Uint8Array, headers?: MsgHdrs): Promise<PubAck> {
    // Its reply subscription is gone: nothing would ever answer.
    if (this.closed) return Promise.reject(new Error('publisher closed'));
    const id = ++this.lastId;
    return new Promise<PubAck>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, subject, sentAt: Date.now() });
      if (this.queue.length === 0) setImmediate(() => this.flush());
      this.queue.push({ id, subject, data, headers });
    });
  }

  private flush(): void {
    const queue = this.queue;
    this.queue = [];
    for (const { id, subject, data, headers } of queue) {
      // Failed meanwhile (closed, timed out): nothing waits for it any more.
      const pending = this.pending.get(id);
      if (!pending) continue;
      try {
        this.nc.publish(subject, data, { reply: `${this.prefix}.${id}`, headers });
      } catch (err) {
        this.pending.delete(id);
        pending.reject(err as Error);
      }
    }
  }

  /** Pending publishes fail at once; the subscription ends. */
  close(): void {
    this.closed = true;
    clearInterval(this.sweep);
    this.replies.unsubscribe();
    this.expire(Number.POSITIVE_INFINITY, 'publisher closed');
  }

  private settle(msg: Msg): void {
    const id = Number(msg.subject.slice(this.prefix.length + 1));
    const pending = this.pending.get(id);
    // A reply after the timeout: the caller has already been told, and will resend.
    if (!pending) return;
    this.pending.delete(id);
    if (msg.headers?.code === 503) {
      pending.reject(new Error(`no JetStream stream takes ${pending.subject} (no responders)`));
      return;
    }
    let ack: { stream?: string; seq?: number; duplicate?: boolean; error?: { description?: string } };
    try {
      ack = msg.json();
    } catch {
      pending.reject(new Error(`JetStream answered a publish to ${pending.subject} with something that is not JSON`));
      return;
    }
    if (ack.error || typeof ack.seq !== 'number') {
      pending.reject(new Error(`JetStream refused a publish to ${pending.subject}: ${ack.error?.description ?? 'no sequence in its answer'}`));
      return;
    }
    pending.resolve({ stream: ack.stream ?? '', seq: ack.seq, duplicate: ack.duplicate === true });
  }

  /** Entries are in publish order, so the sweep stops at the first one still within its time. */
  private expire(now: number, reason?: string): void {
    for (const [id, pending] of this.pending) {
      if (now - pending.sentAt < this.timeoutMs) break;
      this.pending.delete(id);
      pending.reject(new Error(reason ?? `JetStream did not acknowledge a publish to ${pending.subject} within ${this.timeoutMs} ms`));
    }
  }
}
