import mqtt, { type MqttClient } from 'mqtt';
import type { DeviceKind } from '../../twins/telemetry/schema';
import type { DeviceMessage } from '../devices/device';

/**
 * What one device has done on the wire: the basis of the loss check. A reading is one sample;
 * a publish is one MQTT PUBLISH (a duplicated reading makes two; a malformed one makes one that
 * the platform must refuse).
 */
export interface LinkStats {
  deviceId: string;
  kind: DeviceKind;
  format: string;
  connected: boolean;
  /** Publishes handed to the MQTT client (sent, or held by it until the connection is up). */
  sent: number;
  /** Publishes acknowledged by the broker (PUBACK). */
  acked: number;
  /** Publishes the client gave up on. */
  errors: number;
  /** Well-formed readings acknowledged at least once: what the platform must apply, exactly once each. */
  readingsAcked: number;
  /** Of `sent`: second copies of a reading. */
  duplicatesSent: number;
  /** Of `sent`: deliberately broken payloads, and how many of them the broker acknowledged. */
  malformedSent: number;
  malformedAcked: number;
  /** Readings taken out of coverage, and of those the ones replayed after reconnecting. */
  stored: number;
  replayed: number;
  /** Readings in the device's store now (out of coverage at the end of the run). */
  held: number;
  /** Readings taken before the connection was first opened, waiting for it. */
  waiting: number;
  /** Connections lost and made again (coverage gaps, storms, broker restarts). */
  reconnects: number;
  lastSeqSent?: number;
  lastSeqAcked?: number;
}

/** How long a graceful hang-up may wait for acknowledgements before the connection is cut. */
const CLOSE_GRACE_MS = 10_000;

/**
 * Ends a client gracefully, waiting at most `ms` for acknowledgements. After that a device that
 * changes connections lets the old one finish in the background; one that shuts down (`cut`)
 * destroys its socket (mqtt.js's forced end waits for a close event that an already closed
 * socket never emits).
 */
async function endWithin(client: MqttClient, ms: number, cut = false): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const forced = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      if (cut) client.stream?.destroy();
      resolve();
    }, ms);
  });
  await Promise.race([client.endAsync(false).catch(() => undefined), forced]);
  clearTimeout(timer);
}

export interface LinkOptions {
  url: string;
  /** Seconds between reconnect attempts. */
  reconnectS?: number;
  /** The device's command topic and what takes its commands (the OTA agent). */
  commands?: { topic: string; receive(payload: Uint8Array): void };
}

/**
 * One device's own MQTT connection: client id = device id, QoS 1. Readings taken
 * before the connection is opened, or while the device is out of coverage, wait in order (a
 * tracker keeps them in flash) and go out first when it is back. A lost connection (a storm, a
 * broker restart) is made again by the client, which resends every unacknowledged publish. A
 * device that takes commands keeps a persistent session, as a real tracker does: the broker holds
 * the commands sent while it is offline (an OTA offer to a parked, powered-down vehicle) and hands
 * them over when it is back.
 */
export class DeviceLink {
  readonly stats: LinkStats;
  private client: MqttClient | undefined;
  private isOpen = false;
  private outOfCoverage = false;
  /** Set from losing coverage until the new connection exists: the old one closes first. */
  private reconnecting: Promise<void> | undefined;
  private readonly waiting: DeviceMessage[] = [];
  /** The device's store-and-forward memory, oldest first; `stored` marks readings taken out of coverage. */
  private readonly store: Array<{ message: DeviceMessage; stored: boolean }> = [];
  private connectErrors = 0;
  private everConnected = false;
  /** Set by close(): publishes that fail from then on are given up, not sent again. */
  private closing = false;
  /** Connections left to finish their hang-up in the background (coverage lost); cut on close. */
  private readonly retiring = new Set<MqttClient>();
  /** Publishes that failed while the device was changing connections: they go first on the next one. */
  private readonly unsent: Array<{ message: DeviceMessage; reading: { acknowledged: boolean } }> = [];

  constructor(
    deviceId: string,
    kind: DeviceKind,
    format: string,
    private readonly options: LinkOptions,
  ) {
    this.stats = {
      deviceId, kind, format, connected: false, sent: 0, acked: 0, errors: 0, readingsAcked: 0, duplicatesSent: 0,
      malformedSent: 0, malformedAcked: 0, stored: 0, replayed: 0, held: 0, waiting: 0, reconnects: 0,
    };
  }

  get opened(): boolean {
    return this.isOpen;
  }

  get hasConnected(): boolean {
    return this.everConnected;
  }

  get connectionErrors(): number {
    return this.connectErrors;
  }

  /** Opens the connection (once) and hands over whatever waited for it. */
  open(): void {
    if (this.isOpen) return;
    this.isOpen = true;
    this.connect();
    for (const message of this.waiting.splice(0)) this.publish(message);
    this.stats.waiting = 0;
  }

