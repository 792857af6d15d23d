import { loadConfig, type FleetConfig } from '../../infra/config/env';
import { createLogger, type Logger } from '../../infra/log/logger';
import { FleetFeed, HOST_SILENCE_MS, type FeedStats } from './fleet-feed';
import { FleetProjection } from './fleet-projection';
import { FleetBroadcaster } from './fleet-stream';
import { NatsLink } from './nats-link';

/** How long the twin API waits for a twin host's answer. */
export const TWIN_QUERY_TIMEOUT_MS = 2_000;
const TICK_MS = 1_000;

/** Everything the web server's API keeps for the life of the process. */
export interface WebRuntime {
  config: FleetConfig;
  log: Logger;
  link: NatsLink;
  projection: FleetProjection;
  broadcaster: FleetBroadcaster;
  feedStats(): FeedStats;
  stop(): Promise<void>;
}

export function createWebRuntime(config: FleetConfig, log: Logger): WebRuntime {
  const link = new NatsLink(config.FLEET_NATS_URL, `fleettwin-web-${process.pid}`, log);
  const projection = new FleetProjection();
  const broadcaster = new FleetBroadcaster(projection, () => link.state);
  let feed: FleetFeed | null = null;

  // Subscriptions outlive reconnects in nats.js, so one feed on the first connection is enough.
  void link.whenConnected().then((nc) => {
    if (nc) feed = new FleetFeed(nc, projection, log);
  });
  link.onStateChange((state) => {
    if (state === 'connected') projection.forgiveSilence(Date.now());
    broadcaster.natsStateChanged(state);
  });

  const timer = setInterval(() => {
    const now = Date.now();
    // While our own link is down every host looks silent; only judge hosts while we can hear them.
    if (link.state === 'connected') {
      for (const hostId of projection.expireSilentHosts(now, HOST_SILENCE_MS)) {
        log.warn({ hostId, silenceMs: HOST_SILENCE_MS }, 'twin host went silent; its vehicles left the map');
      }
    }
    broadcaster.tick(now);
  }, TICK_MS);
  timer.unref();

  return {
    config,
    log,
    link,
    projection,
    broadcaster,
    feedStats: () => feed?.stats ?? { accepted: 0, rejected: 0 },
    async stop() {
      clearInterval(timer);
      feed?.stop();
      await link.close();
    },
  };
}

const RUNTIME_KEY = Symbol.for('fleettwin.web.runtime');

/**
 * The one runtime of this server process. Kept on globalThis because Next.js evaluates route
 * modules in several bundles (and again on every hot reload), and each must share one connection.
 */
export function webRuntime(): WebRuntime {
  const registry = globalThis as typeof globalThis & { [RUNTIME_KEY]?: WebRuntime };
  registry[RUNTIME_KEY] ??= createWebRuntime(loadConfig(), createLogger('web'));
  return registry[RUNTIME_KEY];
}
