import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import type { NatsConnection } from '@nats-io/transport-node';
import { Objm, type ObjectResult, type ObjectStore } from '@nats-io/obj';
import type { FleetConfig } from '../../infra/config/env';
import type { Logger } from '../../infra/log/logger';
import { OBJECT_STORE_FIRMWARE } from '../bus/subjects';

const PATH = /^\/firmware\/([A-Za-z0-9_.-]{1,128})$/;

export interface FirmwareDownloads {
  /** Base URL devices are told to download from, e.g. http://127.0.0.1:8480 */
  url: string;
  stop(): Promise<void>;
}

/**
 * The artifact download route devices use: GET /firmware/<manifestId> streams the object from the
 * JetStream FIRMWARE object store. Devices trust the bytes only after checking them against the
 * signed manifest, so plain HTTP is enough here; production puts TLS in front.
 */
export async function serveFirmwareDownloads(nc: NatsConnection, options: { port: number; host?: string }, log: Logger): Promise<FirmwareDownloads> {
  const store = await new Objm(nc).create(OBJECT_STORE_FIRMWARE);
  const cache = new ArtifactCache(store);
  const server: Server = createServer((req, res) => {
    const match = req.method === 'GET' ? PATH.exec(req.url ?? '') : null;
    if (!match) {
      res.writeHead(req.method === 'GET' ? 404 : 405, { 'content-type': 'text/plain' }).end('GET /firmware/<manifest id>\n');
      return;
    }
    void (async () => {
      try {
        const bytes = await cache.get(match[1]!);
        if (bytes === 'missing') {
          res.writeHead(404, { 'content-type': 'text/plain' }).end(`no firmware ${match[1]}\n`);
          return;
        }
        if (bytes instanceof Uint8Array) {
          res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(bytes.length) }).end(bytes);
          return;
        }
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(bytes.info.size) });
        Readable.fromWeb(bytes.data as import('node:stream/web').ReadableStream<Uint8Array>).pipe(res);
      } catch (err) {
        log.warn({ err: (err as Error).message, id: match[1] }, 'firmware download failed');
        if (!res.headersSent) res.writeHead(503, { 'content-type': 'text/plain' });
        res.end();
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // A wave offers firmware to thousands of devices at once: room for their connections.
    server.listen({ port: options.port, host: options.host ?? '0.0.0.0', backlog: 4096 }, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Where devices are told to download firmware from. */
export function firmwareBaseUrl(config: Pick<FleetConfig, 'FLEET_FIRMWARE_URL' | 'FLEET_FIRMWARE_PORT'>): string {
  return (config.FLEET_FIRMWARE_URL ?? `http://127.0.0.1:${config.FLEET_FIRMWARE_PORT}`).replace(/\/+$/, '');
}

/** Artifacts up to this size are kept in memory once read; larger ones stream from the store each time. */
const CACHEABLE_BYTES = 64 * 2 ** 20;
const CACHE_BYTES = 256 * 2 ** 20;

/**
 * Thousands of devices of a wave download the same artifact: reading it from the object store
 * once, rather than through a consumer per download, keeps NATS free for telemetry. Keyed by the
 * object's digest, so an artifact published again under the same name is never served stale.
 */
class ArtifactCache {
  /** Oldest first: the first entries go when the cache is over its size. */
  private readonly entries = new Map<string, { blob: Promise<Uint8Array | null>; size: number }>();
  private bytes = 0;

  constructor(private readonly store: ObjectStore) {}

  async get(name: string): Promise<Uint8Array | ObjectResult | 'missing'> {
    const info = await this.store.info(name);
    if (!info || info.deleted) return 'missing';
    if (info.size > CACHEABLE_BYTES) return (await this.store.get(name)) ?? 'missing';
    const key = `${name}@${info.digest}`;
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { blob: this.store.getBlob(name), size: info.size };
      this.entries.set(key, entry);
      this.bytes += info.size;
      // A failed read is not kept: the next download tries the store again.
      entry.blob.catch(() => this.forget(key));
      for (const oldest of this.entries.keys()) {
        if (this.bytes <= CACHE_BYTES || oldest === key) break;
        this.forget(oldest);
      }
    }
    return (await entry.blob) ?? 'missing';
  }

  private forget(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.bytes -= entry.size;
  }
}