  publish(message: DeviceMessage): void {
    if (!this.isOpen) {
      this.waiting.push(message);
      this.stats.waiting = this.waiting.length;
      return;
    }
    if (message.offline) {
      if (!this.outOfCoverage) this.loseCoverage();
      this.stats.stored++;
      this.keep(message, true);
      return;
    }
    if (this.outOfCoverage) this.regainCoverage();
    if (this.reconnecting) this.keep(message, false);
    else this.send(message);
  }

  /** Drops the TCP connection without a goodbye, as a broker restart or a network fault would. */
  dropConnection(): void {
    if (this.client?.connected) this.client.stream.destroy();
  }

  /** Closes the connection; gracefully waits (a while) for in-flight acknowledgements unless `force`. */
  async close(force = false): Promise<void> {
    this.closing = true;
    await this.reconnecting;
    const client = this.client;
    if (client) {
      await endWithin(client, force ? 0 : CLOSE_GRACE_MS, true);
      this.stats.connected = false;
    }
    this.stats.errors += this.unsent.splice(0).length;
    // An old connection still waiting for acknowledgements would keep the process alive.
    for (const old of this.retiring) old.stream?.destroy();
    this.retiring.clear();
  }

  private connect(): void {
    const client = mqtt.connect(this.options.url, {
      clientId: this.stats.deviceId,
      clean: !this.options.commands,
      protocolVersion: 4,
      keepalive: 60,
      connectTimeout: 30_000,
      reconnectPeriod: (this.options.reconnectS ?? 2) * 1000,
    });
    const commands = this.options.commands;
    if (commands) client.on('message', (_topic, payload) => commands.receive(payload));
    client.on('connect', (connack) => {
      // A session the broker kept has the subscription (and what was queued for it) already.
      if (commands && !connack.sessionPresent) client.subscribe(commands.topic, { qos: 1 });
      if (this.everConnected) this.stats.reconnects++;
      this.everConnected = true;
      this.stats.connected = true;
    });
    client.on('close', () => {
      this.stats.connected = false;
    });
    client.on('error', () => {
      this.connectErrors++;
    });
    this.client = client;
  }

  private keep(message: DeviceMessage, stored: boolean): void {
    this.store.push({ message, stored });
    this.stats.held = this.store.length;
  }

  /**
   * Out of coverage: the device lets what is in flight finish and hangs up. Its next connection
   * waits for that, so two connections with one client id never take each other over.
   */
  private loseCoverage(): void {
    this.outOfCoverage = true;
    const client = this.client;
    this.client = undefined;
    if (client) {
      this.retiring.add(client);
      client.once('end', () => this.retiring.delete(client));
    }
    const closed = client ? endWithin(client, CLOSE_GRACE_MS) : undefined;
    this.reconnecting = Promise.all([this.reconnecting, closed]).then(() => undefined);
  }

  /** Back in coverage: connect again once the old connection has closed, and replay the store in order. */
  private regainCoverage(): void {
    this.outOfCoverage = false;
    const closed = this.reconnecting ?? Promise.resolve();
    const next = closed.then(() => {
      if (this.outOfCoverage || this.reconnecting !== next) return;
      this.reconnecting = undefined;
      this.connect();
      for (const { message, reading } of this.unsent.splice(0)) this.transmit(message, reading);
      for (const { message, stored } of this.store.splice(0)) this.send(message, stored);
      this.stats.held = 0;
    });
    this.reconnecting = next;
  }

  private send(message: DeviceMessage, replayed = false): void {
    const stats = this.stats;
    if (replayed) stats.replayed++;
    const copies = message.duplicate ? 2 : 1;
    const reading = { acknowledged: false };
    for (let copy = 0; copy < copies; copy++) {
      stats.sent++;
      if (copy > 0) stats.duplicatesSent++;
      if (message.malformed) stats.malformedSent++;
      if (stats.lastSeqSent === undefined || message.seq > stats.lastSeqSent) stats.lastSeqSent = message.seq;
      this.transmit(message, reading);
    }
  }

  /**
   * One PUBLISH of a reading on the current connection. mqtt.js fails the publishes it queued
   * behind its resend of unacknowledged ones when that connection drops too (a storm while
   * reconnecting) — they never went out. A device still has such a reading in its memory and
   * sends it again once connected; only a device that is shutting down gives up on it.
   */
  private transmit(message: DeviceMessage, reading: { acknowledged: boolean }): void {
    const stats = this.stats;
    if (this.reconnecting) {
      this.unsent.push({ message, reading });
      return;
    }
    this.client!.publish(message.topic, Buffer.from(message.payload), { qos: 1 }, (err) => {
      if (err) {
        if (this.closing) stats.errors++;
        // Later: mqtt.js calls back while it is still emptying its queue.
        else setImmediate(() => this.transmit(message, reading));
        return;
      }
      stats.acked++;
      if (message.malformed) {
        stats.malformedAcked++;
        return;
      }
      if (!reading.acknowledged) stats.readingsAcked++;
      reading.acknowledged = true;
      if (stats.lastSeqAcked === undefined || message.seq > stats.lastSeqAcked) stats.lastSeqAcked = message.seq;
    });
  }
}
