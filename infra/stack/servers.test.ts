import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadConfig } from '../config/env';
import { freePort } from './address';
import { StackError } from './errors';
import { goInstall } from './go-install';
import { natsServerBinary } from './nats';
import { ensureServers } from './servers';

const config = loadConfig();

/** A program that is not the server: it answers every connection with an HTTP error and hangs up. */
async function squatter(): Promise<{ port: number; server: Server }> {
  const port = await freePort();
  const server = createServer((socket) => {
    socket.on('error', () => {}); // The client may reset first.
    socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { port, server };
}

describe('finding the servers', () => {
  test('a server that answers is used as found, and nothing is started', async () => {
    const lines: string[] = [];
    const servers = await ensureServers(config, (line) => lines.push(line));
    await servers.stop();
    expect(servers.servers.map((s) => [s.status.server, s.status.healthy, s.started])).toEqual([
      ['NATS', true, undefined],
      ['Mosquitto', true, undefined],
      ['PostgreSQL', true, undefined],
      ['Temporal', true, undefined],
    ]);
    expect(lines.every((l) => l.includes('found'))).toBe(true);
  });

  test('an unreachable server elsewhere is not started here: the error names the setting to change', async () => {
    const error = await ensureServers({ ...config, FLEET_NATS_URL: 'nats://fleettwin.invalid:4222' }, () => {}).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(StackError);
    expect((error as Error).message).toMatch(/^NATS at nats:\/\/fleettwin\.invalid:4222 is not usable: nothing answers .*It is not on this machine.*FLEET_NATS_URL/);
  });

  test('a port taken by another program is reported, not fought over', async () => {
    const { port, server } = await squatter();
    try {
      const error = await ensureServers({ ...config, FLEET_MQTT_URL: `mqtt://127.0.0.1:${port}` }, () => {}).catch((err: unknown) => err);
      expect(error).toBeInstanceOf(StackError);
      expect((error as Error).message).toContain(`Mosquitto at mqtt://127.0.0.1:${port} is not usable: something answers, but does not accept an MQTT connection`);
      expect((error as Error).message).toContain(`Port ${port} is taken by that program`);
    } finally {
      server.close();
    }
  });
});

describe('building a server with go install', () => {
  const request = { label: 'a test server', pkg: 'example.invalid/fleettwin/server', version: 'v0.0.1', binary: 'fleettwin-test-server' };

  test('a Go older than the module needs is refused with the version to install and where from', async () => {
    const error = await goInstall({ ...request, minGo: '99.0', withoutGo: 'test server not found: install it' }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(StackError);
    expect((error as Error).message).toMatch(/^test server not found: install it, or install Go 99\.0 or newer from https:\/\/go\.dev\/dl/);
  });

  test('a failed build says which command failed and quotes go', async () => {
    const proxy = process.env.GOPROXY;
    process.env.GOPROXY = 'off'; // No network needed: the module lookup fails at once.
    try {
      const error = await goInstall({ ...request, minGo: '1.0', withoutGo: 'test server not found: install it' }).catch((err: unknown) => err);
      expect(error).toBeInstanceOf(StackError);
      expect((error as Error).message).toContain('`go install example.invalid/fleettwin/server@v0.0.1` failed');
      expect((error as Error).message).toContain('GOPROXY=off');
    } finally {
      if (proxy === undefined) delete process.env.GOPROXY;
      else process.env.GOPROXY = proxy;
    }
  });
});

describe('choosing the nats-server to start', () => {
  /** A directory holding an executable that reports itself as that nats-server version. */
  function installed(version: string): string {
    const dir = mkdtempSync(join(tmpdir(), 'fleettwin-nats-'));
    writeFileSync(join(dir, 'nats-server'), `#!/bin/sh\necho "nats-server: v${version}"\n`);
    chmodSync(join(dir, 'nats-server'), 0o755);
    return dir;
  }
  const noBuild = () => Promise.reject(new Error('no build expected'));

  test('an out-of-support packaged 2.9 first on the path is passed over for a newer one installed later', async () => {
    const [old, recent] = [installed('2.9.10'), installed('2.15.3')];
    expect(await natsServerBinary({ dirs: [old, recent], build: noBuild, canBuild: true })).toBe(join(recent, 'nats-server'));
  });

  test('with only a 2.9 installed, a newer one is built with Go', async () => {
    const old = installed('2.9.10');
    expect(await natsServerBinary({ dirs: [old], build: () => Promise.resolve('/built/nats-server'), canBuild: true })).toBe('/built/nats-server');
  });

  test('without Go, or when the build fails, the 2.9 runs and the warning says why', async () => {
    const old = installed('2.9.10');
    const warnings: string[] = [];
    const warn = (line: string) => warnings.push(line);
    expect(await natsServerBinary({ dirs: [old], build: noBuild, canBuild: false, warn })).toBe(join(old, 'nats-server'));
    expect(await natsServerBinary({ dirs: [old], build: () => Promise.reject(new Error('proxy refused')), canBuild: true, warn })).toBe(join(old, 'nats-server'));
    expect(warnings).toEqual([
      expect.stringMatching(/nats-server 2\.9\.10\): no Go to build a newer one with; nats-server 2\.10\.0 or newer/),
      expect.stringContaining('building a newer one failed (proxy refused)'),
    ]);
  });

  test('with none installed at all it is built', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'fleettwin-nats-'));
    expect(await natsServerBinary({ dirs: [empty], build: () => Promise.resolve('/built/nats-server'), canBuild: false })).toBe('/built/nats-server');
  });
});
