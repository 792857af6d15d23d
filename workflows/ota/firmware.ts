import type { NatsConnection } from '@nats-io/transport-node';
import { Objm } from '@nats-io/obj';
import type pg from 'pg';
import { sha256Hex, signManifest, verifySignedManifest, type FirmwareManifest, type SignedManifest, type Signer } from '../../infra/pki/manifest';
import { OBJECT_STORE_FIRMWARE } from '../../twins/bus/subjects';
import { insertAudit } from './records';

export interface PublishRequest {
  artifact: Uint8Array;
  version: string;
  hardwareModels: string[];
  expiresAt: Date;
  /** Default: <first model>-<version>-<first 8 hex of the SHA-256>. */
  id?: string;
  notes?: string;
  publishedBy: string;
}

export interface PublishDeps {
  pool: pg.Pool;
  nc: NatsConnection;
  signer: Signer;
  /** The fleet root: a manifest that would not verify on a device is never published. */
  rootPem: string;
  now?: Date;
}

export class PublishError extends Error {
  override name = 'PublishError';
}

/**
 * `fleet ota publish`: signs the manifest of an artifact, stores the artifact in the FIRMWARE
 * object store (served to devices by the download route), and records the manifest.
 */
export async function publishFirmware(deps: PublishDeps, request: PublishRequest): Promise<SignedManifest> {
  const now = deps.now ?? new Date();
  const sha256 = sha256Hex(request.artifact);
  const id = request.id ?? `${request.hardwareModels[0]}-${request.version}-${sha256.slice(0, 8)}`.replace(/[^A-Za-z0-9_.-]/g, '_');
  const manifest: FirmwareManifest = {
    schema: 1,
    id,
    version: request.version,
    hardwareModels: request.hardwareModels,
    sizeBytes: request.artifact.length,
    sha256,
    issuedAt: now.toISOString(),
    expiresAt: request.expiresAt.toISOString(),
    ...(request.notes ? { notes: request.notes } : {}),
  };
  const signed = signManifest(manifest, deps.signer);
  const verdict = verifySignedManifest(signed, deps.rootPem, now);
  if (!verdict.ok) throw new PublishError(`the signed manifest would be refused by devices: ${verdict.code} (${verdict.detail})`);

  const exists = await deps.pool.query('SELECT 1 FROM firmware_manifests WHERE id = $1', [id]);
  if (exists.rowCount) throw new PublishError(`firmware ${id} is already published (give another --id)`);
  const store = await new Objm(deps.nc).create(OBJECT_STORE_FIRMWARE);
  await store.putBlob({ name: id, description: `${request.hardwareModels.join(', ')} ${request.version}` }, request.artifact);
  await deps.pool.query(
    `INSERT INTO firmware_manifests (id, hardware_model, version, url, sha256, size_bytes, signature, notes, hardware_models, expires_at, signed_manifest, released_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    [id, request.hardwareModels[0], request.version, `/firmware/${id}`, sha256, request.artifact.length, signed.signature, request.notes ?? null, request.hardwareModels, request.expiresAt, signed, now],
  );
  await insertAudit(deps.pool, `firmware_manifests/${id}`, [{ actor: request.publishedBy, action: 'firmware.publish', details: { version: request.version, hardwareModels: request.hardwareModels, sha256 } }]);
  return signed;
}

