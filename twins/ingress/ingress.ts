import { hostname } from 'node:os';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from '../../infra/log/logger';
import { brokerUrls } from '../bus/mqtt-brokers';
import { decodeMessage, TOPIC_PREFIX } from './decode';
import { PipelinedSubscription } from './pipelined-subscription';
import { TelemetryPublisher } from './publisher';

export interface IngressOptions {
  /** One broker, or several comma-separated (twins/bus/mqtt-brokers.ts): `connections` on each. */
  mqttUrl: string;
  partitions: number;
  connections: number;
  /** Stable per replica, so the broker keeps each connection's session across restarts. */
  instanceId?: string;
  /** Shared-subscription group: replicas in one group split the device traffic. */
  group?: string;
  /** Messages being stored at once per connection (acknowledged in order as each is stored). */
  inFlightPerConnection?: number;
}

export interface IngressStats {
  received: number;
  records: number;
  deadLettered: Record<string, number>;
  publishRetries: number;
}

export const DEAD_LETTER_STAGE = 'ingress';

/**
 * MQTT in, JetStream out. Each connection joins the shared subscription $share/<group>/fleet/#,
 * so the broker spreads devices over connections and replicas. Records are stored in batches per
 * partition (publisher.ts). A message is acknowledged to the broker only after JetStream has
 * stored its records or its dead letter; if NATS is away the batch is retried, never dropped. Each connection stores up to `inFlightPerConnection`
 * messages at once (pipelined-subscription.ts), so throughput is not one JetStream round trip
 * per message per connection.
 */
export class Ingress {
  readonly stats: IngressStats = { received: 0, records: 0, deadLettered: {}, publishRetries: 0 };
  private readonly subscriptions: PipelinedSubscription[] = [];
  private readonly publisher: TelemetryPublisher;
  private stopping = false;
  private lastMessageAt = 0;

  constructor(
    nc: NatsConnection,
    private readonly options: IngressOptions,
    private readonly log: Logger,
  ) {
    this.publisher = new TelemetryPublisher(nc, options.partitions, { retry: (publish) => this.untilStored(publish) });
  }

  async start(): Promise<void> {
    const instance = this.options.instanceId ?? hostname();
    const group = this.options.group ?? 'ingress';
    const filter = `$share/${group}/${TOPIC_PREFIX}/#`;
    const urls = brokerUrls(this.options.mqttUrl);
    for (let i = 0; i < this.options.connections * urls.length; i++) {
      const subscription = new PipelinedSubscription({
        url: urls[i % urls.length]!,
        clientId: `fleet-ingress-${instance}-${i}`.slice(0, 64),
        filter,
        sessionExpirySeconds: 3600,
        receiveMaximum: this.options.inFlightPerConnection ?? 16,
        onMessage: (topic, payload) => this.handle(topic, payload),
        onError: (err) => this.log.warn({ err: err.message, connection: i }, 'mqtt connection error'),
        onReconnect: () => this.log.info({ connection: i }, 'mqtt reconnecting'),
      });
      await subscription.start();
      this.subscriptions.push(subscription);
    }
    this.log.info({ filter, connections: this.options.connections, mqtt: this.options.mqttUrl }, 'ingress subscribed');
  }

  /** Messages delivered to this ingress and not yet stored (so not yet acknowledged). */
  inFlight(): number {
    return this.subscriptions.reduce((sum, s) => sum + s.inFlight, 0);
  }

  /** Decodes one message and stores the outcome durably; resolves when it is safe to ack. */
  async handle(topic: string, payload: Uint8Array): Promise<void> {
    this.stats.received++;
    const receivedAt = Date.now();
    this.lastMessageAt = receivedAt;
    const outcome = decodeMessage(topic, payload, receivedAt);
    if (outcome.ok) {
      // Not `+= await`: that reads the count before the wait, and messages stored meanwhile are lost from it.
      const stored = await this.publisher.publishTelemetry(outcome.records);
      this.stats.records += stored;
      return;
    }
    this.stats.deadLettered[outcome.code] = (this.stats.deadLettered[outcome.code] ?? 0) + 1;
    this.log.debug({ topic, code: outcome.code, detail: outcome.detail }, 'dead-lettered');
    await this.untilStored(() =>
      this.publisher.publishDeadLetter({ stage: DEAD_LETTER_STAGE, code: outcome.code, detail: outcome.detail, topic, receivedAt, payload }),
    );
  }

  private async untilStored<T>(publish: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await publish();
      } catch (err) {
        if (this.stopping) throw err;
        this.stats.publishRetries++;
        const waitMs = Math.min(10_000, 100 * 2 ** attempt);
        this.log.warn({ err: (err as Error).message, waitMs }, 'JetStream publish failed; retrying (message not acked yet)');
        await new Promise((r) => setTimeout(r, waitMs));
      }
    }
  }

  /**
   * Leaves the shared subscription before disconnecting. Mosquitto keeps routing a share of the
   * traffic to a persistent session that still holds the subscription even while it is offline,
   * so a replica that only disconnected would strand its share until it came back. After the
   * unsubscribe the broker still sends what it had queued for this session: wait for that.
   */
  async stop({ quietMs = 500, maxWaitMs = 15_000 } = {}): Promise<void> {
    await Promise.all(this.subscriptions.map((s) => s.unsubscribe().catch(() => undefined)));
    const deadline = Date.now() + maxWaitMs;
    this.lastMessageAt = Math.max(this.lastMessageAt, Date.now());
    while (Date.now() < deadline && (this.inFlight() > 0 || Date.now() - this.lastMessageAt < quietMs)) {
      await new Promise((r) => setTimeout(r, 50));
    }
    this.stopping = true;
    await Promise.all(this.subscriptions.map((s) => s.stop()));
    this.publisher.close();
  }
}
