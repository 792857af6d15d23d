import { X509Certificate } from 'node:crypto';
import { createRootCa, issueSigningCertificate } from './certificates';
import { verifyChain } from './chain';
import type { Signer } from './manifest';
import { exists, modeOf, readIssued, writeIssued, type PkiPaths } from './store';

export interface InitOptions {
  fleet: string;
  rootDays: number;
  signingDays: number;
}

/**
 * `fleet pki init`: the dev fleet root CA and a signing certificate under it. An existing root is
 * kept (re-running is harmless); a missing signing certificate is issued.
 */
export async function initPki(paths: PkiPaths, options: InitOptions): Promise<{ root: 'created' | 'kept'; signing: 'created' | 'kept' }> {
  let root: 'created' | 'kept' = 'kept';
  if (!(await exists(paths.rootCertificate))) {
    const issued = await createRootCa({ subject: `CN=${options.fleet} fleet root CA (dev), O=FleetTwin`, validDays: options.rootDays });
    await writeIssued(paths.rootCertificate, paths.rootKey, issued);
    root = 'created';
  }
  if (root === 'kept' && (await exists(paths.signingCertificate))) return { root, signing: 'kept' };
  await issueSigning(paths, { fleet: options.fleet, days: options.signingDays });
  return { root, signing: 'created' };
}

/** `fleet pki issue`: a new signing certificate from the root, replacing the current one. */
export async function issueSigning(paths: PkiPaths, options: { fleet: string; days: number }): Promise<X509Certificate> {
  const root = await readIssued(paths.rootCertificate, paths.rootKey, 'fleet root CA');
  const issued = await issueSigningCertificate(root, { subject: `CN=${options.fleet} firmware signing, O=FleetTwin`, validDays: options.days });
  await writeIssued(paths.signingCertificate, paths.signingKey, issued);
  return new X509Certificate(issued.certificatePem);
}

/** The signing certificate and key that sign manifests. */
export async function loadSigner(paths: PkiPaths): Promise<Signer> {
  return readIssued(paths.signingCertificate, paths.signingKey, 'signing certificate');
}

export interface CertificateSummary {
  file: string;
  subject: string;
  issuer: string;
  serialNumber: string;
  validFrom: string;
  validTo: string;
  fingerprint256: string;
  keyFile: string;
  keyMode: string | null;
}

export interface PkiSummary {
  dir: string;
  root: CertificateSummary;
  signing: CertificateSummary;
  /** Does the signing certificate chain to the root now? */
  chain: { ok: boolean; detail?: string };
}

/** `fleet pki show`. */
export async function describePki(paths: PkiPaths, now = new Date()): Promise<PkiSummary> {
  const root = await readIssued(paths.rootCertificate, paths.rootKey, 'fleet root CA');
  const signing = await readIssued(paths.signingCertificate, paths.signingKey, 'signing certificate');
  const verdict = verifyChain([signing.certificatePem], root.certificatePem, now);
  return {
    dir: paths.dir,
    root: await summarise(root.certificatePem, paths.rootCertificate, paths.rootKey),
    signing: await summarise(signing.certificatePem, paths.signingCertificate, paths.signingKey),
    chain: verdict.ok ? { ok: true } : { ok: false, detail: verdict.detail },
  };
}

async function summarise(pem: string, file: string, keyFile: string): Promise<CertificateSummary> {
  const cert = new X509Certificate(pem);
  const mode = await modeOf(keyFile);
  return {
    file,
    subject: cert.subject.replace(/\n/g, ', '),
    issuer: cert.issuer.replace(/\n/g, ', '),
    serialNumber: cert.serialNumber,
    validFrom: new Date(cert.validFrom).toISOString(),
    validTo: new Date(cert.validTo).toISOString(),
    fingerprint256: cert.fingerprint256,
    keyFile,
    keyMode: mode === null ? null : `0${mode.toString(8)}`,
  };
}
