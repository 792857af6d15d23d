import type { DeviceKind } from '../../twins/telemetry/schema';
import type { DeviceMessage } from '../devices/device';
import { DeviceConnection } from './device-connection';

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
  /** Connected at least once (a device out of coverage since it was switched on has not). */
  connectedOnce: boolean;
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

/** One reading on its way (a duplicated reading is two publishes of one of these). */
interface SentReading {
  seq: number;
  malformed: boolean;
  acknowledged: boolean;
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
 * broker restart) is dialled again, and every unacknowledged publish is sent again on it. A
 * device that takes commands keeps a persistent session, as a real tracker does: the broker holds
 * the commands sent while it is offline (an OTA offer to a parked, powered-down vehicle) and hands
 * them over when it is back.
 */
export class DeviceLink {
  readonly stats: LinkStats;
  private readonly connection: DeviceConnection;
  private isOpen = false;
  private outOfCoverage = false;
  private readonly waiting: DeviceMessage[] = [];
  /** The device's store-and-forward memory, oldest first; `stored` marks readings taken out of coverage. */
  private readonly store: Array<{ message: DeviceMessage; stored: boolean }> = [];
  private connectErrors = 0;

  constructor(
    deviceId: string,
    kind: DeviceKind,
    format: string,
    options: LinkOptions,
  ) {
    this.stats = {
      deviceId, kind, format, connected: false, connectedOnce: false, sent: 0, acked: 0, errors: 0, readingsAcked: 0, duplicatesSent: 0,
      malformedSent: 0, malformedAcked: 0, stored: 0, replayed: 0, held: 0, waiting: 0, reconnects: 0,
    };
    const commands = options.commands;
    this.connection = new DeviceConnection({
      url: options.url,
      clientId: deviceId,
      persistent: commands !== undefined,
      keepaliveS: 60,
      reconnectMs: (options.reconnectS ?? 2) * 1000,
      connectTimeoutMs: 30_000,
      onConnect: (sessionPresent) => {
        // A session the broker kept has the subscription (and what was queued for it) already.
        if (commands && !sessionPresent) this.connection.subscribe(commands.topic);
        if (this.stats.connectedOnce) this.stats.reconnects++;
        this.stats.connected = true;
        this.stats.connectedOnce = true;
      },
      onClose: () => {
        this.stats.connected = false;
      },
      onError: () => {
        this.connectErrors++;
      },
      ...(commands ? { onMessage: (_topic: string, payload: Buffer) => commands.receive(payload) } : {}),
    });
  }

  get opened(): boolean {
    return this.isOpen;
  }

  get hasConnected(): boolean {
    return this.stats.connectedOnce;
  }

  get connectionErrors(): number {
    return this.connectErrors;
  }

  /** Opens the connection (once) and hands over whatever waited for it. */
  open(): void {
    if (this.isOpen) return;
    this.isOpen = true;
    this.connection.open();
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
      this.store.push({ message, stored: true });
      this.stats.held = this.store.length;
      return;
    }
    if (this.outOfCoverage) this.regainCoverage();
    this.send(message);
  }

  /** Drops the TCP connection without a goodbye, as a broker restart or a network fault would. */
  dropConnection(): void {
    this.connection.drop();
  }

  /** Closes the connection; gracefully waits (a while) for in-flight acknowledgements unless `force`. */
  async close(force = false): Promise<void> {
    await this.connection.end(force ? 0 : CLOSE_GRACE_MS);
    this.stats.connected = false;
    this.connection.abandon('the device shut down before the broker acknowledged it');
  }

  /**
   * Out of coverage: the device lets what is in flight finish and hangs up; what the broker has
   * not acknowledged by then stays in its memory for the next connection.
   */
  private loseCoverage(): void {
    this.outOfCoverage = true;
    void this.connection.end(CLOSE_GRACE_MS);
  }

  /** Back in coverage: connect again (once the old connection has closed) and replay the store in order. */
  private regainCoverage(): void {
    this.outOfCoverage = false;
    this.connection.open();
    for (const { message, stored } of this.store.splice(0)) this.send(message, stored);
    this.stats.held = 0;
  }

  private send(message: DeviceMessage, replayed = false): void {
    const stats = this.stats;
    if (replayed) stats.replayed++;
    const copies = message.duplicate ? 2 : 1;
    // What the acknowledgement needs, not the message: held until the broker answers, the
    // reading's body would outlive young-generation collections and be copied into the old one.
    const reading: SentReading = { seq: message.seq, malformed: message.malformed !== undefined, acknowledged: false };
    for (let copy = 0; copy < copies; copy++) {
      stats.sent++;
      if (copy > 0) stats.duplicatesSent++;
      if (reading.malformed) stats.malformedSent++;
      if (stats.lastSeqSent === undefined || message.seq > stats.lastSeqSent) stats.lastSeqSent = message.seq;
      this.connection.publish(message.topic, message.payload, (err) => this.acknowledged(reading, err));
    }
  }

  private acknowledged(reading: SentReading, err: Error | undefined): void {
    const stats = this.stats;
    if (err) {
      stats.errors++;
      return;
    }
    stats.acked++;
    if (reading.malformed) {
      stats.malformedAcked++;
      return;
    }
    if (!reading.acknowledged) stats.readingsAcked++;
    reading.acknowledged = true;
    if (stats.lastSeqAcked === undefined || reading.seq > stats.lastSeqAcked) stats.lastSeqAcked = reading.seq;
  }
}
