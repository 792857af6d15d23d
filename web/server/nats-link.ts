import type { NatsConnection } from '@nats-io/transport-node';
import { connectNats } from '../../twins/bus/connect';
import type { Logger } from '../../infra/log/logger';

export type NatsLinkState = 'connecting' | 'connected' | 'reconnecting' | 'closed';

const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 5_000;

/**
 * The web server's NATS connection. Unlike a worker, the web server must come up (and answer
 * 503s) while NATS is down, so the first connect is retried in the background for ever; after
 * that nats.js reconnects by itself and this only tracks the state.
 */
export class NatsLink {
  private nc: NatsConnection | null = null;
  private current: NatsLinkState = 'connecting';
  private stopped = false;
  private readonly listeners = new Set<(state: NatsLinkState) => void>();
  private readonly firstConnection: Promise<NatsConnection | null>;

  constructor(
    private readonly url: string,
    private readonly name: string,
    private readonly log: Logger,
  ) {
    this.firstConnection = this.connectUntilUp();
  }

  get state(): NatsLinkState {
    return this.current;
  }

  /** The connection while it is usable, else null (never connected yet, reconnecting, closed). */
  get connection(): NatsConnection | null {
    return this.current === 'connected' ? this.nc : null;
  }

  /** Resolves once the first connection is up; null if the link was closed before that. */
  whenConnected(): Promise<NatsConnection | null> {
    return this.firstConnection;
  }

  onStateChange(listener: (state: NatsLinkState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.stopped = true;
    await this.nc?.close();
    this.setState('closed');
  }

  private async connectUntilUp(): Promise<NatsConnection | null> {
    let delay = RETRY_MIN_MS;
    let failures = 0;
    while (!this.stopped) {
      try {
        const nc = await connectNats(this.url, this.name);
        if (this.stopped) {
          await nc.close();
          return null;
        }
        this.nc = nc;
        this.setState('connected');
        this.log.info({ server: nc.getServer() }, 'connected to NATS');
        void this.followStatus(nc);
        return nc;
      } catch (err) {
        // One line when it starts failing and then every 20 attempts, not one per retry.
        if (failures++ % 20 === 0) this.log.warn({ url: this.url, err: String(err) }, 'NATS unreachable, retrying');
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay = Math.min(delay * 2, RETRY_MAX_MS);
      }
    }
    return null;
  }

  private async followStatus(nc: NatsConnection): Promise<void> {
    void nc.closed().then(() => this.setState('closed'));
    for await (const status of nc.status()) {
      if (status.type === 'disconnect') {
        this.log.warn('lost NATS, reconnecting');
        this.setState('reconnecting');
      } else if (status.type === 'reconnect') {
        this.log.info('reconnected to NATS');
        this.setState('connected');
      }
    }
  }

  private setState(state: NatsLinkState): void {
    if (this.current === state || this.current === 'closed') return;
    this.current = state;
    for (const listener of this.listeners) listener(state);
  }
}
