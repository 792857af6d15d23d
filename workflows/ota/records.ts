import type pg from 'pg';
import type { SignedManifest } from '../../infra/pki/manifest';
import type { AuditEntry, BatchAction, BatchDevice, CampaignStatus, DeviceOutcome, DeviceState, RolloutInput, StateCounts } from './types';
import { inTransaction } from '../../infra/db/transaction';
import { OTA_FORMATS } from '../../twins/commands/command';

/** States after which a device needs nothing more from an install batch. */
const INSTALL_FINISHED: DeviceState[] = ['done', 'failed', 'rolled_back', 'refused', 'timed_out', 'skipped'];

export interface ManifestRecord {
  id: string;
  version: string;
  hardwareModels: string[];
  signed: SignedManifest;
}

export async function loadManifest(pool: pg.Pool, id: string): Promise<ManifestRecord | null> {
  const { rows } = await pool.query<{ id: string; version: string; hardware_models: string[]; signed_manifest: SignedManifest | null }>(
    'SELECT id, version, hardware_models, signed_manifest FROM firmware_manifests WHERE id = $1',
    [id],
  );
  const row = rows[0];
  if (!row?.signed_manifest) return null;
  return { id: row.id, version: row.version, hardwareModels: row.hardware_models, signed: row.signed_manifest };
}

/** The registry's devices a selector names, its five values from parameter $first on. */
function selectedDevices(first: number): string {
  const $ = (i: number) => `$${first + i}`;
  return `
  FROM devices d
  JOIN vehicles v ON v.id = d.vehicle_id
  LEFT JOIN depots p ON p.id = v.depot_id
 WHERE d.hardware_model = ANY(${$(0)}::text[])
   AND (${$(1)}::text[] IS NULL OR p.region = ANY(${$(1)}::text[]))
   AND (${$(2)}::text[] IS NULL OR d.firmware = ANY(${$(2)}::text[]))
   AND (${$(3)}::text[] IS NULL OR d.id = ANY(${$(3)}::text[]))
   AND d.firmware IS DISTINCT FROM ${$(4)}`;
}

export interface CreatedCampaign {
  /** Devices targeted. */
  totalDevices: number;
  /** Devices the selector names whose format takes no OTA commands (OTA_FORMATS): left out. */
  withoutOta: number;
}

/**
 * Creates the campaign and its device rows from the target selector, in one transaction: the
 * devices are put in a random but fixed order (md5 of campaign and device id), so a retry, a
 * replay or a second worker computes the same ordinals. Devices whose format cannot take an OTA
 * command are left out, and counted, rather than left to time out and fail a wave's gate.
 */
export async function createCampaign(pool: pg.Pool, input: RolloutInput, workflowId: string, manifest: ManifestRecord): Promise<CreatedCampaign> {
  const { hardwareModels, version } = manifest;
  const t = input.target;
  const selector = [
    t.hardwareModels?.length ? t.hardwareModels.filter((m) => hardwareModels.includes(m)) : hardwareModels,
    t.regions?.length ? t.regions : null,
    t.currentVersions?.length ? t.currentVersions : null,
    t.deviceIds?.length ? t.deviceIds : null,
    version,
  ];
  return inTransaction(pool, async (client) => {
    const inserted = await client.query(
      `INSERT INTO ota_campaigns (id, manifest_id, target, waves, policy, status, workflow_id, created_by, started_at)
       VALUES ($1, $2, $3, $4, $5, 'preparing', $6, $7, now()) ON CONFLICT (id) DO NOTHING`,
      [input.campaignId, input.manifestId, input.target, JSON.stringify(input.policy.waves), input.policy, workflowId, input.createdBy],
    );
    const withoutOta = await client.query<{ n: number }>(`SELECT count(*)::int AS n ${selectedDevices(1)} AND NOT (d.format = ANY($6::text[]))`, [...selector, OTA_FORMATS]);
    const left = withoutOta.rows[0]!.n;
    if (inserted.rowCount === 1) {
      await client.query(
        `INSERT INTO ota_campaign_devices (campaign_id, device_id, vehicle_id, hardware_model, ordinal, previous_version)
         SELECT $1, d.id, d.vehicle_id, d.hardware_model, (row_number() OVER (ORDER BY md5($1 || d.id)) - 1)::int, d.firmware
         ${selectedDevices(2)} AND d.format = ANY($7::text[])`,
        [input.campaignId, ...selector, OTA_FORMATS],
      );
      await insertAudit(client, campaignSubject(input.campaignId), [
        { actor: input.createdBy, action: 'ota_campaign.start', details: { manifestId: input.manifestId, version, target: input.target, policy: input.policy, withoutOta: left } },
      ]);
    }
    const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM ota_campaign_devices WHERE campaign_id = $1', [input.campaignId]);
    return { totalDevices: rows[0]!.n, withoutOta: left };
  });
}

