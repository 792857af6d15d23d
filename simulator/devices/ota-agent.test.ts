import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRootCa, issueSigningCertificate } from '../../infra/pki/certificates';
import { initPki, loadSigner } from '../../infra/pki/dev-pki';
import { sha256Hex, signManifest, type FirmwareManifest, type Signer } from '../../infra/pki/manifest';
import { pkiPaths, readRootCertificate } from '../../infra/pki/store';
import type { Reading } from '../../twins/telemetry/schema';
import { OtaAgent, type OtaBehaviour } from './ota-agent';

const fast: OtaBehaviour = { downloadMs: 5, installMs: 5, rebootMs: 5, failureRate: 0, rollbackRate: 0 };
const image = Buffer.from('FT-GPS 3.5.0 image '.repeat(100));
/** What the download server hands out per path: tests put a tampered image under its own path. */
const served = new Map<string, Uint8Array>([['/good', image], ['/tampered', Buffer.concat([image.subarray(0, 100), Buffer.from('X'), image.subarray(101)])]]);

let dir: string;
let root: string;
let signer: Signer;
let server: Server;
let base: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ota-agent-'));
  await initPki(pkiPaths(dir), { fleet: 'Test', rootDays: 30, signingDays: 10 });
  root = await readRootCertificate(pkiPaths(dir));
  signer = await loadSigner(pkiPaths(dir));
  server = createServer((req, res) => {
    const body = served.get(req.url ?? '');
    if (!body) return void res.writeHead(404).end();
    res.writeHead(200).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await rm(dir, { recursive: true, force: true });
});

function manifest(over: Partial<FirmwareManifest> = {}): FirmwareManifest {
  return {
    schema: 1, id: 'FT-GPS-3.5.0', version: '3.5.0', hardwareModels: ['FT-GPS'], sizeBytes: image.length, sha256: sha256Hex(image),
    issuedAt: new Date().toISOString(), expiresAt: new Date(Date.now() + 3_600_000).toISOString(), ...over,
  };
}

function device(options: { firmware?: string; behaviour?: Partial<OtaBehaviour>; trust?: string | null; fetchArtifact?: (url: string) => Promise<Uint8Array> } = {}) {
  const reports: Reading[] = [];
  const agent = new OtaAgent({
    firmware: options.firmware ?? 'FT-GPS 3.4.1',
    trustAnchorPem: options.trust === undefined ? root : options.trust,
    behaviour: { ...fast, ...options.behaviour },
    random: () => 0.5,
    report: (r) => reports.push(r),
    ...(options.fetchArtifact ? { fetchArtifact: options.fetchArtifact, sleep: async () => undefined } : {}),
  });
  const states = () => reports.map((r) => r.ota?.state);
  const last = () => reports.at(-1)!;
  return { agent, reports, states, last };
}

let commands = 0;
function offer(signed: unknown, path = '/good', campaignId = 'c1') {
  return Buffer.from(JSON.stringify({ v: 1, id: `cmd-${++commands}`, type: 'ota.offer', vehicleId: 'V1', deviceId: 'V1-gps', campaignId, url: `${base}${path}`, manifest: signed }));
}
function rollback(version: string, campaignId = 'c1') {
  return Buffer.from(JSON.stringify({ v: 1, id: `cmd-${++commands}`, type: 'ota.rollback', vehicleId: 'V1', deviceId: 'V1-gps', campaignId, version }));
}

