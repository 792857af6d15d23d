import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { intIn, numberIn, usageExit } from '../../infra/cli/options';
import { loadConfig } from '../../infra/config/env';
import { DatabaseUnreachableError, openDatabase } from '../../infra/db/pool';
import { loadSigner } from '../../infra/pki/dev-pki';
import { versionSchema } from '../../infra/pki/manifest';
import { PkiMissingError, pkiPaths, readRootCertificate } from '../../infra/pki/store';
import { connectNats } from '../../twins/bus/connect';
import { idSchema } from '../../twins/telemetry/schema';
import { withClient } from '../cli';
import { NatsUnreachableError } from '../errors';
import {
  abortRollout,
  CampaignNotFoundError,
  listRollouts,
  OtaRequestError,
  pauseRollout,
  resumeRollout,
  rolloutPolicyOf,
  rolloutProgress,
  rolloutResult,
  startRollout,
} from './client';
import { publishFirmware, PublishError } from './firmware';
import { campaignStatuses, deviceStates, type CampaignProgress, type RolloutPolicy, type TargetSelector } from './types';

const campaignIdPattern = /^[A-Za-z0-9_.-]{1,100}$/;

function campaignArg(raw: string): string {
  if (!campaignIdPattern.test(raw)) throw new InvalidArgumentError(`"${raw}" is not a campaign id (1-100 characters of A-Z a-z 0-9 _ . -).`);
  return raw;
}

function list(what: string, check: (item: string) => boolean) {
  return (raw: string): string[] => {
    const items = raw.split(',').map((s) => s.trim()).filter(Boolean);
    if (items.length === 0) throw new InvalidArgumentError(`give at least one ${what}.`);
    const bad = items.find((i) => !check(i));
    if (bad !== undefined) throw new InvalidArgumentError(`"${bad}" is not a valid ${what}.`);
    return items;
  };
}

const modelList = list('hardware model', (m) => m.length <= 64);
const versionList = list('version', (v) => versionSchema.safeParse(v).success);
const deviceList = list('device id', (d) => idSchema.safeParse(d).success);
const regionList = list('region', (r) => r.length <= 64);

function versionArg(raw: string): string {
  if (!versionSchema.safeParse(raw).success) throw new InvalidArgumentError(`"${raw}" is not a version (2-4 dot-separated numbers, e.g. 3.5.0).`);
  return raw;
}

function wavesArg(raw: string): number[] {
  const waves = raw.split(',').map((s) => Number(s.trim()));
  if (waves.some((w) => !Number.isFinite(w))) throw new InvalidArgumentError(`"${raw}" is not a list of percentages like 1,10,50,100.`);
  return waves;
}

function hoursArg(raw: string): { fromHour: number; toHour: number } {
  const m = /^(\d{1,2})-(\d{1,2})$/.exec(raw.trim());
  const fromHour = Number(m?.[1]);
  const toHour = Number(m?.[2]);
  if (!m || fromHour > 23 || toHour > 24) throw new InvalidArgumentError(`"${raw}" is not local hours like 22-5 (from 22:00 to 05:00).`);
  return { fromHour, toHour };
}

function text(what: string) {
  return (raw: string): string => {
    const t = raw.trim();
    if (t.length === 0 || t.length > 500) throw new InvalidArgumentError(`${what} must be 1-500 characters.`);
    return t;
  };
}

/** Failures a person can fix print one line and exit 1; usage errors were caught by commander (exit 2). */
async function explained(command: string, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (err) {
    const known = [OtaRequestError, CampaignNotFoundError, PkiMissingError, PublishError, DatabaseUnreachableError, NatsUnreachableError];
    if (!known.some((k) => err instanceof k)) throw err;
    console.error(`fleet ota ${command}: ${(err as Error).message}`);
    process.exitCode = err instanceof OtaRequestError ? 2 : 1;
  }
}

interface StartFlags {
  manifest: string;
  campaign?: string;
  models?: string[];
  regions?: string[];
  versions?: string[];
  devices?: string[];
  waves: number[];
  gate: number;
  failureThreshold: number;
  concurrency: number;
  batchSize: number;
  deviceTimeout: number;
  anyMotion?: boolean;
  hours?: { fromHour: number; toHour: number };
  windowWait: number;
  by: string;
  wait?: boolean;
}

