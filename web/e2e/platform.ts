import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createServer } from 'node:net';
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../../infra/config/env';
import { migrate } from '../../infra/db/migrate';
import { createScratchDatabase, type ScratchDatabase } from '../../infra/db/scratch-database';
import { loadTemporalConfig } from '../../temporal.config';
import { connectTemporalClient } from '../../workflows/client';

/**
 * What the browser tests and the map bench run against: real platform processes started through
 * `fleet` (twin host, ingress, simulator, the web app's production build) on the servers the
 * test run or bench configured, and Debian's chromium.
 */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const resultsDir = path.join(repoRoot, 'test-results');
export const CHROMIUM = '/usr/bin/chromium';
/** Build directory of the tested app, apart from web/.next so a developer's `fleet web` keeps its own. */
export const E2E_DIST_DIR = '.next-e2e';

export interface PlatformProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly logFile: string;
  log(): string;
  stop(): Promise<void>;
}

/** Runs `fleet <args>` in its own process group, its output in test-results/<name>.log. */
export function startFleet(name: string, args: string[], env: Record<string, string> = {}): PlatformProcess {
  mkdirSync(resultsDir, { recursive: true });
  const logFile = path.join(resultsDir, `${name}.log`);
  const out = openSync(logFile, 'w');
  const child = spawn(process.execPath, ['bin/fleet.mjs', ...args], {
    cwd: repoRoot,
    // its own group: stopping it stops what it spawned (next start under fleet web)
    detached: true,
    env: { ...process.env, FLEET_LOG_FORMAT: 'json', ...env },
    stdio: ['ignore', out, out],
  });
  return {
    name,
    child,
    logFile,
    log: () => readFileSync(logFile, 'utf8'),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      signalGroup(child.pid, 'SIGTERM');
      const timer = setTimeout(() => signalGroup(child.pid!, 'SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** The newest modification time of the app's sources (what a build depends on in web/). */
function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.next') || entry.name === 'node_modules' || entry.name === 'e2e') continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/**
 * Makes the production build the tests serve, unless one newer than every web source exists:
 * `next start` is steadier and far cheaper on a loaded machine than `next dev`, which compiles
 * each page on its first visit. So a test run builds at most once.
 */
export function ensureWebBuild(): { built: boolean; ms: number } {
  const buildId = path.join(repoRoot, 'web', E2E_DIST_DIR, 'BUILD_ID');
  // What the web app imports from outside web/: a change there needs a new build too.
  const sharedSources = ['twins/projection', 'twins/telemetry', 'twins/bus', 'workflows', 'simulator/whatif'].map((dir) => newestSource(path.join(repoRoot, dir)));
  const newest = Math.max(newestSource(path.join(repoRoot, 'web')), ...sharedSources);
  if (existsSync(buildId) && statSync(buildId).mtimeMs > newest) return { built: false, ms: 0 };
  const started = Date.now();
  const result = spawnSync(process.execPath, [path.join(repoRoot, 'node_modules/next/dist/bin/next'), 'build', 'web'], {
    cwd: repoRoot,
    env: { ...process.env, FLEET_WEB_DIST_DIR: E2E_DIST_DIR, NEXT_TELEMETRY_DISABLED: '1' },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`next build failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  return { built: true, ms: Date.now() - started };
}

/** Serves the production build on a free port; resolves with its base URL once /api/health answers. */
export async function startWebApp(env: Record<string, string> = {}): Promise<{ app: PlatformProcess; baseUrl: string }> {
  const port = await freePort();
  const app = startFleet('web', ['web'], { FLEET_WEB_PORT: String(port), FLEET_WEB_DIST_DIR: E2E_DIST_DIR, ...env });
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitForHttp(app, `${baseUrl}/api/health`, 60_000);
  return { app, baseUrl };
}

async function waitForHttp(owner: PlatformProcess, url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (owner.child.exitCode !== null) throw new Error(`${owner.name} exited with ${owner.child.exitCode}:\n${owner.log()}`);
    try {
      // 503 (NATS not up yet) is an answer too: the server listens.
      await fetch(url);
      return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${owner.name} did not answer ${url} in ${timeoutMs} ms:\n${owner.log()}`);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // WebGL2 through SwiftShader: deck.gl needs it and there is no GPU here.
      '--enable-unsafe-swiftshader',
    ],
  });
}

/**
 * Types the operator's name on a workflow page. Typed before React has hydrated the page, the name
 * is reset to the default and the actions go out under "operator": type again until the app itself
 * has taken it (it remembers the name in localStorage, which only its change handler writes).
 */
export async function fillOperator(page: Page, name: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await page.getByTestId('operator').fill(name);
    const taken = await page.evaluate(() => window.localStorage.getItem('fleettwin.operator'));
    if (taken === name) return;
    if (Date.now() > deadline) throw new Error(`the page did not take the operator name ${name} within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The live data path for a browser test: a twin host, an ingress, the web app and a page that records its errors. */
export interface LivePageSession {
  baseUrl: string;
  browser: Browser;
  page: Page;
  /** Uncaught errors and console errors of the page, for the tests to expect none. */
  problems: string[];
  close(): Promise<void>;
}

/**
 * Starts a twin host and an ingress on the test run's servers (plus `extra` fleet commands, such
 * as a simulator), the web app's production build and chromium at 1440×900.
 */
export async function openLivePage(label: string, extra: Array<{ name: string; args: string[] }> = []): Promise<LivePageSession> {
  ensureWebBuild();
  const processes = [
    startFleet(`${label}-twin-host`, ['twin-host', '--host-id', label], { FLEET_METRICS_PORT: '0' }),
    startFleet(`${label}-ingress`, ['ingress', '--instance', label, '--connections', '1']),
    ...extra.map(({ name, args }) => startFleet(`${label}-${name}`, args)),
  ];
  const web = await startWebApp();
  processes.push(web.app);
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(msg.text());
  });
  return {
    baseUrl: web.baseUrl,
    browser,
    page,
    problems,
    async close() {
      await browser.close();
      await Promise.all(processes.map((p) => p.stop()));
    },
  };
}

/** A workflow page's test session: a Temporal client to check the workflows, and a page that records its errors. */
export interface WorkflowPageSession {
  client: Client;
  browser: Browser;
  page: Page;
  /** Uncaught errors of the page, for the tests to expect none. */
  problems: string[];
  close(): Promise<void>;
}

export async function openWorkflowPage(viewport: { width: number; height: number }): Promise<WorkflowPageSession> {
  const client = await connectTemporalClient(loadTemporalConfig());
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport });
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(err.message));
  return {
    client,
    browser,
    page,
    problems,
    async close() {
      await browser.close();
      await client.connection.close();
    },
  };
}

export interface WorkflowPlatform {
  /** The platform's own registry: a scratch database, migrated. */
  db: ScratchDatabase;
  /** The settings every process of this platform runs with (database, task queues, data dir). */
  env: Record<string, string>;
  processes: PlatformProcess[];
  baseUrl: string;
  /** Runs `fleet <args>` with this platform's settings; stopped with the platform. */
  start(name: string, args: string[]): PlatformProcess;
  stop(): Promise<void>;
}

/**
 * What the workflow pages' browser tests run against: a scratch registry, a twin host, `fleet
 * worker` on task queues of this test file alone (files run side by side on one Temporal, and a
 * worker of another file would run our activities on its database) and the web app.
 */
export async function startWorkflowPlatform(label: string, settings: Record<string, string> = {}): Promise<WorkflowPlatform> {
  ensureWebBuild();
  const run = randomUUID().slice(0, 6);
  const db = await createScratchDatabase(loadConfig().FLEET_DATABASE_URL, label.replace(/\W/g, '_'));
  await migrate(db.pool);
  const env = {
    FLEET_DATABASE_URL: db.url,
    FLEET_TEMPORAL_TASK_QUEUE_PREFIX: `${label}-${run}`,
    FLEET_METRICS_PORT: '0',
    // The ingress serves firmware downloads there and the worker offers that URL: a platform
    // running on this machine holds the default port.
    FLEET_FIRMWARE_PORT: String(await freePort()),
    ...settings,
  };
  // Our settings win over the test run's for everything this file does in-process too (its Temporal client).
  Object.assign(process.env, env);
  const processes: PlatformProcess[] = [];
  const start = (name: string, args: string[]) => {
    const p = startFleet(`${label}-${name}`, args, env);
    processes.push(p);
    return p;
  };
  start('twin-host', ['twin-host', '--host-id', `${label}-${run}`]);
  start('worker', ['worker']);
  const web = await startWebApp(env);
  processes.push(web.app);
  return {
    db,
    env,
    processes,
    baseUrl: web.baseUrl,
    start,
    async stop() {
      await Promise.all(processes.map((p) => p.stop()));
      await db.drop();
    },
  };
}
