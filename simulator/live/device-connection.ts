import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { generate, parser as mqttParser, type Packet } from 'mqtt-packet';
import { qos1Publish } from './publish-packet';

export interface DeviceConnectionOptions {
  url: string;
  clientId: string;
  /** Keep the session (and what is queued for its subscriptions) while the device is away. */
  persistent: boolean;
  keepaliveS: number;
  /** Wait before dialling again after a connection is lost or refused. */
  reconnectMs: number;
  connectTimeoutMs: number;
  onConnect(sessionPresent: boolean): void;
  onClose(): void;
  onError(err: Error): void;
  /** A QoS 1 message on a subscribed topic (acknowledged to the broker before this is called). */
  onMessage?(topic: string, payload: Buffer): void;
}

/** Called once the broker has the publish (PUBACK), or with the reason it never will. */
export type PublishDone = (err?: Error) => void;

interface Outgoing {
  /** The topic's bytes, shared by every publish on it. */
  topic: Buffer;
  payload: Buffer;
  done: PublishDone;
  /** Written on some connection already: a resend carries DUP. */
  sent: boolean;
}

const PROTOCOL = { protocolVersion: 4 } as const;
const PINGREQ = generate({ cmd: 'pingreq' }, PROTOCOL);
const DISCONNECT = generate({ cmd: 'disconnect' }, PROTOCOL);

/**
 * One simulated device's MQTT 3.1.1 connection, as a tracker's modem keeps it: QoS 1 publishes
 * stay in its memory, in order, until the broker acknowledges them, and a new connection sends
 * the unacknowledged ones again (DUP) before anything newer. It dials again by itself after a
 * lost connection; a hang-up (`end`) keeps the unacknowledged ones for the next `open`.
 *
 * The simulator holds 10,000 of these per process. An mqtt.js client per device cost about 40 %
 * of a simulator process's CPU at load (streams, stores, option cloning, debug logging per
 * packet); this is only what a device needs, on mqtt-packet.
 */
export class DeviceConnection {
  connected = false;
  private socket: Socket | undefined;
  private readonly outgoing = new Map<number, Outgoing>();
  private lastId = 0;
  /** Between `end` and `open`: no dialling; the socket winds down. */
  private ended = true;
  private ending: Promise<void> | undefined;
  private dialAfterEnding = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private connectTimer: NodeJS.Timeout | undefined;
  private keepaliveTimer: NodeJS.Timeout | undefined;
  private lastSentAt = 0;
  private lastHeardAt = 0;
  private lastTopic: { name: string; bytes: Buffer } = { name: '', bytes: Buffer.alloc(0) };

  constructor(private readonly options: DeviceConnectionOptions) {
    if (options.persistent && !options.clientId) throw new Error('a persistent MQTT session needs a client id');
  }

  /** Publishes waiting for their acknowledgement (or for a connection to go out on). */
  get unacknowledged(): number {
    return this.outgoing.size;
  }

  /** Starts connecting (again after `end`, once the previous connection has closed). */
  open(): void {
    if (!this.ended) return;
    this.ended = false;
    if (!this.ending) this.dial();
    else if (!this.dialAfterEnding) {
      // One dial however often the device comes and goes while the old connection winds down.
      this.dialAfterEnding = true;
      void this.ending.then(() => {
        this.dialAfterEnding = false;
        if (!this.ended && !this.socket) this.dial();
      });
    }
  }

