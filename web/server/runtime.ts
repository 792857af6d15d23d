import { hostname } from 'node:os';
import { loadConfig, type FleetConfig } from '../../infra/config/env';
import { serveHealth } from '../../infra/health/serve-health';
import { createLogger, type Logger } from '../../infra/log/logger';
import { loadTemporalConfig } from '../../temporal.config';
import { FleetFeed, HOST_SILENCE_MS, type FeedStats } from './fleet-feed';
import { FleetProjection } from './fleet-projection';
import { FleetBroadcaster } from './fleet-stream';
import { DatabaseLink } from './database-link';
import { NatsLink } from './nats-link';
import { PlatformMeter, SimControl } from './sim-control';
import { TemporalLink } from './temporal-link';

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
  /** Campaigns and work orders: connected on first use. */
  temporal: TemporalLink;
  /** Firmware manifests and other records: opened on first use. */
  database: DatabaseLink;
  /** The QA page's simulator run and rate meter. */
  sim: { control: SimControl; meter: PlatformMeter };
  feedStats(): FeedStats;
  stop(): Promise<void>;
}

export function createWebRuntime(config: FleetConfig, log: Logger): WebRuntime {
  const link = new NatsLink(config.FLEET_NATS_URL, `fleettwin-web-${process.pid}`, log);
  const projection = new FleetProjection();
  const broadcaster = new FleetBroadcaster(projection, () => link.state);
  let feed: FleetFeed | null = null;
  const temporal = new TemporalLink(loadTemporalConfig(config));
  const database = new DatabaseLink(config.FLEET_DATABASE_URL, log);
  // `fleet web` runs the server in the repository root, where bin/fleet.mjs is.
  const sim = { control: new SimControl(process.cwd()), meter: new PlatformMeter() };

  let health: { stop(): void } | null = null;
  // Subscriptions outlive reconnects in nats.js, so one feed on the first connection is enough.
  void link.whenConnected().then((nc) => {
    if (!nc) return;
    feed = new FleetFeed(nc, projection, log);
    // `fleet status` asks every platform process over NATS; the web app answers too.
    health = serveHealth(nc, {
      part: 'web',
      id: `${hostname()}-${process.pid}`,
      stats: () => ({ port: config.FLEET_WEB_PORT, ...projection.stats(), streamClients: broadcaster.listeners, deltas: feed?.stats }),
    });
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
    temporal,
    database,
    sim,
    feedStats: () => feed?.stats ?? { accepted: 0, rejected: 0 },
    async stop() {
      clearInterval(timer);
      sim.control.stop();
      health?.stop();
      feed?.stop();
      await Promise.all([link.close(), temporal.close(), database.close()]);
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