/**
 * The devices of ordinals [from, to) that a batch still has to handle: for an install those not
 * finished yet (a retried batch skips what is done), for a rollback those this campaign updated.
 */
export async function loadBatchDevices(pool: pg.Pool, campaignId: string, from: number, to: number, action: BatchAction): Promise<BatchDevice[]> {
  const { rows } = await pool.query<{ device_id: string; vehicle_id: string; hardware_model: string; timezone: string | null; previous_version: string | null }>(
    `SELECT c.device_id, c.vehicle_id, c.hardware_model, p.timezone, c.previous_version
       FROM ota_campaign_devices c
       LEFT JOIN vehicles v ON v.id = c.vehicle_id
       LEFT JOIN depots p ON p.id = v.depot_id
      WHERE c.campaign_id = $1 AND c.ordinal >= $2 AND c.ordinal < $3
        AND (CASE WHEN $4 = 'rollback' THEN c.state = 'done' ELSE NOT (c.state = ANY($5::text[])) END)
      ORDER BY c.ordinal`,
    [campaignId, from, to, action, INSTALL_FINISHED],
  );
  return rows.map((r) => ({
    deviceId: r.device_id,
    vehicleId: r.vehicle_id,
    hardwareModel: r.hardware_model,
    timezone: r.timezone ?? 'UTC',
    previousVersion: r.previous_version,
  }));
}

export async function setDeviceStates(pool: pg.Pool, campaignId: string, states: DeviceOutcome[], offered = false): Promise<void> {
  if (states.length === 0) return;
  await pool.query(
    `UPDATE ota_campaign_devices c
        SET state = s.state, reason = s.reason, updated_at = now()${offered ? ', offered_at = now()' : ''}
       FROM unnest($2::text[], $3::text[], $4::text[]) AS s(device_id, state, reason)
      WHERE c.campaign_id = $1 AND c.device_id = s.device_id`,
    [campaignId, states.map((s) => s.deviceId), states.map((s) => s.state), states.map((s) => s.reason ?? null)],
  );
}

/** The registry follows what devices report they run now. */
export async function setRegistryFirmware(pool: pg.Pool, versions: Array<{ deviceId: string; version: string }>): Promise<void> {
  if (versions.length === 0) return;
  await pool.query(
    `UPDATE devices d SET firmware = s.version, updated_at = now()
       FROM unnest($1::text[], $2::text[]) AS s(device_id, version) WHERE d.id = s.device_id`,
    [versions.map((v) => v.deviceId), versions.map((v) => v.version)],
  );
}

export async function countUpdatedDevices(pool: pg.Pool, campaignId: string): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ota_campaign_devices WHERE campaign_id = $1 AND state = 'done'`, [campaignId]);
  return rows[0]!.n;
}

export interface CampaignUpdate {
  campaignId: string;
  status: CampaignStatus;
  reason: string | null;
  counts: StateCounts;
  finished: boolean;
}

export async function updateCampaign(pool: pg.Pool, u: CampaignUpdate): Promise<void> {
  await pool.query(
    `UPDATE ota_campaigns SET status = $2, reason = $3, outcome = $4, updated_at = now()${u.finished ? ', finished_at = coalesce(finished_at, now())' : ''} WHERE id = $1`,
    [u.campaignId, u.status, u.reason, u.counts],
  );
}

/** Rows of the append-only audit log about `subject` (e.g. ota_campaigns/<id>). */
export async function insertAudit(db: pg.Pool | pg.PoolClient, subject: string, entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await db.query(
    `INSERT INTO audit_log (actor, action, subject, details)
     SELECT a.actor, a.action, $1, a.details FROM unnest($2::text[], $3::text[], $4::jsonb[]) AS a(actor, action, details)`,
    [subject, entries.map((e) => e.actor), entries.map((e) => e.action), entries.map((e) => JSON.stringify(e.details))],
  );
}

export function campaignSubject(campaignId: string): string {
  return `ota_campaigns/${campaignId}`;
}