  publish(topic: string, payload: Uint8Array, done: PublishDone): void {
    const id = this.nextPacketId();
    if (topic !== this.lastTopic.name) this.lastTopic = { name: topic, bytes: Buffer.from(topic) };
    const entry: Outgoing = { topic: this.lastTopic.bytes, payload: Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength), done, sent: false };
    this.outgoing.set(id, entry);
    if (this.connected) this.transmit(id, entry);
  }

  subscribe(topic: string): void {
    if (!this.connected) return;
    this.write(generate({ cmd: 'subscribe', messageId: this.nextPacketId(), subscriptions: [{ topic, qos: 1 }] }, PROTOCOL));
  }

  /** MQTT packet ids run 1..65535 and are not reused while a publish holds one. */
  private nextPacketId(): number {
    let id = this.lastId;
    do id = (id % 65535) + 1;
    while (this.outgoing.has(id));
    this.lastId = id;
    return id;
  }

  /** Cuts the connection without a goodbye (a network fault); it dials again after `reconnectMs`. */
  drop(): void {
    if (this.connected) this.socket?.destroy();
  }

  /**
   * Hangs up: waits up to `graceMs` for the acknowledgements of what is in flight, then sends
   * DISCONNECT. Unacknowledged publishes stay for the next `open`.
   */
  end(graceMs: number): Promise<void> {
    this.ended = true;
    clearTimeout(this.reconnectTimer);
    this.ending ??= this.hangUp(graceMs).finally(() => (this.ending = undefined));
    return this.ending;
  }

  /** Gives up on every publish not acknowledged; resolves to how many there were. */
  abandon(reason: string): number {
    const count = this.outgoing.size;
    const failed = [...this.outgoing.values()];
    this.outgoing.clear();
    for (const entry of failed) entry.done(new Error(reason));
    return count;
  }

  private async hangUp(graceMs: number): Promise<void> {
    const deadline = Date.now() + graceMs;
    while (this.connected && this.outgoing.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    const socket = this.socket;
    if (!socket || socket.destroyed) return;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      if (this.connected) socket.end(DISCONNECT);
      else socket.destroy();
      setTimeout(() => socket.destroy(), 2_000).unref();
    });
  }

  private dial(): void {
    const url = new URL(this.options.url);
    const secure = url.protocol === 'mqtts:';
    const port = Number(url.port || (secure ? 8883 : 1883));
    const socket = secure ? tlsConnect({ host: url.hostname, port, servername: url.hostname }) : tcpConnect({ host: url.hostname, port });
    this.socket = socket;
    socket.setNoDelay(true);
    const parser = mqttParser(PROTOCOL);
    parser.on('packet', (packet: Packet) => {
      if (socket === this.socket) this.onPacket(packet);
    });
    parser.on('error', (err: Error) => socket.destroy(err));
    socket.on('data', (chunk: Buffer) => {
      this.lastHeardAt = Date.now();
      parser.parse(chunk);
    });
    socket.on('error', (err) => this.options.onError(err));
    socket.on('close', () => this.onClose(socket));
    this.connectTimer = setTimeout(() => socket.destroy(new Error(`MQTT CONNECT to ${url.host} timed out`)), this.options.connectTimeoutMs);
    socket.write(
      generate(
        {
          cmd: 'connect',
          protocolVersion: 4,
          clientId: this.options.clientId,
          clean: !this.options.persistent,
          keepalive: this.options.keepaliveS,
          username: url.username ? decodeURIComponent(url.username) : undefined,
          password: url.password ? Buffer.from(decodeURIComponent(url.password)) : undefined,
        },
        PROTOCOL,
      ),
    );
  }

  private onPacket(packet: Packet): void {
    switch (packet.cmd) {
      case 'puback': {
        const entry = this.outgoing.get(packet.messageId!);
        if (!entry) return;
        this.outgoing.delete(packet.messageId!);
        entry.done();
        return;
      }
      case 'publish':
        if (packet.qos > 0) this.write(generate({ cmd: 'puback', messageId: packet.messageId! }, PROTOCOL));
        this.options.onMessage?.(packet.topic, packet.payload as Buffer);
        return;
      case 'connack':
        this.onConnack(packet.returnCode ?? 0, packet.sessionPresent);
        return;
      default:
        // suback, pingresp: nothing to do.
        return;
    }
  }

  private onConnack(returnCode: number, sessionPresent: boolean): void {
    clearTimeout(this.connectTimer);
    if (returnCode !== 0) {
      this.socket?.destroy(new Error(`MQTT broker refused client id "${this.options.clientId}" (return code ${returnCode})`));
      return;
    }
    this.connected = true;
    this.lastHeardAt = Date.now();
    const keepaliveMs = this.options.keepaliveS * 1000;
    this.keepaliveTimer = setInterval(() => this.keepAlive(keepaliveMs), keepaliveMs / 2);
    this.keepaliveTimer.unref();
    this.options.onConnect(sessionPresent);
    for (const [id, entry] of this.outgoing) this.transmit(id, entry);
  }

  private transmit(id: number, entry: Outgoing): void {
    this.write(qos1Publish(entry.topic, entry.payload, id, entry.sent));
    entry.sent = true;
  }

  private write(bytes: Buffer): void {
    this.lastSentAt = Date.now();
    this.socket!.write(bytes);
  }

  private keepAlive(keepaliveMs: number): void {
    const now = Date.now();
    if (now - this.lastHeardAt > keepaliveMs * 1.5) this.socket?.destroy(new Error('MQTT keepalive: broker silent'));
    else if (now - this.lastSentAt >= keepaliveMs / 2) this.write(PINGREQ);
  }

  private onClose(socket: Socket): void {
    if (socket !== this.socket) return;
    clearTimeout(this.connectTimer);
    clearInterval(this.keepaliveTimer);
    this.socket = undefined;
    const wasConnected = this.connected;
    this.connected = false;
    if (wasConnected) this.options.onClose();
    if (!this.ended) this.reconnectTimer = setTimeout(() => this.ended || this.socket || this.dial(), this.options.reconnectMs);
  }
}
