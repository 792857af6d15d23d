import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRootCa, issueSigningCertificate } from './certificates';
import { verifyChain } from './chain';
import { describePki, initPki, loadSigner } from './dev-pki';
import { compareVersions, parseFirmwareLabel, sha256Hex, signManifest, verifySignedManifest, type FirmwareManifest } from './manifest';
import { modeOf, pkiPaths, readRootCertificate } from './store';

let dir: string;
const paths = () => pkiPaths(dir);
const artifact = Buffer.from('firmware image bytes');
const manifest = (over: Partial<FirmwareManifest> = {}): FirmwareManifest => ({
  schema: 1,
  id: 'fw-test-1',
  version: '3.5.0',
  hardwareModels: ['FT-GPS'],
  sizeBytes: artifact.length,
  sha256: sha256Hex(artifact),
  issuedAt: new Date().toISOString(),
  expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
  ...over,
});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fleet-pki-'));
  await initPki(paths(), { fleet: 'Test', rootDays: 30, signingDays: 10 });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('dev PKI', () => {
  it('keeps private keys readable by their owner only, and a second init keeps the root', async () => {
    expect(await modeOf(paths().rootKey)).toBe(0o600);
    expect(await modeOf(paths().signingKey)).toBe(0o600);
    const root = await readRootCertificate(paths());
    expect(await initPki(paths(), { fleet: 'Test', rootDays: 30, signingDays: 10 })).toEqual({ root: 'kept', signing: 'kept' });
    expect(await readRootCertificate(paths())).toBe(root);
  });

  it('the signing certificate chains to the fleet root and is capped at nothing longer than asked', async () => {
    const summary = await describePki(paths());
    expect(summary.chain).toEqual({ ok: true });
    expect(summary.signing.issuer).toBe(summary.root.subject);
    expect(Date.parse(summary.signing.validTo) - Date.parse(summary.signing.validFrom)).toBeLessThanOrEqual(10 * 86_400_000 + 1000);
  });

  it('a CA certificate is not accepted as a firmware signer (no code signing usage)', async () => {
    const root = await readRootCertificate(paths());
    const verdict = verifyChain([root], root, new Date());
    expect(verdict).toMatchObject({ ok: false, detail: expect.stringContaining('not a code signing certificate') });
  });
});

describe('signed firmware manifests', () => {
  it('a manifest signed by the fleet signer verifies against the fleet root', async () => {
    const signed = signManifest(manifest(), await loadSigner(paths()));
    expect(verifySignedManifest(signed, await readRootCertificate(paths()), new Date())).toMatchObject({ ok: true });
  });

  it('a manifest changed after signing (a bigger version, another hash) is a bad signature', async () => {
    const signed = signManifest(manifest(), await loadSigner(paths()));
    const root = await readRootCertificate(paths());
    expect(verifySignedManifest({ ...signed, manifest: { ...signed.manifest, version: '9.0.0' } }, root, new Date())).toMatchObject({ ok: false, code: 'bad_signature' });
    expect(verifySignedManifest({ ...signed, manifest: { ...signed.manifest, sha256: sha256Hex(Buffer.from('evil')) } }, root, new Date())).toMatchObject({ ok: false, code: 'bad_signature' });
  });

  it('a manifest past its expiry is refused as expired', async () => {
    const signed = signManifest(manifest({ expiresAt: new Date(Date.now() - 1000).toISOString() }), await loadSigner(paths()));
    expect(verifySignedManifest(signed, await readRootCertificate(paths()), new Date())).toMatchObject({ ok: false, code: 'expired' });
  });

  it('a signer from another root is an untrusted chain', async () => {
    const otherRoot = await createRootCa({ subject: 'CN=Impostor root', validDays: 30 });
    const otherSigner = await issueSigningCertificate(otherRoot, { subject: 'CN=Impostor signing', validDays: 10 });
    const signed = signManifest(manifest(), otherSigner);
    const verdict = verifySignedManifest(signed, await readRootCertificate(paths()), new Date());
    expect(verdict).toMatchObject({ ok: false, code: 'untrusted_chain', detail: expect.stringContaining('was not issued by the fleet root') });
  });

  it('a signing certificate used after it expired is an untrusted chain', async () => {
    const signed = signManifest(manifest({ expiresAt: new Date(Date.now() + 400 * 86_400_000).toISOString() }), await loadSigner(paths()));
    const later = new Date(Date.now() + 20 * 86_400_000);
    expect(verifySignedManifest(signed, await readRootCertificate(paths()), later)).toMatchObject({ ok: false, code: 'untrusted_chain', detail: expect.stringContaining('is not valid at') });
  });

  it('a malformed manifest is refused with the field that is wrong', async () => {
    expect(verifySignedManifest({ manifest: { ...manifest(), sha256: 'xyz' }, signature: 'AA==', certificates: ['x'] }, 'x', new Date())).toMatchObject({
      ok: false, code: 'bad_manifest', detail: expect.stringContaining('manifest.sha256'),
    });
  });

  it('versions compare numerically and firmware labels split into model and version', () => {
    expect(compareVersions('3.10.0', '3.9.9')).toBeGreaterThan(0);
    expect(compareVersions('3.4', '3.4.0')).toBe(0);
    expect(compareVersions('2.1.0', '2.1.1')).toBeLessThan(0);
    expect(parseFirmwareLabel('FT-GPS 3.4.1')).toEqual({ hardwareModel: 'FT-GPS', version: '3.4.1' });
    expect(parseFirmwareLabel('weird')).toBeNull();
  });
});
