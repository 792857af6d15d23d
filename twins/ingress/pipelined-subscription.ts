import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { generate, parser as mqttParser, type Packet } from 'mqtt-packet';

/** Handles one delivered message; the returned promise resolves when it may be acknowledged. */
export type MessageHandler = (topic: string, payload: Buffer) => Promise<void>;

export interface PipelinedSubscriptionOptions {
  url: string;
  clientId: string;
  /** Topic filter, e.g. a shared subscription `$share/<group>/fleet/#`. */
  filter: string;
  /** Seconds the broker keeps the session (and its queued messages) while we are away. */
  sessionExpirySeconds: number;
  /** Messages the broker may have in flight to us at once (MQTT 5 Receive Maximum). */
  receiveMaximum: number;
  keepaliveSeconds?: number;
  reconnectMs?: number;
  onMessage: MessageHandler;
  onError?: (err: Error) => void;
  onReconnect?: () => void;
}

interface Delivery {
  messageId: number;
  qos: number;
  /** The connection it came on: after a reconnect its ack means nothing. */
  generation: number;
  settled: boolean;
}

const PROTOCOL = { protocolVersion: 5 } as const;

/**
 * One MQTT 5 subscriber connection that handles its QoS 1 messages concurrently and acknowledges
 * each one only after its handler has finished, in the order the broker sent them. mqtt.js hands
 * a connection's messages over one at a time (the next only after the previous PUBACK), which
 * caps a connection at one message per storage round trip; here up to `receiveMaximum` are being
 * stored at once. A message whose handler has not finished when the connection drops is not
 * acknowledged: the persistent session redelivers it.
 */
export class PipelinedSubscription {
  private socket: Socket | undefined;
  /** Incremented per connection, so a handler that finishes after a reconnect acks nothing. */
  private generation = 0;
  private pending: Delivery[] = [];
  private nextPacketId = 1;
  private readonly waiting = new Map<number, (packet: Packet) => void>();
  private keepaliveTimer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private lastHeardAt = 0;
  private closing = false;
  private ackFlushScheduled = false;
  /** Unfinished handlers of this connection: flow control counts only these. */
  private connectionInFlight = 0;
  /** Unfinished handlers of any connection (a stop waits for these). */
  inFlight = 0;

  constructor(private readonly options: PipelinedSubscriptionOptions) {}

  /** Connects and subscribes; rejects if the first connection fails. Later drops reconnect. */
  async start(): Promise<void> {
    try {
      await this.connect();
    } catch (err) {
      this.closing = true;
      clearTimeout(this.reconnectTimer);
      this.socket?.destroy();
      throw err;
    }
  }

  /** Asks the broker to stop sending (the session's queue still arrives). */
  async unsubscribe(): Promise<void> {
    if (!this.socket) return;
    await this.request({ cmd: 'unsubscribe', messageId: 0, unsubscriptions: [this.options.filter] }, 'unsuback');
  }

