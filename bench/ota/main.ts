/**
 * `npm run bench:ota`: a signed firmware rollout to 20,000 simulated devices, end to end, as an
 * operator runs it. Private NATS, Mosquitto, Temporal dev server and a scratch PostgreSQL
 * database; twin hosts, an ingress (which serves firmware downloads and bridges commands to MQTT)
 * and the Temporal worker as `fleet` child processes; `fleet sim --register` drives the devices,
 * each its own MQTT connection verifying every artifact it is offered. The firmware is published
 * with `fleet ota publish` and the campaign started with `fleet ota start`; the bench then queries
 * its progress every few seconds until it completes, and counts what Temporal and the registry
 * hold afterwards.
 *
 * Environment (all optional): FLEET_BENCH_DEVICES (20000), FLEET_BENCH_CONCURRENCY (devices
 * updating at once, 5000), FLEET_BENCH_BATCH (devices per batch workflow, 250),
 * FLEET_BENCH_SIM_PROCESSES (2).
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../../infra/config/env';
import { migrate } from '../../infra/db/migrate';
import { createScratchDatabase, type ScratchDatabase } from '../../infra/db/scratch-database';
import { freePort } from '../../infra/stack/address';
import * as nats from '../../infra/stack/nats';
import type { StartedServer } from '../../infra/stack/server';
import * as temporalServer from '../../infra/stack/temporal';
import { loadTemporalConfig } from '../../temporal.config';
import { connectNats } from '../../twins/bus/connect';
import { connectTemporalClient } from '../../workflows/client';
import { rolloutProgress } from '../../workflows/ota/client';
import type { CampaignProgress } from '../../workflows/ota/types';
import { startBrokers } from '../shared/brokers';
import { envNumber as envNumberOf } from '../shared/env-number';
import { processTree, startFleet, type FleetProcess } from '../shared/fleet-process';
import { ProcessSampler } from '../shared/proc-stats';
import { registryCensus, workflowCensus } from './census';
import { untilParkedAndOnline } from './fleet-ready';

const envNumber = (name: string, fallback: number, min: number, max: number) => envNumberOf('ota', name, fallback, min, max);
const DEVICES_PER_VEHICLE = 4;
const MODELS = ['FT-GPS', 'FT-OBD', 'FT-TEMP', 'FT-TPMS'];
/** Above every version the simulated fleet ships with. */
const VERSION = '9.0.0';
/** Temporal refuses a history past 51,200 events; it warns from 10,240. */
const HISTORY_LIMIT = 51_200;

const vehicles = Math.ceil(envNumber('FLEET_BENCH_DEVICES', 20_000, 4, 200_000) / DEVICES_PER_VEHICLE);
const devices = vehicles * DEVICES_PER_VEHICLE;
const concurrency = envNumber('FLEET_BENCH_CONCURRENCY', 5_000, 1, 100_000);
const batchSize = envNumber('FLEET_BENCH_BATCH', 250, 1, 10_000);
const simProcesses = envNumber('FLEET_BENCH_SIM_PROCESSES', 2, 1, 16);
const campaignId = `bench-${Date.now().toString(36)}`;