export function register(program: Command): void {
  const ota = program
    .command('ota')
    .description('Firmware over the air: publish signed firmware, run rollouts (Temporal workflows ota-<campaign>), pause, resume, abort, watch')
    .exitOverride(usageExit);

  ota
    .command('publish')
    .description('Sign a firmware manifest with the fleet signing certificate (fleet pki init) and publish the artifact for devices to download')
    .argument('<artifact>', 'the firmware image file')
    .requiredOption('--version <version>', 'firmware version, e.g. 3.5.0', versionArg)
    .requiredOption('--models <list>', 'hardware models it is for, comma-separated (e.g. FT-GPS)', modelList)
    .addOption(new Option('--expires-in-days <n>', 'devices refuse it after this many days').argParser(intIn(1, 3650)).default(90))
    .option('--id <id>', 'manifest id (default <model>-<version>-<sha8>)', (raw: string) => {
      if (!/^[A-Za-z0-9_.-]{1,128}$/.test(raw)) throw new InvalidArgumentError(`"${raw}" must be 1-128 characters of A-Z a-z 0-9 _ . -`);
      return raw;
    })
    .option('--notes <text>', 'release notes', text('--notes'))
    .option('--by <name>', 'who publishes (audit log)', text('--by'), userInfo().username)
    .action(async (file: string, opts: { version: string; models: string[]; expiresInDays: number; id?: string; notes?: string; by: string }) =>
      explained('publish', async () => {
        const artifact = await readFile(file).catch((err: NodeJS.ErrnoException) => {
          throw new PublishError(`cannot read ${file} (${err.code ?? err.message})`);
        });
        if (artifact.length === 0) throw new PublishError(`${file} is empty`);
        const config = loadConfig();
        const paths = pkiPaths(config.FLEET_DATA_DIR);
        const [signer, rootPem] = await Promise.all([loadSigner(paths), readRootCertificate(paths)]);
        const pool = await openDatabase(config.FLEET_DATABASE_URL);
        const nc = await connectNats(config.FLEET_NATS_URL, 'fleet-ota-publish').catch((err: unknown) => {
          throw new NatsUnreachableError(config.FLEET_NATS_URL, err);
        });
        try {
          const signed = await publishFirmware(
            { pool, nc, signer, rootPem },
            {
              artifact,
              version: opts.version,
              hardwareModels: opts.models,
              expiresAt: new Date(Date.now() + opts.expiresInDays * 86_400_000),
              publishedBy: opts.by,
              ...(opts.id ? { id: opts.id } : {}),
              ...(opts.notes ? { notes: opts.notes } : {}),
            },
          );
          const m = signed.manifest;
          console.log(`published ${m.id}: ${m.hardwareModels.join(', ')} ${m.version}, ${m.sizeBytes} bytes, SHA-256 ${m.sha256}, expires ${m.expiresAt}`);
        } finally {
          await Promise.all([pool.end(), nc.close()]);
        }
      }),
    );

  ota
    .command('start')
    .description('Start a rollout of a published manifest: waves with a success gate, failure threshold, maintenance window, concurrency limit')
    .requiredOption('--manifest <id>', 'the published manifest (fleet ota publish printed its id)')
    .option('--campaign <id>', 'campaign id (default: <date>-<random>)', campaignArg)
    .option('--models <list>', 'only these hardware models (default: all the manifest names)', modelList)
    .option('--regions <list>', 'only vehicles of depots in these regions', regionList)
    .option('--versions <list>', 'only devices now on these versions', versionList)
    .option('--devices <list>', 'only these devices', deviceList)
    .addOption(new Option('--waves <list>', 'cumulative percentages of the targets per wave').argParser(wavesArg).default([1, 10, 50, 100], '1,10,50,100'))
    .addOption(new Option('--gate <share>', 'share of a wave that must succeed before the next').argParser(numberIn(0, 1)).default(0.99))
    .addOption(new Option('--failure-threshold <share>', 'share of failures in a wave that pauses the rollout').argParser(numberIn(0, 1)).default(0.05))
    .addOption(new Option('--concurrency <n>', 'devices updating at once').argParser(intIn(1, 100_000)).default(500))
    .addOption(new Option('--batch-size <n>', 'devices per batch workflow').argParser(intIn(1, 1000)).default(250))
    .addOption(new Option('--device-timeout <seconds>', 'from offer to outcome, per device').argParser(intIn(1, 7 * 86_400)).default(1800))
    .option('--any-motion', 'update vehicles that are not parked too (default: parked and online only)')
    .option('--hours <from-to>', 'only within these local hours of the depot, e.g. 22-5', hoursArg)
    .addOption(new Option('--window-wait <seconds>', 'how long a batch waits for its vehicles to enter the window').argParser(intIn(0, 30 * 86_400)).default(43_200))
    .option('--by <name>', 'who starts it (audit log)', text('--by'), userInfo().username)
    .option('--wait', 'wait for the end and print the final counts')
    .action(async (opts: StartFlags) =>
      explained('start', async () => {
        const target: TargetSelector = {
          ...(opts.models ? { hardwareModels: opts.models } : {}),
          ...(opts.regions ? { regions: opts.regions } : {}),
          ...(opts.versions ? { currentVersions: opts.versions } : {}),
          ...(opts.devices ? { deviceIds: opts.devices } : {}),
        };
        // Without a selector every device the manifest names is a target: say so explicitly.
        if (Object.keys(target).length === 0) throw new OtaRequestError('name the targets: --models, --regions, --versions and/or --devices');
        const policy: Partial<RolloutPolicy> = {
        waves: opts.waves,
        successGate: opts.gate,
        failureThreshold: opts.failureThreshold,
        concurrency: opts.concurrency,
        batchSize: Math.min(opts.batchSize, opts.concurrency),
        deviceTimeoutMs: opts.deviceTimeout * 1000,
        window: { requireParked: !opts.anyMotion, ...(opts.hours ? { localHours: opts.hours } : {}) },
        windowWaitMs: opts.windowWait * 1000,
        };
        rolloutPolicyOf(policy);
        await withClient('ota start', async (client, temporal) => {
          const started = await startRollout(client, temporal, {
            manifestId: opts.manifest,
            target,
            policy,
            createdBy: opts.by,
            ...(opts.campaign ? { campaignId: opts.campaign } : {}),
          });
          console.log(`campaign ${started.campaignId} started: workflow ${started.workflowId} (Temporal UI: FleetCampaignId = "${started.campaignId}")`);
          if (opts.wait) printProgress(await rolloutResult(client, started.campaignId));
        });
      }),
    );

  for (const [name, description, send] of [
    ['pause', 'Pause a rollout: no new batches start (running ones finish)', pauseRollout],
    ['resume', 'Resume a paused rollout (also: accept a failed gate and go on)', resumeRollout],
    ['abort', 'Abort a rollout: it stops and rolls back every device it updated', abortRollout],
  ] as const) {
    ota
      .command(name)
      .description(description)
      .argument('<campaign>', 'campaign id', campaignArg)
      .option('--reason <text>', 'why (audit log)', text('--reason'))
      .option('--by <name>', 'who (audit log)', text('--by'), userInfo().username)
      .action(async (campaign: string, opts: { reason?: string; by: string }) =>
        explained(name, () =>
          withClient(`ota ${name}`, async (client) => {
            await send(client, campaign, { by: opts.by, ...(opts.reason ? { reason: opts.reason } : {}) });
            console.log(`campaign ${campaign}: ${name} sent`);
          }),
        ),
      );
  }

  ota
    .command('status')
    .description('Counts per state and per wave of a campaign, from its workflow')
    .argument('<campaign>', 'campaign id', campaignArg)
    .option('--json', 'print JSON')
    .action(async (campaign: string, opts: { json?: boolean }) =>
      explained('status', () =>
        withClient('ota status', async (client) => {
          const progress = await rolloutProgress(client, campaign);
          if (opts.json) console.log(JSON.stringify(progress, null, 2));
          else printProgress(progress);
        }),
      ),
    );

  ota
    .command('list')
    .description('Campaigns, newest first (from Temporal\'s search attributes)')
    .addOption(new Option('--state <state>', 'only campaigns in this state').choices(campaignStatuses))
    .option('--version <version>', 'only campaigns of this firmware version', versionArg)
    .addOption(new Option('--limit <n>', 'at most this many').argParser(intIn(1, 1000)).default(50))
    .option('--json', 'print JSON')
    .action(async (opts: { state?: string; version?: string; limit: number; json?: boolean }) =>
      explained('list', () =>
        withClient('ota list', async (client) => {
          const rows = await listRollouts(client, { limit: opts.limit, ...(opts.state ? { state: opts.state } : {}), ...(opts.version ? { version: opts.version } : {}) });
          if (opts.json) return void console.log(JSON.stringify(rows, null, 2));
          if (rows.length === 0) return void console.log('no campaigns');
          for (const r of rows) console.log(`${r.campaignId.padEnd(24)} ${(r.state ?? '?').padEnd(10)} ${(r.version ?? '?').padEnd(10)} ${r.manifestId ?? ''}  started ${r.startTime}${r.createdBy ? ` by ${r.createdBy}` : ''}`);
        }),
      ),
    );
}

function printProgress(p: CampaignProgress): void {
  const counts = (c: Partial<Record<string, number>>) =>
    deviceStates.filter((s) => c[s]).map((s) => `${s} ${c[s]}`).join(', ') || 'nothing finished yet';
  console.log(`campaign ${p.campaignId}: ${p.status}${p.reason ? ` (${p.reason})` : ''}; ${p.version || '?'} from ${p.manifestId}; ${p.totalDevices} devices${p.withoutOta ? ` (${p.withoutOta} more left out: their format takes no OTA)` : ''}, ${p.inFlight} updating now`);
  for (const w of p.waves) {
    console.log(`  wave ${w.wave + 1} (${w.percent} %, devices ${w.from}-${w.to - 1}): ${counts(w.counts)}${w.gate ? `; gate ${w.gate}` : ''}`);
  }
  console.log(`  all: ${counts(p.counts)}`);
  if (p.rollback) console.log(`  rollback of ${p.rollback.devices} devices: ${counts(p.rollback.counts)}`);
}
