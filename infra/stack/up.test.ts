import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadConfig } from '../config/env';
import type { FleetStatus } from '../health/fleet-status';
import { descendantsOf, isRunning, waitFor } from '../testing/processes';
import { freePort } from './address';

/**
 * `fleet up` as a person runs it, in a child process: NATS, Mosquitto and Temporal are not
 * there (free ports), so it starts them with their data in a temp directory; PostgreSQL is the
 * test run's server, so it is found (a database of this test's own is created on it).
 */
const config = loadConfig();
const baseDir = mkdtempSync(join(tmpdir(), 'fleettwin-up-'));
const output: string[] = [];
let env: NodeJS.ProcessEnv;
let databaseUrl: string;
let up: ChildProcess | undefined;
let upExit: Promise<number | null>;

function fleet(args: string[], timeoutMs = 60_000, extraEnv: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/fleet.mjs', ...args], { env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`fleet ${args.join(' ')} took over ${timeoutMs} ms:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function lastLines(n = 40): string {
  return output.slice(-n).join('\n');
}

async function dropDatabase(url: string): Promise<void> {
  const admin = new URL(url);
  const name = admin.pathname.slice(1);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  // PostgreSQL runs as an unprivileged account under root: it must get through.
  chmodSync(baseDir, 0o755);
  const database = new URL(config.FLEET_DATABASE_URL);
  database.pathname = `${database.pathname}_up`;
  databaseUrl = database.toString();
  env = {
    ...process.env,
    FLEET_NATS_URL: `nats://127.0.0.1:${await freePort()}`,
    FLEET_MQTT_URL: `mqtt://127.0.0.1:${await freePort()}`,
    FLEET_TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}`,
    FLEET_TEMPORAL_UI_PORT: String(await freePort()),
    FLEET_WEB_PORT: String(await freePort()),
    FLEET_DATABASE_URL: databaseUrl,
    FLEET_METRICS_PORT: '0',
    FLEET_DATA_DIR: join(baseDir, 'data'),
    FLEET_LOG_LEVEL: 'warn',
    // `next dev` locks its build directory; a `fleet up` or `fleet web` of a person may hold web/.next.
    FLEET_WEB_DIST_DIR: '.next-up-test',
  };
});

afterAll(async () => {
  mkdirSync('test-results', { recursive: true });
  writeFileSync('test-results/fleet-up.log', output.join('\n'));
  if (up?.pid !== undefined && isRunning(up.pid)) {
    // A failed test left it running: what it started goes with it.
    const left = descendantsOf(up.pid);
    up.kill('SIGINT');
    await Promise.race([upExit, new Promise((r) => setTimeout(r, 30_000))]);
    for (const pid of [up.pid, ...left]) if (isRunning(pid)) process.kill(pid, 'SIGKILL');
  }
  await dropDatabase(databaseUrl).catch(() => {});
  rmSync(baseDir, { recursive: true, force: true });
}, 60_000);

describe('fleet up', { timeout: 300_000 }, () => {
  test('a web port already in use (a FleetTwin already running) stops it at once, before any server starts, naming the setting', async () => {
    const port = await freePort();
    const squatter = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));
    try {
      const { code, stdout, stderr } = await fleet(['up'], 60_000, { FLEET_WEB_PORT: String(port) });
      expect(stderr).toContain(`fleet up: port ${port} (FLEET_WEB_PORT) is in use: is FleetTwin already running`);
      expect(stdout).not.toContain('starting a local one');
      expect(code).toBe(1);
    } finally {
      squatter.close();
    }
  });

  test('starts the missing servers and every part, reports them healthy, serves a simulated twin, and Ctrl-C leaves no process behind', async () => {
    up = spawn(process.execPath, ['bin/fleet.mjs', 'up', '--vehicles', '5'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    upExit = new Promise((resolve) => up!.once('exit', resolve));
    for (const stream of [up.stdout!, up.stderr!]) createInterface({ input: stream }).on('line', (line) => output.push(line));
    let exited = false;
    void upExit.then(() => (exited = true));

    await waitFor(
      () => {
        if (exited) throw new Error(`fleet up exited before it was up:\n${lastLines()}`);
        return output.some((line) => line.startsWith('FleetTwin is up'));
      },
      240_000,
      '"FleetTwin is up"',
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n${lastLines()}`);
    });
    expect(output.find((l) => l.startsWith('FleetTwin is up'))).toBe('FleetTwin is up');
    for (const server of ['NATS', 'Mosquitto', 'Temporal']) {
      expect(output.some((l) => l.startsWith(server) && l.includes('started (pid')), `${server} started`).toBe(true);
    }
    expect(output.some((l) => l.startsWith('PostgreSQL') && l.includes('found'))).toBe(true);
    expect(output).toContain(`  web app      http://127.0.0.1:${env.FLEET_WEB_PORT}`);
    expect(output).toContain(`  Temporal UI  http://127.0.0.1:${env.FLEET_TEMPORAL_UI_PORT}`);

    const status = await fleet(['status', '--json', '--require', 'ingress,twin-host,worker,recorder,web,sim']);
    const report = JSON.parse(status.stdout) as FleetStatus;
    expect(report.servers.filter((s) => !s.healthy), status.stdout).toEqual([]);
    for (const part of report.parts.filter((p) => p.required)) expect(part.instances.length, `${part.part} answers fleet.health`).toBeGreaterThanOrEqual(1);
    expect(report.web, status.stdout).toMatchObject({ healthy: true });
    expect(report.temporal, status.stdout).toMatchObject({ healthy: true });
    expect(report.healthy, status.stdout).toBe(true);
    expect(status.code).toBe(0);

    // The simulated vehicles' readings reach their twins through MQTT, ingress and the twin host.
    let twin: { vehicleId?: string } = {};
    await waitFor(
      async () => {
        const { code, stdout } = await fleet(['twin', 'V00001']);
        if (code === 0) twin = JSON.parse(stdout) as { vehicleId?: string };
        return code === 0;
      },
      60_000,
      'the twin of V00001',
    );
    expect(twin.vehicleId).toBe('V00001');

    const started = descendantsOf(up.pid!);
    // 3 servers and 6 platform processes at least (Next.js and Temporal have children of their own).
    expect(started.length).toBeGreaterThanOrEqual(9);
    up.kill('SIGINT');
    expect(await upExit).toBe(0);
    expect(output).toContain('fleet up: stopped');
    const left = started.filter(isRunning).map((pid) => `${pid} ${readCommand(pid)}`);
    expect(left).toEqual([]);
  });
});

function readCommand(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '?';
  }
}