const baseDir = mkdtempSync(join(tmpdir(), 'fleettwin-bench-ota-'));
chmodSync(baseDir, 0o755); // Mosquitto runs as its own account under root.
const say = (line: string) => console.log(line);
const servers: StartedServer[] = [];
const started: FleetProcess[] = [];
let db: ScratchDatabase | undefined;
let exitCode = 1;
/** Children and servers go with the bench, also when it is interrupted. */
async function shutDown(): Promise<void> {
  await Promise.allSettled(started.map((p) => p.stop(10_000)));
  await db?.drop().catch(() => undefined);
  await Promise.allSettled(servers.map((s) => s.stop()));
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    say(`bench:ota: ${signal}; stopping what it started`);
    void shutDown().finally(() => process.exit(130));
  });
}
try {
  say(`bench:ota — servers and logs in ${baseDir}`);
  const base = loadConfig();
  const natsServer = await nats.start({ port: await freePort(), dataDir: join(baseDir, 'nats') });
  servers.push(natsServer);
  const brokers = await startBrokers(baseDir, devices, 16);
  servers.push(...brokers.servers);
  if (brokers.note) say(brokers.note);
  const temporal = await temporalServer.start({ config: base, port: await freePort(), uiPort: await freePort(), dataDir: join(baseDir, 'temporal'), persist: false });
  servers.push(temporal);
  db = await createScratchDatabase(base.FLEET_DATABASE_URL, 'bench_ota');
  await migrate(db.pool);
  say(`NATS ${natsServer.address}, Mosquitto ${brokers.mqttUrl}, Temporal ${temporal.address}, PostgreSQL ${db.url}`);

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    FLEET_NATS_URL: natsServer.address,
    FLEET_MQTT_URL: brokers.mqttUrl,
    FLEET_TEMPORAL_ADDRESS: temporal.address,
    FLEET_DATABASE_URL: db.url,
    FLEET_DATA_DIR: join(baseDir, 'data'),
    FLEET_FIRMWARE_PORT: String(await freePort()),
    FLEET_METRICS_PORT: '0',
    FLEET_LOG_FORMAT: 'json',
  };
  const fleet = (name: string, args: string[], onStdoutLine?: (line: string) => void) => {
    const p = startFleet(name, args, { env, logFile: join(baseDir, `${name}.log`), ...(onStdoutLine ? { onStdoutLine } : {}) });
    started.push(p);
    return p;
  };
  const runToEnd = async (name: string, args: string[]) => {
    const code = await fleet(name, args).exited;
    if (code !== 0) throw new Error(`fleet ${args.join(' ')} exited ${code}; see ${join(baseDir, `${name}.log`)}`);
  };

  await runToEnd('pki', ['pki', 'init', '--fleet', 'Bench']);
  fleet('twin-host-1', ['twin-host', '--host-id', 'bench-host-1']);
  fleet('twin-host-2', ['twin-host', '--host-id', 'bench-host-2']);
  fleet('ingress', ['ingress', '--instance', 'bench-ota']);
  fleet('worker', ['worker']);

  // Parked vehicles (first shifts far away), so every device is in its maintenance window.
  let sim = { connected: 0, devices: 0 };
  const simProcess = fleet(
    'sim',
    ['sim', '--vehicles', String(vehicles), '--devices-per-vehicle', String(DEVICES_PER_VEHICLE), '--processes', String(simProcesses), '--register', '--region', 'bench', '--shift-start-within', '31536000', '--teltonika-share', '0', '--ota-failure-rate', '0', '--ota-rollback-rate', '0', '--seed', 'bench-ota', '--progress-every', '5'],
    (line) => {
      if (!line.includes('"sim progress"')) return;
      try {
        const entry = JSON.parse(line) as { devices: number; connected: number };
        sim = { connected: entry.connected, devices: entry.devices };
      } catch {
        // Not a progress line.
      }
    },
  );
  const connectStart = performance.now();
  while (sim.connected < devices) {
    if (simProcess.child.exitCode !== null) throw new Error(`the simulator exited (${simProcess.child.exitCode}); see ${join(baseDir, 'sim.log')}`);
    if (performance.now() - connectStart > 900_000) throw new Error(`only ${sim.connected} of ${devices} devices connected in 15 minutes`);
    await sleep(2_000);
  }
  say(`${devices} devices connected in ${((performance.now() - connectStart) / 1000).toFixed(0)} s`);
  const nc = await connectNats(natsServer.address, 'bench-ota');
  const vehicleIds = (await db.pool.query<{ id: string }>('SELECT id FROM vehicles')).rows.map((r) => r.id);
  await untilParkedAndOnline(nc, vehicleIds, base.FLEET_PARTITIONS, 600_000);
  await nc.drain();
  say(`every vehicle twin parked and online after ${((performance.now() - connectStart) / 1000).toFixed(0)} s`);

  const artifact = join(baseDir, 'firmware.bin');
  writeFileSync(artifact, Buffer.alloc(16 * 1024, `FleetTwin bench firmware ${VERSION}\n`));
  await runToEnd('publish', ['ota', 'publish', artifact, '--version', VERSION, '--models', MODELS.join(','), '--id', `bench-${VERSION}`, '--by', 'bench']);
  const loadAtStart = loadavg()[0]!;
  const sampler = new ProcessSampler(() => [...servers.map((s) => ({ name: s.server, pid: s.process.pid })), ...started.flatMap(processTree)]);
  sampler.sample();
  sampler.markWindowStart();
  const rolloutStart = performance.now();
  await runToEnd('start', ['ota', 'start', '--manifest', `bench-${VERSION}`, '--campaign', campaignId, '--models', MODELS.join(','), '--concurrency', String(concurrency), '--batch-size', String(batchSize), '--device-timeout', '600', '--window-wait', '600', '--by', 'bench']);

  const temporalConfig = loadTemporalConfig(loadConfig(env));
  const client = await connectTemporalClient(temporalConfig);
  const queryMs: number[] = [];
  let progress: CampaignProgress | undefined;
  let lastPrint = 0;
  for (;;) {
    const t0 = performance.now();
    progress = await rolloutProgress(client, campaignId);
    queryMs.push(performance.now() - t0);
    sampler.sample();
    if (progress.status === 'completed' || progress.status === 'aborted' || progress.status === 'paused') break;
    if (performance.now() - lastPrint > 15_000) {
      lastPrint = performance.now();
      say(`  ${((lastPrint - rolloutStart) / 1000).toFixed(0)} s: ${progress.status}, wave ${progress.currentWave + 1}/${progress.waves.length}, ${progress.inFlight} updating, ${JSON.stringify(progress.counts)}`);
    }
    if (performance.now() - rolloutStart > 3_600_000) throw new Error('the rollout did not end within an hour');
    await sleep(2_000);
  }
  const rolloutS = (performance.now() - rolloutStart) / 1000;
  sampler.markWindowEnd();
  const workflows = await workflowCensus(client, campaignId);
  const registry = await registryCensus(db.pool, campaignId, VERSION);
  await client.connection.close();

  queryMs.sort((a, b) => a - b);
  const quantile = (q: number) => Math.round(queryMs[Math.min(queryMs.length - 1, Math.floor(queryMs.length * q))]!);
  const queryP99Ms = quantile(0.99);
  const done = progress.counts.done ?? 0;
  const figures = {
    devices: progress.totalDevices,
    done,
    onNewVersion: registry.onVersion,
    rolloutSeconds: Math.round(rolloutS),
    devicesPerMinute: Math.round((done / rolloutS) * 60),
    rolloutRuns: workflows.rolloutRuns,
    batchWorkflows: workflows.batches,
    maxHistoryEvents: Math.max(workflows.rolloutHistoryMax, workflows.batchHistoryMax),
    progressQueryP50Ms: quantile(0.5),
    progressQueryP99Ms: queryP99Ms,
  };
  const targets = { devices, done: devices, onNewVersion: devices, maxHistoryEvents: HISTORY_LIMIT, progressQueryP99Ms: 1000 };
  const row = (name: string, value: number | string, target: string, ok: boolean) => say(`  ${ok ? 'ok  ' : 'MISS'} ${name.padEnd(36)} ${String(value).padStart(10)}   target ${target}`);
  say(`\nOTA benchmark: campaign ${campaignId} ${progress.status}${progress.reason ? ` (${progress.reason})` : ''}; machine load average ${loadAtStart.toFixed(1)} → ${loadavg()[0]!.toFixed(1)}`);
  row('devices targeted', figures.devices, `= ${devices}`, figures.devices === devices);
  row('devices done (campaign)', done, `= ${devices}`, done === devices);
  row('devices on the new version (registry)', registry.onVersion, `= ${devices}`, registry.onVersion === devices);
  row('rollout wall time, s', figures.rolloutSeconds, '(4 waves, gate 99 %)', true);
  row('devices updated per minute', figures.devicesPerMinute, `(${concurrency} at once, 45 s each)`, true);
  row('rollout runs (continue-as-new)', workflows.rolloutRuns, '', true);
  row('batch child workflows', workflows.batches, `= ${Math.ceil(devices / batchSize)} or more`, workflows.batches >= Math.ceil(devices / batchSize));
  row('longest history: rollout run', workflows.rolloutHistoryMax, `< ${HISTORY_LIMIT}`, workflows.rolloutHistoryMax < HISTORY_LIMIT);
  row('longest history: batch', workflows.batchHistoryMax, `< ${HISTORY_LIMIT}`, workflows.batchHistoryMax < HISTORY_LIMIT);
  row('progress query p50, ms', figures.progressQueryP50Ms, `(${queryMs.length} queries)`, true);
  row('progress query p99, ms', queryP99Ms, '< 1000', queryP99Ms < 1000);
  say(`  campaign counts ${JSON.stringify(progress.counts)}; registry outcomes ${JSON.stringify(registry.outcomes)}; waves ${progress.waves.map((w) => `${w.to - w.from} ${w.gate ?? ''}`.trim()).join(' → ')}`);
  say('  process            pid   CPU % of a core (rollout)   peak RSS MB');
  for (const p of sampler.figures()) say(`  ${p.name.padEnd(16)} ${String(p.pid).padStart(7)} ${String(p.cpuPct).padStart(14)} ${String(p.peakRssMb).padStart(22)}`);
  const correct = done === devices && registry.onVersion === devices && figures.maxHistoryEvents < HISTORY_LIMIT;
  exitCode = correct && queryP99Ms < 1000 ? 0 : 1;
  console.log(JSON.stringify({ bench: 'ota', figures, targets }));
} catch (err) {
  console.error(`bench:ota failed: ${(err as Error).stack ?? String(err)}`);
} finally {
  await shutDown();
  if (exitCode === 0) rmSync(baseDir, { recursive: true, force: true });
}
process.exit(exitCode);
