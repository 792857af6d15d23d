import { compareVersions, sha256Hex, verifySignedManifest, type FirmwareManifest } from '../../infra/pki/manifest';

/** A device's reasons to refuse an offer; the code leads the `ota.reason` it reports. */
export type Refusal =
  | 'no_trust_anchor'
  | 'bad_manifest'
  | 'untrusted_chain'
  | 'bad_signature'
  | 'expired'
  | 'wrong_model'
  | 'downgrade'
  | 'already_installed'
  | 'download_failed'
  | 'size_mismatch'
  | 'hash_mismatch';

export type Check<T> = { ok: true; value: T } | { ok: false; code: Refusal; detail: string };

/**
 * What a device checks before it downloads: the manifest chains to the fleet root it carries,
 * the signature holds, it has not expired, it is for this hardware, and it is newer than what runs.
 */
export function checkOffer(manifest: unknown, device: { trustAnchorPem: string | null; hardwareModel: string; version: string }, now: Date): Check<FirmwareManifest> {
  if (!device.trustAnchorPem) return { ok: false, code: 'no_trust_anchor', detail: 'this device carries no fleet root certificate' };
  const verdict = verifySignedManifest(manifest, device.trustAnchorPem, now);
  if (!verdict.ok) return { ok: false, code: verdict.code, detail: verdict.detail };
  const m = verdict.manifest;
  if (!m.hardwareModels.includes(device.hardwareModel)) {
    return { ok: false, code: 'wrong_model', detail: `for ${m.hardwareModels.join(', ')}, this is ${device.hardwareModel}` };
  }
  const order = compareVersions(m.version, device.version);
  if (order < 0) return { ok: false, code: 'downgrade', detail: `${m.version} is older than the running ${device.version}` };
  if (order === 0) return { ok: false, code: 'already_installed', detail: `${m.version} runs already` };
  return { ok: true, value: m };
}

/** What a device checks after the download: the bytes are exactly those the manifest names. */
export function checkArtifact(manifest: FirmwareManifest, bytes: Uint8Array, now: Date): Check<Uint8Array> {
  if (bytes.length !== manifest.sizeBytes) return { ok: false, code: 'size_mismatch', detail: `${bytes.length} bytes, the manifest says ${manifest.sizeBytes}` };
  const sha256 = sha256Hex(bytes);
  if (sha256 !== manifest.sha256) return { ok: false, code: 'hash_mismatch', detail: `SHA-256 ${sha256}, the manifest says ${manifest.sha256}` };
  // A long download may outlast the manifest.
  if (Date.parse(manifest.expiresAt) <= now.getTime()) return { ok: false, code: 'expired', detail: `the manifest expired at ${manifest.expiresAt}` };
  return { ok: true, value: bytes };
}
