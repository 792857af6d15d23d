import mqtt, { type MqttClient } from 'mqtt';
import type { DeviceKind } from '../../twins/telemetry/schema';
import type { DeviceMessage } from '../devices/device';

/** What one device has done on the wire: the basis of the zero-loss proof. */
export interface LinkStats {
  deviceId: string;
  kind: DeviceKind;
  connected: boolean;
  /** Handed to the MQTT client (sent, or held by it until the connection is up). */
  sent: number;
  /** Acknowledged by the broker (PUBACK). */
  acked: number;
  /** Publishes the client gave up on. */
  errors: number;
  /** Readings taken before the connection was opened, waiting for it. */
  waiting: number;
  lastSeqSent?: number;
  lastSeqAcked?: number;
}

export interface LinkOptions {
  url: string;
  /** Seconds between reconnect attempts. */
  reconnectS?: number;
}

/**
 * One device's own MQTT connection: clean session, client id = device id, QoS 1. Readings taken
 * before the connection is opened wait in order (a tracker keeps them in flash) and go out first.
 */
export class DeviceLink {
  readonly stats: LinkStats;
  private client: MqttClient | undefined;
  private readonly waiting: DeviceMessage[] = [];
  private connectErrors = 0;

  constructor(
    deviceId: string,
    kind: DeviceKind,
    private readonly options: LinkOptions,
  ) {
    this.stats = { deviceId, kind, connected: false, sent: 0, acked: 0, errors: 0, waiting: 0 };
  }

  get opened(): boolean {
    return this.client !== undefined;
  }

  get connectionErrors(): number {
    return this.connectErrors;
  }

  /** Opens the connection (once) and hands over whatever waited for it. */
  open(): void {
    if (this.client) return;
    const client = mqtt.connect(this.options.url, {
      clientId: this.stats.deviceId,
      clean: true,
      protocolVersion: 4,
      keepalive: 60,
      connectTimeout: 30_000,
      reconnectPeriod: (this.options.reconnectS ?? 2) * 1000,
    });
    client.on('connect', () => {
      this.stats.connected = true;
    });
    client.on('close', () => {
      this.stats.connected = false;
    });
    client.on('error', () => {
      this.connectErrors++;
    });
    this.client = client;
    for (const message of this.waiting.splice(0)) this.send(message);
    this.stats.waiting = 0;
  }

  publish(message: DeviceMessage): void {
    if (!this.client) {
      this.waiting.push(message);
      this.stats.waiting = this.waiting.length;
      return;
    }
    this.send(message);
  }

  /** Closes the connection; gracefully waits for in-flight acknowledgements unless `force`. */
  async close(force = false): Promise<void> {
    const client = this.client;
    if (!client) return;
    await client.endAsync(force);
    this.stats.connected = false;
  }

  private send(message: DeviceMessage): void {
    const stats = this.stats;
    stats.sent++;
    stats.lastSeqSent = message.seq;
    this.client!.publish(message.topic, Buffer.from(message.payload), { qos: 1 }, (err) => {
      if (err) {
        stats.errors++;
        return;
      }
      stats.acked++;
      if (stats.lastSeqAcked === undefined || message.seq > stats.lastSeqAcked) stats.lastSeqAcked = message.seq;
    });
  }
}
