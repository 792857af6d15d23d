import { ApplicationFailure, Context } from '@temporalio/activity';
import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type pg from 'pg';
import { verifySignedManifest } from '../../infra/pki/manifest';
import { PkiMissingError } from '../../infra/pki/store';
import { partitionOf, subjects } from '../../twins/bus/subjects';
import type { DeviceCommand } from '../../twins/commands/command';
import {
  campaignSubject,
  countUpdatedDevices,
  createCampaign,
  insertAudit,
  loadBatchDevices,
  loadManifest,
  setDeviceStates,
  setRegistryFirmware,
  updateCampaign,
  type CampaignUpdate,
  type CreatedCampaign,
  type ManifestRecord,
} from './records';
import type { AuditEntry, BatchAction, BatchDevice, BatchInput, DeviceOutcome, DeviceState, MaintenanceWindow, RolloutInput } from './types';
import { OtaEventFeed } from './ota-event-feed';
import { inWindow, type VehicleTwinState } from './window';

export interface OtaActivityDeps {
  pool: pg.Pool;
  nats: NatsConnection;
  partitions: number;
  /** Base URL of the firmware download route devices are sent to. */
  firmwareUrl: string;
  /** The fleet root certificate (PEM): rollouts start only for manifests devices will accept. */
  rootCertificate(): Promise<string>;
}

export interface AwaitRequest {
  campaignId: string;
  action: BatchAction;
  version: string;
  devices: Array<Pick<BatchDevice, 'deviceId' | 'vehicleId' | 'previousVersion' | 'hardwareModel'>>;
  /** Epoch ms just before the commands went out: events from then on count. */
  since: number;
  timeoutMs: number;
}

/** A device's last word for each action: after these it will report nothing more for the campaign. */
const FINAL: Record<BatchAction, ReadonlySet<DeviceState>> = {
  install: new Set(['done', 'rolled_back', 'refused']),
  rollback: new Set(['rolled_back', 'failed', 'refused']),
};
const TWIN_QUERY_TIMEOUT_MS = 2_000;
const TWIN_QUERIES_IN_FLIGHT = 64;
const FLUSH_EVERY_MS = 1_000;

