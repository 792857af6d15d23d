import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Objm } from '@nats-io/obj';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import proto from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../infra/config/env';
import { migrate } from '../../infra/db/migrate';
import { createScratchDatabase, type ScratchDatabase } from '../../infra/db/scratch-database';
import { createRootCa, issueSigningCertificate } from '../../infra/pki/certificates';
import { initPki, loadSigner } from '../../infra/pki/dev-pki';
import { signManifest, sha256Hex } from '../../infra/pki/manifest';
import { pkiPaths, readRootCertificate } from '../../infra/pki/store';
import { loadTemporalConfig, type TemporalConfig } from '../../temporal.config';
import { OBJECT_STORE_FIRMWARE } from '../../twins/bus/subjects';
import { CommandBridge } from '../../twins/commands/bridge';
import { serveFirmwareDownloads, type FirmwareDownloads } from '../../twins/commands/firmware-downloads';
import { PipelineHarness, waitFor } from '../../twins/e2e/harness';
import { LiveFleet } from '../../simulator/live/live-fleet';
import { registerFleet } from '../../simulator/registry';
import { Simulation } from '../../simulator/simulation';
import { createRandom } from '../../simulator/world/random';
import { createWorld } from '../../simulator/world/world';
import { readRecordedHistory } from '../testing/recorded-history';
import { startTestTemporal } from '../testing/temporal-env';
import { createActivities } from './activities';
import { abortRollout, listRollouts, rolloutProgress, rolloutResult, startRollout } from './client';
import { publishFirmware } from './firmware';
import type { CampaignProgress, RolloutPolicy } from './types';
import { otaWorker } from './worker';

const run = randomBytes(3).toString('hex');
const baseConfig = loadConfig();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const VEHICLES = 6;
const firstVehicle = 70_000 + Math.floor(Math.random() * 9_000);

let env: TestWorkflowEnvironment;
let db: ScratchDatabase;
let pipeline: PipelineHarness;
let bridge: CommandBridge;
let downloads: FirmwareDownloads;
let live: LiveFleet;
let temporal: TemporalConfig;
let bundlePath: string;
let dataDir: string;
const deviceIds: string[] = [];

/** Fast enough for tests, slow enough that a worker can be killed mid-wave. */
const policy = (over: Partial<RolloutPolicy> = {}): Partial<RolloutPolicy> => ({
  waves: [34, 100],
  batchSize: 2,
  concurrency: 2,
  deviceTimeoutMs: 20_000,
  minDevicesForThreshold: 2,
  window: { requireParked: true },
  windowWaitMs: 20_000,
  windowRecheckMs: 500,
  ...over,
});

function activities() {
  return createActivities({
    pool: db.pool,
    nats: pipeline.nc,
    partitions: baseConfig.FLEET_PARTITIONS,
    firmwareUrl: downloads.url,
    rootCertificate: () => readRootCertificate(pkiPaths(dataDir)),
  });
}

async function worker() {
  return Worker.create({
    connection: env.nativeConnection,
    namespace: temporal.namespace,
    taskQueue: temporal.taskQueues.ota,
    workflowBundle: { codePath: bundlePath },
    activities: activities(),
  });
}

async function publish(version: string, id: string) {
  return publishFirmware(
    { pool: db.pool, nc: pipeline.nc, signer: await loadSigner(pkiPaths(dataDir)), rootPem: await readRootCertificate(pkiPaths(dataDir)) },
    { artifact: Buffer.from(`FT-GPS ${version} `.repeat(500)), version, hardwareModels: ['FT-GPS'], expiresAt: new Date(Date.now() + 3_600_000), id, publishedBy: 'test' },
  );
}

async function registryFirmware(): Promise<string[]> {
  const { rows } = await db.pool.query<{ firmware: string }>('SELECT firmware FROM devices WHERE id = ANY($1) ORDER BY id', [deviceIds]);
  return rows.map((r) => r.firmware);
}

function simulatedFirmware(): string[] {
  return [...deviceIds].sort().map((id) => live['sim'].devices.find((d) => d.id === id)!.firmware);
}

