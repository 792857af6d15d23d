import { createConnection, createServer } from 'node:net';
import { ConfigError } from '../config/env';
import { PROBE_TIMEOUT_MS } from './server';

export interface HostPort {
  host: string;
  port: number;
}

/**
 * Reads one server URL setting (FLEET_NATS_URL, FLEET_MQTT_URL, FLEET_DATABASE_URL); a value
 * that is no URL of the expected scheme is a ConfigError naming the setting.
 */
export function parseServerUrl(setting: string, value: string, protocols: Record<string, number>): HostPort {
  const expected = Object.keys(protocols).map((p) => `${p}//host:port`).join(' or ');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${setting}=${JSON.stringify(value)}: not a URL; expected ${expected}`);
  }
  const defaultPort = protocols[url.protocol];
  if (defaultPort === undefined || !url.hostname) {
    throw new ConfigError(`${setting}=${JSON.stringify(value)}: expected ${expected}`);
  }
  return { host: unbracket(url.hostname), port: url.port ? Number(url.port) : defaultPort };
}

/** FLEET_TEMPORAL_ADDRESS is host:port without a scheme, as Temporal clients take it. */
export function parseHostPort(setting: string, value: string): HostPort {
  const match = /^(\[[^\]]+\]|[^:/\s]+):(\d{1,5})$/.exec(value);
  const port = Number(match?.[2]);
  if (!match || port < 1 || port > 65535) throw new ConfigError(`${setting}=${JSON.stringify(value)}: expected host:port, e.g. 127.0.0.1:7233`);
  return { host: unbracket(match[1]!), port };
}

/** Only a server at one of these addresses may be started here when none answers. */
export function isLocalHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

const handedOut = new Set<number>();

/** A TCP port nobody listens on right now, on 127.0.0.1, and not one this process was given before. */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await unusedPort();
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}

function unusedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Whether anything accepts TCP connections at host:port (tells "nothing there" from "something else there"). */
export async function acceptsConnections({ host, port }: HostPort, timeoutMs = PROBE_TIMEOUT_MS): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function unbracket(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}