  /** Disconnects cleanly; unacknowledged messages stay with the broker's session. */
  async stop(): Promise<void> {
    this.closing = true;
    clearTimeout(this.reconnectTimer);
    clearInterval(this.keepaliveTimer);
    const socket = this.socket;
    if (!socket || socket.destroyed) return;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.end(generate({ cmd: 'disconnect', reasonCode: 0 }, PROTOCOL));
      setTimeout(() => socket.destroy(), 2_000).unref();
    });
  }

  private async connect(): Promise<void> {
    const url = new URL(this.options.url);
    const secure = url.protocol === 'mqtts:';
    if (!secure && url.protocol !== 'mqtt:') throw new Error(`MQTT URL ${this.options.url}: only mqtt:// and mqtts:// are supported`);
    const port = Number(url.port || (secure ? 8883 : 1883));
    const host = url.hostname;
    const socket = secure ? tlsConnect({ host, port, servername: host }) : tcpConnect({ host, port });
    socket.setNoDelay(true);
    const generation = ++this.generation;
    this.socket = socket;
    this.pending = [];
    this.connectionInFlight = 0;
    this.waiting.clear();
    const parser = mqttParser(PROTOCOL);
    parser.on('packet', (packet: Packet) => this.onPacket(packet, generation));
    parser.on('error', (err: Error) => socket.destroy(err));
    socket.on('data', (chunk: Buffer) => {
      this.lastHeardAt = Date.now();
      parser.parse(chunk);
    });
    socket.on('error', (err) => this.options.onError?.(err));
    socket.on('close', () => this.onClose(generation));

    const keepalive = this.options.keepaliveSeconds ?? 30;
    const connack = this.request(
      {
        cmd: 'connect',
        protocolVersion: 5,
        clientId: this.options.clientId,
        clean: false,
        keepalive,
        username: url.username ? decodeURIComponent(url.username) : undefined,
        password: url.password ? Buffer.from(decodeURIComponent(url.password)) : undefined,
        properties: { sessionExpiryInterval: this.options.sessionExpirySeconds, receiveMaximum: this.options.receiveMaximum },
      },
      'connack',
    );
    const ack = await withTimeout(connack, 10_000, `MQTT CONNECT to ${host}:${port} timed out`);
    if (ack.cmd === 'connack' && (ack.reasonCode ?? 0) >= 0x80) {
      socket.destroy();
      throw new Error(`MQTT broker ${host}:${port} refused the connection (reason ${ack.reasonCode})`);
    }
    this.lastHeardAt = Date.now();
    this.keepaliveTimer = setInterval(() => this.keepAlive(socket, keepalive), (keepalive * 1000) / 2);
    // Subscribing again on a resumed session is harmless and covers a session the broker expired.
    const suback = await this.request(
      { cmd: 'subscribe', messageId: 0, subscriptions: [{ topic: this.options.filter, qos: 1 }] },
      'suback',
    );
    const granted = suback.cmd === 'suback' ? (suback.granted[0] as number) : 0x80;
    if (granted >= 0x80) throw new Error(`MQTT broker refused the subscription ${this.options.filter} (reason ${granted})`);
  }

  private keepAlive(socket: Socket, keepaliveSeconds: number): void {
    if (Date.now() - this.lastHeardAt > keepaliveSeconds * 1500) {
      socket.destroy(new Error('MQTT keepalive: broker silent'));
      return;
    }
    socket.write(generate({ cmd: 'pingreq' }, PROTOCOL));
  }

  private onPacket(packet: Packet, generation: number): void {
    if (packet.cmd === 'publish') {
      this.deliver(packet.topic, packet.payload as Buffer, packet.qos, packet.messageId ?? 0, generation);
      return;
    }
    if (packet.cmd === 'connack') {
      this.waiting.get(-1)?.(packet);
      return;
    }
    if (packet.messageId !== undefined) this.waiting.get(packet.messageId)?.(packet);
  }

  private deliver(topic: string, payload: Buffer, qos: number, messageId: number, generation: number): void {
    const delivery: Delivery = { messageId, qos, generation, settled: false };
    if (qos > 0) this.pending.push(delivery);
    this.inFlight++;
    this.connectionInFlight++;
    // Mosquitto 2.0.11 lets a shared subscription's in-flight count drift past Receive Maximum
    // once acks flow; stop reading instead, so TCP holds the rest at the broker.
    if (this.connectionInFlight >= this.options.receiveMaximum) this.socket?.pause();
    this.options.onMessage(topic, payload).then(
      () => this.finish(delivery, true),
      (err: unknown) => {
        // The handler retries until stored; it only fails while stopping. Leave it unacked.
        this.finish(delivery, false);
        this.options.onError?.(err as Error);
      },
    );
  }

  private finish(delivery: Delivery, stored: boolean): void {
    this.inFlight--;
    if (delivery.generation !== this.generation) return;
    this.connectionInFlight--;
    if (this.connectionInFlight <= this.options.receiveMaximum / 2) this.socket?.resume();
    if (!stored) return;
    delivery.settled = true;
    if (delivery.qos > 0) this.scheduleAckFlush();
  }

  /** Acks of every message stored in this turn of the event loop leave in one socket write. */
  private scheduleAckFlush(): void {
    if (this.ackFlushScheduled) return;
    this.ackFlushScheduled = true;
    setImmediate(() => {
      this.ackFlushScheduled = false;
      this.flushAcks();
    });
  }

  /** PUBACKs go out in delivery order, as many as have finished. */
  private flushAcks(): void {
    let count = 0;
    while (count < this.pending.length && this.pending[count]!.settled) count++;
    if (count === 0) return;
    const acks = this.pending.splice(0, count).map((d) => generate({ cmd: 'puback', messageId: d.messageId, reasonCode: 0 }, PROTOCOL));
    this.socket?.write(count === 1 ? acks[0]! : Buffer.concat(acks));
  }

  private request(packet: Packet, reply: Packet['cmd']): Promise<Packet> {
    const socket = this.socket;
    if (!socket) return Promise.reject(new Error('MQTT not connected'));
    let key = -1;
    if (packet.cmd !== 'connect') {
      key = this.nextPacketId;
      this.nextPacketId = (this.nextPacketId % 65535) + 1;
      packet.messageId = key;
    }
    return new Promise<Packet>((resolve, reject) => {
      const onClose = () => reject(new Error(`MQTT connection closed before ${reply}`));
      socket.once('close', onClose);
      this.waiting.set(key, (answer) => {
        if (answer.cmd !== reply) return;
        this.waiting.delete(key);
        socket.off('close', onClose);
        resolve(answer);
      });
      socket.write(generate(packet, PROTOCOL));
    });
  }

  private onClose(generation: number): void {
    if (generation !== this.generation) return;
    clearInterval(this.keepaliveTimer);
    this.socket = undefined;
    if (this.closing) return;
    this.reconnectTimer = setTimeout(() => {
      this.options.onReconnect?.();
      // A failed attempt closes its socket, and that close schedules the next attempt.
      this.connect().catch((err: Error) => {
        this.options.onError?.(err);
        this.socket?.destroy();
      });
    }, this.options.reconnectMs ?? 1000);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