beforeAll(async () => {
  env = await startTestTemporal();
  dataDir = join(tmpdir(), `ota-test-${run}`);
  await initPki(pkiPaths(dataDir), { fleet: 'Test', rootDays: 30, signingDays: 10 });
  db = await createScratchDatabase(baseConfig.FLEET_DATABASE_URL, 'ota');
  await migrate(db.pool);
  temporal = loadTemporalConfig(loadConfig({ ...process.env, FLEET_TEMPORAL_ADDRESS: env.address, FLEET_TEMPORAL_TASK_QUEUE_PREFIX: `test-${run}` }));
  bundlePath = join(tmpdir(), `ota-bundle-${run}.js`);
  await writeFile(bundlePath, (await bundleWorkflowCode({ workflowsPath: otaWorker.workflowsPath })).code);

  pipeline = new PipelineHarness();
  await pipeline.start({ group: `ota-${run}` });
  bridge = new CommandBridge(pipeline.nc, { mqttUrl: baseConfig.FLEET_MQTT_URL, instanceId: `ota-test-${run}` }, pipeline.log);
  await bridge.start();
  downloads = await serveFirmwareDownloads(pipeline.nc, { port: 0, host: '127.0.0.1' }, pipeline.log);

  // A parked fleet of GPS trackers (whose first shifts are years away), registered as the platform knows it.
  const startMs = Date.now();
  const world = createWorld(createRandom('ota-test'), { kind: 'grid', gridBlocks: 4 });
  const sim = new Simulation({ world, vehicles: VEHICLES, firstVehicle, devicesPerVehicle: 1, seed: `ota-${run}`, startMs, seqStart: startMs, rate: 20, shift: { firstShiftWithinS: 1e9 } });
  expect(await registerFleet(db.url, sim, { region: 'riviera', timezone: 'Europe/Monaco' })).toBe(VEHICLES);
  deviceIds.push(...sim.devices.map((d) => d.id));
  live = new LiveFleet(sim, {
    mqttUrl: baseConfig.FLEET_MQTT_URL,
    connectRate: 50,
    ota: { trustAnchorPem: await readRootCertificate(pkiPaths(dataDir)), behaviour: { downloadMs: 300, installMs: 300, rebootMs: 300, failureRate: 0, rollbackRate: 0 } },
  });
  live.start();
  // Every twin has heard from its vehicle: parked and online.
  await waitFor(async () => {
    const twins = await Promise.all(sim.fleet.vehicles.map((v) => pipeline.twin(v.id)));
    return twins.every((t) => t?.state?.motion === 'parked' && t.state.connectivity === 'online') || undefined;
  }, 30_000, 200);
}, 240_000);

afterAll(async () => {
  await live?.stop(2000);
  await bridge?.stop();
  await downloads?.stop();
  await pipeline?.stop();
  await db?.drop();
  await env?.teardown();
});

