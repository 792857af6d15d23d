import { createHash, createPrivateKey, sign, verify } from 'node:crypto';
import { z } from 'zod';
import { verifyChain } from './chain';

/**
 * A firmware manifest: what an artifact is, for which hardware, until when it may be installed.
 * Devices install nothing whose manifest is not signed by a certificate chaining to the fleet root.
 */
export const versionSchema = z.string().regex(/^\d{1,6}(\.\d{1,6}){1,3}$/, 'versions are 2-4 dot-separated numbers, e.g. 3.5.0');
const sha256Schema = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 is 64 lowercase hex digits');
const isoTime = z.iso.datetime({ offset: true });

export const firmwareManifestSchema = z
  .object({
    schema: z.literal(1),
    /** Also the artifact's name in the FIRMWARE object store and its download path. */
    id: z.string().regex(/^[A-Za-z0-9_.-]{1,128}$/, 'ids are 1-128 characters of A-Z a-z 0-9 _ . -'),
    version: versionSchema,
    hardwareModels: z.array(z.string().min(1).max(64)).min(1).max(64),
    sizeBytes: z.number().int().positive(),
    sha256: sha256Schema,
    issuedAt: isoTime,
    expiresAt: isoTime,
    notes: z.string().max(2000).optional(),
  })
  .strict();
export type FirmwareManifest = z.infer<typeof firmwareManifestSchema>;

export const signedManifestSchema = z
  .object({
    manifest: firmwareManifestSchema,
    /** ECDSA (DER, base64) over canonicalManifestBytes(manifest). */
    signature: z.string().min(1).max(1024),
    /** The signing certificate first, then any intermediates, PEM; the root is the device's own. */
    certificates: z.array(z.string().min(1).max(16_384)).min(1).max(4),
  })
  .strict();
export type SignedManifest = z.infer<typeof signedManifestSchema>;

/** What was signed: the manifest as JSON with keys sorted, so field order never matters. */
export function canonicalManifestBytes(manifest: FirmwareManifest): Buffer {
  const sorted = Object.fromEntries(Object.entries(manifest).sort(([a], [b]) => (a < b ? -1 : 1)));
  return Buffer.from(JSON.stringify(sorted), 'utf8');
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export interface Signer {
  certificatePem: string;
  privateKeyPem: string;
  /** Intermediates between the signer and the root, if any. */
  intermediatePems?: string[];
}

export function signManifest(manifest: FirmwareManifest, signer: Signer): SignedManifest {
  const checked = firmwareManifestSchema.parse(manifest);
  const signature = sign('sha256', canonicalManifestBytes(checked), createPrivateKey(signer.privateKeyPem)).toString('base64');
  return { manifest: checked, signature, certificates: [signer.certificatePem, ...(signer.intermediatePems ?? [])] };
}

/** Why a manifest is not trusted; the codes devices report in their `ota.reason`. */
export type ManifestProblem = 'bad_manifest' | 'untrusted_chain' | 'bad_signature' | 'expired';
export type ManifestVerdict = { ok: true; manifest: FirmwareManifest } | { ok: false; code: ManifestProblem; detail: string };

/**
 * Checks the chain to the fleet root, the signature and the expiry, at `now`. The platform checks
 * before it publishes or rolls out a manifest, and every device again before it installs.
 */
export function verifySignedManifest(input: unknown, rootPem: string, now: Date): ManifestVerdict {
  const parsed = signedManifestSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, code: 'bad_manifest', detail: `${issue?.path.join('.') || 'manifest'}: ${issue?.message ?? 'invalid'}` };
  }
  const { manifest, signature, certificates } = parsed.data;
  const chain = verifyChain(certificates, rootPem, now);
  if (!chain.ok) return { ok: false, code: 'untrusted_chain', detail: chain.detail };
  let valid = false;
  try {
    valid = verify('sha256', canonicalManifestBytes(manifest), chain.signer.publicKey, Buffer.from(signature, 'base64'));
  } catch {
    valid = false;
  }
  if (!valid) return { ok: false, code: 'bad_signature', detail: `the signature does not match the manifest (signer ${chain.signer.subject.replace(/\n/g, ', ')})` };
  if (Date.parse(manifest.expiresAt) <= now.getTime()) return { ok: false, code: 'expired', detail: `the manifest expired at ${manifest.expiresAt}` };
  return { ok: true, manifest };
}

/** Numeric comparison of dotted versions: negative when a < b; missing parts count as 0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Devices report their firmware as `<hardware model> <version>` (e.g. `FT-GPS 3.4.1`): the twin
 * keeps that string, and OTA targets and checks use its two parts.
 */
export function firmwareLabel(hardwareModel: string, version: string): string {
  return `${hardwareModel} ${version}`;
}

export function parseFirmwareLabel(label: string): { hardwareModel: string; version: string } | null {
  const match = /^(.+) (\d+(?:\.\d+){1,3})$/.exec(label);
  return match ? { hardwareModel: match[1]!, version: match[2]! } : null;
}