/** The OTA domain's activities: all its I/O (PostgreSQL, twins, commands, twin events). */
export function createActivities(deps: OtaActivityDeps) {
  const otaEvents = new OtaEventFeed(deps.nats);
  const manifests = new Map<string, ManifestRecord>();
  async function manifest(id: string): Promise<ManifestRecord> {
    const cached = manifests.get(id);
    if (cached) return cached;
    const found = await loadManifest(deps.pool, id);
    if (!found) throw ApplicationFailure.nonRetryable(`firmware manifest ${id} is not published (fleet ota publish)`, 'UnknownManifest');
    manifests.set(id, found);
    return found;
  }

  return {
    /** Checks the manifest as a device will, resolves the targets and records the campaign. */
    async prepareCampaign(input: RolloutInput): Promise<CreatedCampaign & { version: string }> {
      const m = await manifest(input.manifestId);
      // Without the fleet root nothing can be checked; retrying will not bring it.
      const root = await deps.rootCertificate().catch((err: unknown) => {
        throw err instanceof PkiMissingError ? ApplicationFailure.nonRetryable(err.message, 'NoFleetRoot') : err;
      });
      const verdict = verifySignedManifest(m.signed, root, new Date());
      if (!verdict.ok) throw ApplicationFailure.nonRetryable(`manifest ${m.id} would be refused by devices: ${verdict.code} (${verdict.detail})`, 'UntrustedManifest');
      const created = await createCampaign(deps.pool, input, Context.current().info.workflowExecution?.workflowId ?? input.campaignId, m);
      return { ...created, version: m.version };
    },

    async loadBatch(input: BatchInput): Promise<BatchDevice[]> {
      return loadBatchDevices(deps.pool, input.campaignId, input.from, input.to, input.action);
    },

    /** Asks each vehicle's twin (request-reply to its partition's owner) whether it may update now. */
    async checkWindow(devices: BatchDevice[], window: MaintenanceWindow): Promise<{ eligible: BatchDevice[]; notYet: BatchDevice[] }> {
      const now = new Date();
      const twins = new Map<string, VehicleTwinState | null>();
      const vehicles = [...new Set(devices.map((d) => d.vehicleId))];
      if (window.requireParked) {
        for (let i = 0; i < vehicles.length; i += TWIN_QUERIES_IN_FLIGHT) {
          await Promise.all(vehicles.slice(i, i + TWIN_QUERIES_IN_FLIGHT).map(async (v) => twins.set(v, await askTwin(deps, v))));
        }
      }
      const eligible: BatchDevice[] = [];
      const notYet: BatchDevice[] = [];
      for (const d of devices) (inWindow(window, twins.get(d.vehicleId) ?? null, d.timezone, now) ? eligible : notYet).push(d);
      return { eligible, notYet };
    },

    /** Publishes the commands to JetStream COMMANDS (the bridge takes them to MQTT). */
    async sendCommands(input: BatchInput, devices: BatchDevice[]): Promise<void> {
      const js = jetstream(deps.nats);
      const signed = input.action === 'install' ? (await manifest(input.manifestId)).signed : undefined;
      await Promise.all(
        devices.map((d) => {
          const id = `${input.campaignId}:${input.action}:${d.deviceId}`;
          const base = { v: 1 as const, id, vehicleId: d.vehicleId, deviceId: d.deviceId, campaignId: input.campaignId };
          const command: DeviceCommand = signed
            ? { ...base, type: 'ota.offer', url: `${deps.firmwareUrl}/firmware/${input.manifestId}`, manifest: signed }
            : { ...base, type: 'ota.rollback', version: input.version };
          // The id doubles as JetStream's de-duplication id: a retried activity sends nothing twice.
          return js.publish(subjects.command(d.vehicleId), JSON.stringify(command), { msgID: id });
        }),
      );
      if (input.action === 'install') await setDeviceStates(deps.pool, input.campaignId, devices.map((d) => ({ deviceId: d.deviceId, state: 'offered' as const })), true);
    },

    /**
     * Follows the devices' OTA reports as their twins announce them (EVENTS evt.device_ota.*, from
     * `since`) until each device has said its last word or the timeout passed. Records intermediate
     * states every second and the outcomes at the end. A retry (worker killed) replays from `since`,
     * so nothing is missed.
     */
    async awaitOutcomes(request: AwaitRequest): Promise<DeviceOutcome[]> {
      const ctx = Context.current();
      const wanted = new Map(request.devices.map((d) => [d.deviceId, d]));
      const final = FINAL[request.action];
      const latest = new Map<string, DeviceOutcome>();
      const finished = new Set<string>();
      let changed: DeviceOutcome[] = [];
      const flush = async () => {
        const batch = changed;
        changed = [];
        await setDeviceStates(deps.pool, request.campaignId, batch);
      };

      let finish!: () => void;
      const ended = new Promise<void>((resolve) => (finish = resolve));
      const unlisten = await otaEvents.listen(request.since, (e) => {
        if (e.campaignId !== request.campaignId || !wanted.has(e.deviceId) || finished.has(e.deviceId)) return;
        const outcome: DeviceOutcome = { deviceId: e.deviceId, state: e.state, ...(e.reason ? { reason: e.reason } : {}) };
        latest.set(e.deviceId, outcome);
        changed.push(outcome);
        if (final.has(e.state)) {
          finished.add(e.deviceId);
          if (finished.size === wanted.size) finish();
        }
      });
      const deadline = setTimeout(finish, Math.max(0, request.since + request.timeoutMs - Date.now()));
      const beat = setInterval(() => {
        ctx.heartbeat({ finished: finished.size, of: wanted.size });
        void flush().catch(() => {});
      }, FLUSH_EVERY_MS);
      ctx.cancelled.catch(finish);
      try {
        await ended;
      } finally {
        clearTimeout(deadline);
        clearInterval(beat);
        unlisten();
      }
      if (ctx.cancellationSignal.aborted) throw ctx.cancellationSignal.reason ?? new Error('cancelled');

      const outcomes = [...wanted.keys()].map((deviceId): DeviceOutcome => {
        const last = latest.get(deviceId);
        if (last && finished.has(deviceId)) return last;
        // A device that failed and never rolled back stays failed; one that went quiet timed out.
        if (last?.state === 'failed') return last;
        return { deviceId, state: 'timed_out', reason: `no outcome within ${Math.round(request.timeoutMs / 1000)} s (last: ${last?.state ?? 'nothing'})` };
      });
      changed = [];
      await setDeviceStates(deps.pool, request.campaignId, outcomes);
      await setRegistryFirmware(
        deps.pool,
        outcomes.flatMap((o) => {
          const d = wanted.get(o.deviceId)!;
          if (request.action === 'install' && o.state === 'done') return [{ deviceId: o.deviceId, version: request.version }];
          if (request.action === 'rollback' && o.state === 'rolled_back' && d.previousVersion) return [{ deviceId: o.deviceId, version: d.previousVersion }];
          return [];
        }),
      );
      return outcomes;
    },

    async markSkipped(campaignId: string, deviceIds: string[], reason: string): Promise<void> {
      await setDeviceStates(deps.pool, campaignId, deviceIds.map((deviceId) => ({ deviceId, state: 'skipped' as const, reason })));
    },

    async countUpdated(campaignId: string): Promise<number> {
      return countUpdatedDevices(deps.pool, campaignId);
    },

    async recordCampaign(update: CampaignUpdate): Promise<void> {
      await updateCampaign(deps.pool, update);
    },

    async recordAudit(campaignId: string, entries: AuditEntry[]): Promise<void> {
      await insertAudit(deps.pool, campaignSubject(campaignId), entries);
    },
  };
}

export type OtaActivities = ReturnType<typeof createActivities>;

/** The vehicle's motion and connectivity from its twin's owner; null when no host answers for it. */
async function askTwin(deps: OtaActivityDeps, vehicleId: string): Promise<VehicleTwinState | null> {
  try {
    const reply = await deps.nats.request(subjects.twinQuery(partitionOf(vehicleId, deps.partitions), vehicleId), undefined, { timeout: TWIN_QUERY_TIMEOUT_MS });
    const body = reply.json<{ ok: boolean; twin?: { state?: { motion?: string; connectivity?: string } } }>();
    if (!body.ok || !body.twin?.state) return null;
    return { motion: body.twin.state.motion ?? null, connectivity: body.twin.state.connectivity ?? null };
  } catch {
    return null;
  }
}