describe('otaRollout on the real dev server, with simulated devices over MQTT and twins on NATS', () => {
  it('offers signed firmware wave by wave, and every device verifies, installs and ends on the new version', async () => {
    await publish('3.5.0', `fw-350-${run}`);
    const w = await worker();
    const campaignId = `roll-${run}`;
    const result = await w.runUntil(async () => {
      await startRollout(env.client, temporal, {
        campaignId, manifestId: `fw-350-${run}`, target: { hardwareModels: ['FT-GPS'], regions: ['riviera'] }, createdBy: 'tester',
        // A tiny history limit makes the rollout continue as new between batches.
        policy: policy({ historyEventsBeforeContinue: 20 }),
      });
      return rolloutResult(env.client, campaignId);
    });
    expect(result).toMatchObject({ status: 'completed', version: '3.5.0', totalDevices: VEHICLES, counts: { done: VEHICLES }, inFlight: 0 });
    expect(result.waves.map((wave) => [wave.from, wave.to, wave.gate])).toEqual([[0, 3, 'passed'], [3, 6, 'passed']]);
    expect(result.runs).toBeGreaterThan(0);
    expect(await registryFirmware()).toEqual(Array(VEHICLES).fill('3.5.0'));
    expect(simulatedFirmware()).toEqual(Array(VEHICLES).fill('FT-GPS 3.5.0'));
    // The twins saw it too.
    const twin = await pipeline.twin(live['sim'].devices[0]!.vehicle.id);
    expect(twin.devices[0]).toMatchObject({ firmware: 'FT-GPS 3.5.0', ota: { campaignId, state: 'done', version: '3.5.0' } });
    const { rows } = await db.pool.query(`SELECT status, finished_at IS NOT NULL AS finished, outcome FROM ota_campaigns WHERE id = $1`, [campaignId]);
    expect(rows[0]).toEqual({ status: 'completed', finished: true, outcome: { done: VEHICLES } });
    const audit = await db.pool.query(`SELECT action, actor FROM audit_log WHERE subject = $1 ORDER BY id`, [`ota_campaigns/${campaignId}`]);
    expect(audit.rows[0]).toEqual({ action: 'ota_campaign.start', actor: 'tester' });
    // Owners find it in the Temporal UI by its search attributes.
    const listed = await waitFor(async () => (await listRollouts(env.client, { version: '3.5.0', state: 'completed' })).find((c) => c.campaignId === campaignId), 10_000, 200);
    expect(listed).toMatchObject({ manifestId: `fw-350-${run}`, createdBy: 'tester', executionStatus: 'COMPLETED' });

    const history = await env.client.workflow.getHandle(`ota-${campaignId}`).fetchHistory();
    await Worker.runReplayHistory({ workflowsPath: otaWorker.workflowsPath }, history, `ota-${campaignId}`);
    if (process.env.FLEET_RECORD_HISTORIES) {
      await writeFile(fileURLToPath(new URL('./histories/ota-rollout.binpb', import.meta.url)), proto.temporal.api.history.v1.History.encode(history).finish());
    }
  }, 120_000);

  it('replays a recorded rollout history without non-determinism', async () => {
    const file = fileURLToPath(new URL('./histories/ota-rollout.binpb', import.meta.url));
    expect(existsSync(file)).toBe(true);
    // The last run (after continue-as-new) of campaign roll-cc7ce3, recorded with FLEET_RECORD_HISTORIES=1.
    await Worker.runReplayHistory({ workflowsPath: otaWorker.workflowsPath }, await readRecordedHistory(file), 'ota-roll-cc7ce3');
  });

  it('a tampered artifact is refused by every device it reaches, and the failed gate pauses the rollout for a human', async () => {
    const signed = await publish('3.6.0', `fw-360-${run}`);
    // Someone replaces the artifact behind the signed manifest (same size, other bytes).
    const bytes = Buffer.from(`FT-GPS 3.6.0 `.repeat(500));
    bytes[10] = 0x21;
    expect(sha256Hex(bytes)).not.toBe(signed.manifest.sha256);
    await (await new Objm(pipeline.nc).open(OBJECT_STORE_FIRMWARE)).putBlob({ name: `fw-360-${run}` }, bytes);

    const w = await worker();
    const campaignId = `tamper-${run}`;
    await w.runUntil(async () => {
      await startRollout(env.client, temporal, { campaignId, manifestId: `fw-360-${run}`, target: { hardwareModels: ['FT-GPS'] }, createdBy: 'tester', policy: policy() });
      const paused = await waitFor(async () => {
        const p = await rolloutProgress(env.client, campaignId);
        return p.status === 'paused' ? p : undefined;
      }, 60_000, 200);
      expect(paused.reason).toMatch(/^(success gate|failure threshold)/);
      expect(paused.counts.done ?? 0).toBe(0);
      expect(paused.counts.refused).toBeGreaterThan(0);
      // Nobody installs anything more while it is paused.
      expect(paused.currentWave).toBe(0);
      await abortRollout(env.client, campaignId, { by: 'tester', reason: 'tampered artifact' });
      return rolloutResult(env.client, campaignId);
    });
    const { rows } = await db.pool.query<{ state: string; reason: string }>(`SELECT state, reason FROM ota_campaign_devices WHERE campaign_id = $1 AND state = 'refused'`, [campaignId]);
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(r.reason).toMatch(/^hash_mismatch: SHA-256/);
    expect(await registryFirmware()).toEqual(Array(VEHICLES).fill('3.5.0'));
    expect(simulatedFirmware()).toEqual(Array(VEHICLES).fill('FT-GPS 3.5.0'));
  }, 120_000);

  it('abort rolls back every device the campaign updated to the version it had', async () => {
    await publish('3.7.0', `fw-370-${run}`);
    const w = await worker();
    const campaignId = `abort-${run}`;
    const result: CampaignProgress = await w.runUntil(async () => {
      await startRollout(env.client, temporal, { campaignId, manifestId: `fw-370-${run}`, target: { currentVersions: ['3.5.0'] }, createdBy: 'tester', policy: policy() });
      await waitFor(async () => ((await rolloutProgress(env.client, campaignId)).counts.done ?? 0) > 0 || undefined, 60_000, 100);
      await abortRollout(env.client, campaignId, { by: 'tester', reason: 'bad battery drain reports' });
      return rolloutResult(env.client, campaignId);
    });
    expect(result.status).toBe('aborted');
    expect(result.reason).toBe('aborted by tester: bad battery drain reports');
    const updated = result.counts.done ?? 0;
    expect(updated).toBeGreaterThan(0);
    expect(result.rollback).toEqual({ devices: updated, counts: { rolled_back: updated } });
    expect(await registryFirmware()).toEqual(Array(VEHICLES).fill('3.5.0'));
    await waitFor(() => simulatedFirmware().every((f) => f === 'FT-GPS 3.5.0') || undefined, 10_000, 100);
    const audit = await db.pool.query(`SELECT action FROM audit_log WHERE subject = $1 ORDER BY id`, [`ota_campaigns/${campaignId}`]);
    expect(audit.rows.map((r) => r.action)).toEqual(['ota_campaign.start', 'ota_campaign.abort']);
  }, 120_000);

  it('a manifest signed under another root never starts a rollout', async () => {
    const otherRoot = await createRootCa({ subject: 'CN=Other root', validDays: 10 });
    const otherSigner = await issueSigningCertificate(otherRoot, { subject: 'CN=Other signing', validDays: 5 });
    const signed = signManifest({ ...(await publish('3.8.0', `fw-380-${run}`)).manifest }, otherSigner);
    await db.pool.query('UPDATE firmware_manifests SET signed_manifest = $2 WHERE id = $1', [`fw-380-${run}`, signed]);
    await expect(activities().prepareCampaign({ campaignId: `bad-${run}`, manifestId: `fw-380-${run}`, target: { hardwareModels: ['FT-GPS'] }, policy: policy() as RolloutPolicy, createdBy: 'tester' }))
      .rejects.toThrow(/would be refused by devices: untrusted_chain/);
  });

  it('the rollout survives its worker being killed mid-wave: a new worker finishes it', async () => {
    await publish('3.9.0', `fw-390-${run}`);
    const childEnv = {
      ...process.env,
      FLEET_TEMPORAL_ADDRESS: env.address,
      FLEET_TEMPORAL_TASK_QUEUE_PREFIX: `test-${run}`,
      FLEET_DATABASE_URL: db.url,
      FLEET_DATA_DIR: dataDir,
      FLEET_FIRMWARE_URL: downloads.url,
      OTA_WORKFLOW_BUNDLE: bundlePath,
    };
    const spawnWorker = async (): Promise<ChildProcess> => {
      const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./fixtures/run-worker.ts', import.meta.url))], { env: childEnv, stdio: ['pipe', 'pipe', 'inherit'] });
      await new Promise<void>((resolve, reject) => {
        child.stdout!.on('data', (d: Buffer) => d.toString().includes('polling') && resolve());
        child.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
      });
      return child;
    };
    const campaignId = `kill-${run}`;
    let first: ChildProcess | undefined = await spawnWorker();
    let second: ChildProcess | undefined;
    try {
      await startRollout(env.client, temporal, { campaignId, manifestId: `fw-390-${run}`, target: { hardwareModels: ['FT-GPS'] }, createdBy: 'tester', policy: policy({ waves: [100] }) });
      // Mid-wave: the first devices have their offer.
      await waitFor(async () => {
        const { rows } = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ota_campaign_devices WHERE campaign_id = $1 AND state <> 'pending'`, [campaignId]);
        return rows[0]!.n > 0 || undefined;
      }, 60_000, 20);
      first.kill('SIGKILL');
      await new Promise((r) => first!.once('exit', r));
      first = undefined;
      const { rows } = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ota_campaign_devices WHERE campaign_id = $1 AND state = 'done'`, [campaignId]);
      expect(rows[0]!.n).toBeLessThan(VEHICLES);
      second = await spawnWorker();
      const result = await rolloutResult(env.client, campaignId);
      expect(result).toMatchObject({ status: 'completed', counts: { done: VEHICLES } });
      expect(await registryFirmware()).toEqual(Array(VEHICLES).fill('3.9.0'));
    } finally {
      first?.kill('SIGKILL');
      second?.kill('SIGKILL');
    }
  }, 180_000);
});
