import { setTimeout as sleep } from 'node:timers/promises';
import type { NatsConnection } from '@nats-io/transport-node';
import { connect } from '@nats-io/transport-node';
import { fleetArgs } from '../cli/fleet-command';
import type { FleetConfig } from '../config/env';
import { collectHealth } from '../health/collect-health';
import type { PlatformPart } from '../health/parts';
import { initPki } from '../pki/dev-pki';
import { pkiPaths } from '../pki/store';
import { acceptsConnections, isLocalHost } from './address';
import { childLineFormatter } from './child-output';
import { StackError } from './errors';
import { ensureServers, type EnsuredServers } from './servers';
import { Supervisor } from './supervisor';
import { temporalAddress } from './temporal';

export interface UpOptions {
  /** Simulated vehicles; 0: no simulator. */
  vehicles: number;
  web: boolean;
  sim: boolean;
}

/** How long to wait for every part (the web app compiles on first start) before printing where things are anyway. */
const READY_WITHIN_MS = 180_000;

/**
 * `fleet up`: the servers (found or started), then the platform processes under a supervisor,
 * until SIGINT or SIGTERM stops the processes and then the servers this run started.
 * Resolves with the exit code.
 */
export async function runPlatform(config: FleetConfig, options: UpOptions, commands: ReadonlySet<string>): Promise<number> {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  let phase: 'servers' | 'running' | 'stopping' = 'servers';
  let requestStop!: () => void;
  const stopRequested = new Promise<void>((resolve) => (requestStop = resolve));
  const onSignal = (signal: NodeJS.Signals) => {
    if (phase === 'servers') {
      // Servers started so far are signalled by their exit hooks (server-process.ts).
      out(`fleet up: ${signal} while starting the servers; stopping`);
      process.exit(130);
    }
    if (phase === 'stopping') {
      out(`fleet up: ${signal} again; exiting now (what is left gets SIGTERM)`);
      process.exit(1);
    }
    phase = 'stopping';
    out(`fleet up: ${signal}; stopping the platform, then the servers it started (${signal} again to hurry)`);
    requestStop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await run();
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }

  async function run(): Promise<number> {
    await checkPlatformPortsFree(config, options);
    const servers: EnsuredServers = await ensureServers(config, out);
    // Simulated devices trust this fleet root and the worker checks manifests against it.
    const pki = await initPki(pkiPaths(config.FLEET_DATA_DIR), { fleet: 'FleetTwin', rootDays: 3650, signingDays: 365 });
    if (pki.root === 'created') out(`dev fleet PKI created in ${pkiPaths(config.FLEET_DATA_DIR).dir} (fleet pki show)`);
    phase = 'running';

    const supervisor = new Supervisor({ write: out, formatLine: childLineFormatter(Boolean(process.stdout.isTTY)) });
    const started: PlatformPart[] = [];
    for (const { part, args } of platformPlan(options)) {
      if (!commands.has(part)) {
        supervisor.say(`\`fleet ${part}\` is not a command of this checkout; running the platform without it`);
        continue;
      }
      supervisor.start({ name: part, command: process.execPath, args: fleetArgs([part, ...args]) });
      started.push(part);
    }

    const notReady = await waitUntilUp(config, started, started.includes('web'), stopRequested);
    if (phase === 'running') {
      // A local Temporal is the dev server (found or started), whose UI is on FLEET_TEMPORAL_UI_PORT.
      const temporalUi = isLocalHost(temporalAddress(config).host);
      out('');
      out(`FleetTwin is up${notReady.length ? ` (not ready yet: ${notReady.join('; ')})` : ''}`);
      if (started.includes('web')) out(`  web app      http://127.0.0.1:${config.FLEET_WEB_PORT}`);
      if (temporalUi) out(`  Temporal UI  http://127.0.0.1:${config.FLEET_TEMPORAL_UI_PORT}`);
      out(`  running      ${started.join(', ') || 'no platform process'}; \`fleet status\` shows their health`);
      // The simulator numbers its vans from V00001.
      if (started.includes('sim')) out('  a twin       npx fleet twin V00001');
      out('  Ctrl-C stops everything.');
      out('');
    }

    await stopRequested;
    await supervisor.stopAll();
    await servers.stop();
    out('fleet up: stopped');
    return 0;
  }
}

/**
 * The web app and the twin host's metrics listen on fixed ports: taken (most often by a FleetTwin
 * already running), their process would crash and be restarted for ever, so say so at once.
 */
async function checkPlatformPortsFree(config: FleetConfig, options: UpOptions): Promise<void> {
  const ports = [
    ...(options.web ? [{ setting: 'FLEET_WEB_PORT', port: config.FLEET_WEB_PORT }] : []),
    ...(config.FLEET_METRICS_PORT > 0 ? [{ setting: 'FLEET_METRICS_PORT', port: config.FLEET_METRICS_PORT }] : []),
  ];
  for (const { setting, port } of ports) {
    if (await acceptsConnections({ host: '127.0.0.1', port })) {
      throw new StackError(
        `port ${port} (${setting}) is in use: is FleetTwin already running (\`fleet status\`)? Stop it, or set ${setting} to a free port.`,
      );
    }
  }
}

function platformPlan(options: UpOptions): Array<{ part: PlatformPart; args: string[] }> {
  return [
    { part: 'ingress', args: [] },
    { part: 'twin-host', args: [] },
    { part: 'worker', args: [] },
    { part: 'recorder', args: [] },
    ...(options.web ? [{ part: 'web' as const, args: [] }] : []),
    ...(options.sim && options.vehicles > 0 ? [{ part: 'sim' as const, args: ['--vehicles', String(options.vehicles), '--register'] }] : []),
  ];
}

/**
 * Waits until every started part answers on fleet.health — the worker once every domain's
 * workflows are bundled and polled, a minute on a busy machine — and the web app answers
 * /api/health. Returns what is still not ready when it gives up.
 */
async function waitUntilUp(config: FleetConfig, parts: PlatformPart[], web: boolean, stop: Promise<void>): Promise<string[]> {
  let stopped = false;
  void stop.then(() => (stopped = true));
  let nc: NatsConnection | undefined;
  try {
    nc = await connect({ servers: config.FLEET_NATS_URL.split(','), name: 'fleet-up', timeout: 2000 });
  } catch {
    // NATS was found or started a moment ago; without it no part is up, which the caller prints.
  }
  const deadline = Date.now() + READY_WITHIN_MS;
  let missing: string[] = [];
  try {
    while (!stopped) {
      const answering = new Set(nc ? (await collectHealth(nc, 500)).map((r) => r.part) : []);
      missing = parts.filter((part) => !answering.has(part));
      if (web && !(await webAnswers(config))) missing.push('web (no answer on /api/health)');
      if (missing.length === 0 || Date.now() >= deadline) return missing;
      await Promise.race([sleep(1000), stop]);
    }
    return missing;
  } finally {
    await nc?.close();
  }
}

async function webAnswers(config: FleetConfig): Promise<boolean> {
  try {
    await fetch(`http://127.0.0.1:${config.FLEET_WEB_PORT}/api/health`, { signal: AbortSignal.timeout(2000) });
    return true;
  } catch {
    return false;
  }
}