describe('simulated device OTA agent', () => {
  it('installs a signed update it checked, reporting every step, and then runs the new version', async () => {
    const d = device();
    expect(d.agent.receive(offer(signManifest(manifest(), signer)))).toBe(true);
    await d.agent.idle();
    expect(d.states()).toEqual(['offered', 'downloading', 'verifying', 'installing', 'rebooting', 'done']);
    expect(d.last()).toEqual({ ota: { campaignId: 'c1', version: '3.5.0', state: 'done' }, firmware: 'FT-GPS 3.5.0' });
    expect(d.agent.firmware).toBe('FT-GPS 3.5.0');
  });

  it('refuses a tampered artifact after the download: SHA-256 mismatch, nothing installed', async () => {
    const d = device();
    d.agent.receive(offer(signManifest(manifest(), signer), '/tampered'));
    await d.agent.idle();
    expect(d.states()).toEqual(['offered', 'downloading', 'verifying', 'refused']);
    expect(d.last().ota!.reason).toMatch(/^hash_mismatch: SHA-256 [0-9a-f]{64}, the manifest says/);
    expect(d.agent.firmware).toBe('FT-GPS 3.4.1');
  });

  it('a download cut off under load is tried again, and the update goes on', async () => {
    let tries = 0;
    const flaky = async (url: string) => {
      if (++tries === 1) throw new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } });
      return new Uint8Array(await (await fetch(url)).arrayBuffer());
    };
    const d = device({ fetchArtifact: flaky });
    d.agent.receive(offer(signManifest(manifest(), signer)));
    await d.agent.idle();
    expect(tries).toBe(2);
    expect(d.states()).toEqual(['offered', 'downloading', 'verifying', 'installing', 'rebooting', 'done']);
  });

  it('gives up after three failed downloads and says why', async () => {
    let tries = 0;
    const d = device({ fetchArtifact: async () => { tries++; throw new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } }); } });
    d.agent.receive(offer(signManifest(manifest(), signer)));
    await d.agent.idle();
    expect(tries).toBe(3);
    expect(d.last().ota).toMatchObject({ state: 'refused', reason: 'download_failed: fetch failed (ECONNREFUSED)' });
    expect(d.agent.firmware).toBe('FT-GPS 3.4.1');
  });

  it('refuses an expired manifest before downloading anything', async () => {
    const d = device();
    d.agent.receive(offer(signManifest(manifest({ expiresAt: new Date(Date.now() - 60_000).toISOString() }), signer)));
    await d.agent.idle();
    expect(d.states()).toEqual(['offered', 'refused']);
    expect(d.last().ota!.reason).toMatch(/^expired: the manifest expired at/);
  });

  it('refuses a downgrade, and the version it already runs', async () => {
    const d = device({ firmware: 'FT-GPS 3.6.0' });
    d.agent.receive(offer(signManifest(manifest(), signer)));
    await d.agent.idle();
    expect(d.last().ota).toMatchObject({ state: 'refused', reason: 'downgrade: 3.5.0 is older than the running 3.6.0' });
    const same = device({ firmware: 'FT-GPS 3.5.0' });
    same.agent.receive(offer(signManifest(manifest(), signer)));
    await same.agent.idle();
    expect(same.last().ota!.reason).toMatch(/^already_installed/);
  });

  it('refuses a manifest signed under another root (wrong chain), and one changed after signing', async () => {
    const otherRoot = await createRootCa({ subject: 'CN=Other root', validDays: 10 });
    const otherSigner = await issueSigningCertificate(otherRoot, { subject: 'CN=Other signing', validDays: 5 });
    const d = device();
    d.agent.receive(offer(signManifest(manifest(), otherSigner), '/good', 'c-chain'));
    await d.agent.idle();
    expect(d.last().ota).toMatchObject({ campaignId: 'c-chain', state: 'refused', reason: expect.stringMatching(/^untrusted_chain: .*was not issued by the fleet root/) });
    const signed = signManifest(manifest(), signer);
    d.agent.receive(offer({ ...signed, manifest: { ...signed.manifest, hardwareModels: ['FT-GPS', 'FT-OBD'] } }, '/good', 'c-edit'));
    await d.agent.idle();
    expect(d.last().ota).toMatchObject({ campaignId: 'c-edit', state: 'refused', reason: expect.stringMatching(/^bad_signature/) });
  });

  it('refuses firmware for other hardware, and everything when it carries no fleet root', async () => {
    const d = device({ firmware: 'FT-OBD 2.1.0' });
    d.agent.receive(offer(signManifest(manifest({ version: '2.2.0' }), signer)));
    await d.agent.idle();
    expect(d.last().ota!.reason).toBe('wrong_model: for FT-GPS, this is FT-OBD');
    const untrusting = device({ trust: null });
    untrusting.agent.receive(offer(signManifest(manifest(), signer)));
    await untrusting.agent.idle();
    expect(untrusting.last().ota!.reason).toMatch(/^no_trust_anchor/);
  });

  it('a failed install reports failed, boots the old image and reports rolled_back', async () => {
    const d = device({ behaviour: { failureRate: 1 } });
    d.agent.receive(offer(signManifest(manifest(), signer)));
    await d.agent.idle();
    expect(d.states()).toEqual(['offered', 'downloading', 'verifying', 'installing', 'failed', 'rolled_back']);
    expect(d.last().firmware).toBe('FT-GPS 3.4.1');
  });

  it('a campaign rollback returns an updated device to its previous version; a repeated offer is answered, not re-run', async () => {
    const d = device();
    d.agent.receive(offer(signManifest(manifest(), signer)));
    await d.agent.idle();
    d.agent.receive(offer(signManifest(manifest(), signer)));
    expect(d.last().ota!.state).toBe('done');
    expect(d.states().filter((s) => s === 'downloading')).toHaveLength(1);
    d.agent.receive(rollback('3.5.0', 'c1'));
    await d.agent.idle();
    expect(d.states().slice(-2)).toEqual(['rebooting', 'rolled_back']);
    expect(d.last().firmware).toBe('FT-GPS 3.4.1');
  });

  it('ignores a command it cannot read', () => {
    const d = device();
    expect(d.agent.receive(Buffer.from('{"type":"ota.offer"}'))).toBe(false);
    expect(d.agent.receive(Buffer.from('not json'))).toBe(false);
    expect(d.reports).toEqual([]);
  });
});
