import mqtt, { type MqttClient } from 'mqtt';
import type { NatsConnection } from '@nats-io/transport-node';
import { AckPolicy, jetstream, jetstreamManager, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import { headers } from '@nats-io/nats-core';
import type { Logger } from '../../infra/log/logger';
import { deadLetterHeaders, STREAM_COMMANDS, subjects } from '../bus/subjects';
import { brokerUrls } from '../bus/mqtt-brokers';
import { commandTopic, deviceCommandSchema } from './command';

/** One durable consumer that every bridge shares, so each command goes out once. */
export const BRIDGE_CONSUMER = 'command-bridge';
export const DEAD_LETTER_STAGE = 'commands';

export interface BridgeStats {
  bridged: number;
  deadLettered: number;
  retries: number;
}

/**
 * NATS → MQTT for device commands: takes commands from the COMMANDS work queue, checks them, and
 * publishes each to its device's command topic with QoS 1. The JetStream message is acknowledged
 * only after the broker's PUBACK, so a bridge that dies mid-way leaves the command to the next.
 */
export class CommandBridge {
  readonly stats: BridgeStats = { bridged: 0, deadLettered: 0, retries: 0 };
  /** One connection per broker (FLEET_MQTT_URL may name several). */
  private brokers: MqttClient[] = [];
  private messages: ConsumerMessages | undefined;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly nc: NatsConnection,
    private readonly options: { mqttUrl: string; instanceId: string },
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    this.brokers = await Promise.all(
      brokerUrls(this.options.mqttUrl).map(async (url, i) => {
        const client = await mqtt.connectAsync(url, {
          clientId: `fleet-commands-${this.options.instanceId}-${i}`.slice(0, 64),
          clean: true,
          reconnectPeriod: 1000,
          connectTimeout: 10_000,
        });
        client.on('error', (err) => this.log.warn({ err: err.message, broker: url }, 'command bridge: mqtt error'));
        return client;
      }),
    );
    const jsm = await jetstreamManager(this.nc);
    await jsm.consumers
      .add(STREAM_COMMANDS, { durable_name: BRIDGE_CONSUMER, ack_policy: AckPolicy.Explicit, ack_wait: 30_000_000_000, max_ack_pending: 1000 })
      .catch(async (err: unknown) => {
        // Already there (another bridge made it): use it as it is.
        if (!/consumer name already in use|already exists/i.test((err as Error).message)) throw err;
      });
    const consumer = await jetstream(this.nc).consumers.get(STREAM_COMMANDS, BRIDGE_CONSUMER);
    this.messages = await consumer.consume({ max_messages: 200 });
    const messages = this.messages;
    this.loop = (async () => {
      for await (const m of messages) await this.bridge(m);
    })();
    this.log.info({ consumer: BRIDGE_CONSUMER, mqtt: this.options.mqttUrl }, 'command bridge running');
  }

  private async bridge(m: JsMsg): Promise<void> {
    let json: unknown;
    try {
      json = m.json();
    } catch {
      return this.deadLetter(m, 'bad_json', 'the command is not JSON');
    }
    const parsed = deviceCommandSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return this.deadLetter(m, 'bad_command', `${issue?.path.join('.') || 'command'}: ${issue?.message ?? 'invalid'}`);
    }
    const command = parsed.data;
    if (m.subject !== subjects.command(command.vehicleId)) {
      return this.deadLetter(m, 'wrong_subject', `a command for vehicle ${command.vehicleId} on ${m.subject}`);
    }
    try {
      // The device's session is on one of the brokers; on the others nobody takes the topic.
      await Promise.all(this.brokers.map((b) => b.publishAsync(commandTopic(command.vehicleId, command.deviceId), Buffer.from(m.data), { qos: 1 })));
      m.ack();
      this.stats.bridged++;
    } catch (err) {
      this.stats.retries++;
      this.log.warn({ err: (err as Error).message, subject: m.subject }, 'command bridge: MQTT publish failed; redelivering');
      m.nak(1000);
    }
  }

  private async deadLetter(m: JsMsg, reason: string, detail: string): Promise<void> {
    const h = headers();
    h.set(deadLetterHeaders.reason, reason);
    h.set(deadLetterHeaders.detail, detail.slice(0, 1000));
    h.set(deadLetterHeaders.stage, DEAD_LETTER_STAGE);
    h.set(deadLetterHeaders.receivedAt, String(Date.now()));
    await jetstream(this.nc).publish(subjects.deadLetter(DEAD_LETTER_STAGE, reason), m.data, { headers: h });
    m.term();
    this.stats.deadLettered++;
  }

  async stop(): Promise<void> {
    this.messages?.stop();
    await this.loop;
    await Promise.all(this.brokers.map((b) => b.endAsync()));
  }
}
