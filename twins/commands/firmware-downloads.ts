import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import type { NatsConnection } from '@nats-io/transport-node';
import { Objm } from '@nats-io/obj';
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
  const server: Server = createServer((req, res) => {
    const match = req.method === 'GET' ? PATH.exec(req.url ?? '') : null;
    if (!match) {
      res.writeHead(req.method === 'GET' ? 404 : 405, { 'content-type': 'text/plain' }).end('GET /firmware/<manifest id>\n');
      return;
    }
    void (async () => {
      try {
        const object = await store.get(match[1]!);
        if (!object) {
          res.writeHead(404, { 'content-type': 'text/plain' }).end(`no firmware ${match[1]}\n`);
          return;
        }
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(object.info.size) });
        Readable.fromWeb(object.data as import('node:stream/web').ReadableStream<Uint8Array>).pipe(res);
      } catch (err) {
        log.warn({ err: (err as Error).message, id: match[1] }, 'firmware download failed');
        if (!res.headersSent) res.writeHead(503, { 'content-type': 'text/plain' });
        res.end();
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
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
